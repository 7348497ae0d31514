/** `retry`: puts the deliveries that failed for good back in the outbox. */
import { t } from '../../../cards/kit.js';
import { requeueFailed } from '../../outbox/store.js';
import type { CommandContext } from '../context.js';
import { audited } from './common.js';
import { receiptCard, type Card } from './replies.js';

export async function runRetry(ctx: CommandContext): Promise<Card> {
  const { card } = await audited(ctx, 'retry', async (tx, now) => {
    const count = await requeueFailed(tx, now);
    const body =
      count > 0
        ? t(
            `已把 ${count} 条发送失败的通知重新放回发送队列。`,
            `Queued ${count} failed ${count === 1 ? 'notification' : 'notifications'} to be sent again.`,
          )
        : t('没有发送失败的通知，没有改变。', 'There were no failed notifications; nothing changed.');
    return { card: receiptCard(t('已重试', 'Retry'), body), detail: { requeued: count } };
  });
  return card;
}
