/**
 * "Send congratulations" on a manager's notice: the learner gets a short card from the bot in the manager's
 * name, once; the button turns into "Sent", and a second click sends nothing.
 */
import { t, userText } from '../../cards/kit.js';
import { replyCard, toast } from '../../cards/reply.js';
import type { Db } from '../db/index.js';
import type { IdentityResolver, LearningSource } from '../identity/resolver.js';
import { managerNotice } from '../learning/drafts.js';
import { toState } from '../learning/store.js';
import { enqueueDrafts } from '../outbox/enqueue.js';
import { patchMessage } from '../outbox/card-updates.js';
import type { CardAction, CardActionResult } from './callback.js';
import { recordAction } from './record.js';

export async function congratulate(
  deps: { db: Db; resolver: IdentityResolver; timeZone: string; onQueued: () => void },
  action: CardAction,
  recordId: string,
): Promise<CardActionResult> {
  const { db, resolver } = deps;
  const manager = action.operatorOpenId;
  const subject = `record:${recordId}`;
  const row = /^[0-9a-f-]{36}$/i.test(recordId) ? await db.learningRecord.findUnique({ where: { id: recordId } }) : null;
  // Only the manager the notice went to may congratulate (the button's value could be forged).
  const notice = row ? await db.notification.findFirst({ where: { subject, role: 'manager', receiveId: manager, operation: 'send' } }) : null;
  if (!row || !notice) return { toast: toast('error', t('无法为这条记录发送祝贺。', 'Congratulations cannot be sent for this record.')) };
  const ref = { source: row.source as LearningSource, externalUserId: row.externalUserId };
  const learner = await resolver.resolve(ref);
  if (!learner.resolved) return { toast: toast('error', t('还找不到这位学员。', 'The learner cannot be found yet.')) };
  const [learnerName, managerName] = await Promise.all([resolver.displayName(ref, learner.openId), displayNameOf(resolver, manager)]);
  const record = toState(row);
  const itemName = record.itemName ?? record.itemId ?? '—';

  const sentAt = await db.$transaction(async (tx) => {
    const first = await tx.cardAction.createMany({
      data: [{ actionKey: `congratulate:${subject}:${manager}`, action: 'congratulate', openId: manager, subject, result: 'sent' }],
      skipDuplicates: true,
    });
    if (first.count === 0) {
      await recordAction(tx, action, 'congratulate', subject, 'already_sent');
      const earlier = await tx.cardAction.findUnique({ where: { actionKey: `congratulate:${subject}:${manager}` } });
      return { at: earlier?.createdAt ?? new Date(), fresh: false };
    }
    const name = userText(managerName, 60);
    const card = replyCard({
      title: t(`来自 ${managerName.slice(0, 30)} 的祝贺`, `Congratulations from ${managerName.slice(0, 30)}`),
      body: t(`🎉 **${name}** 祝贺你完成了 **${userText(itemName)}**！`, `🎉 **${name}** congratulates you on **${userText(itemName)}**!`),
      template: 'green',
    });
    await enqueueDrafts(tx, `congratulate:${recordId}:${manager}`, null, [
      { key: 'message', kind: 'congratulations', role: 'learner', receiveIdType: 'open_id', receiveId: learner.openId, subject, card },
    ]);
    const at = new Date();
    if (action.style === 'v1') {
      // The older callback cannot carry a 2.0 card in its answer: the notice is updated by a patch.
      const updated = managerNotice({ recordId, record, learnerName, learnerOpenId: learner.openId, source: ref.source, timeZone: deps.timeZone, sentAt: at });
      await patchMessage(tx, notice.id, updated, `congratulated`);
    }
    return { at, fresh: true };
  });
  if (sentAt.fresh) deps.onQueued();
  const card = managerNotice({ recordId, record, learnerName, learnerOpenId: learner.openId, source: ref.source, timeZone: deps.timeZone, sentAt: sentAt.at });
  return sentAt.fresh
    ? { toast: toast('success', t('祝贺已发送。', 'Congratulations sent.')), card }
    : { toast: toast('info', t('你已经发送过祝贺了。', 'You already sent congratulations.')), card };
}

async function displayNameOf(resolver: IdentityResolver, openId: string): Promise<string> {
  return resolver.displayName({ source: 'feishu', externalUserId: openId }, openId);
}
