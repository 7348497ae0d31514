/** Deliveries that failed for good are reported to the chats routed for `failures` (never a report of a report). */
import { t, userText } from '../../cards/kit.js';
import { replyCard } from '../../cards/reply.js';
import type { Db } from '../db/index.js';
import type { FailedForGood } from './dispatcher.js';
import { routedChats } from '../recipients/routes.js';
import { enqueueDrafts } from './enqueue.js';

export function reportFailures(db: Db): FailedForGood {
  return async (row) => {
    if (row.kind === 'failures') return;
    await db.$transaction(async (tx) => {
      const chats = await routedChats(tx, 'failures');
      if (chats.length === 0) return;
      const reason = userText(row.reason, 300);
      const card = replyCard({
        title: t('消息发送失败', 'Delivery failed'),
        body: t(
          `一条「${row.kind}」消息（发给 ${row.receiveIdType}）发送失败，不会再重试：\n${reason}\n修复后发送 \`retry\` 重新发送。`,
          `A "${row.kind}" message (to a ${row.receiveIdType}) failed for good:\n${reason}\n` +
            'Once fixed, send `retry` to queue it again.',
        ),
        template: 'red',
      });
      await enqueueDrafts(
        tx,
        `failure:${row.id}`,
        null,
        chats.map((chatId) => ({
          key: chatId,
          kind: 'failures',
          role: 'chat' as const,
          receiveIdType: 'chat_id' as const,
          receiveId: chatId,
          card,
        })),
      );
    });
  };
}
