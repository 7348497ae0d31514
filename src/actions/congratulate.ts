/**
 * "Send congratulations" on a manager's notice: the learner gets a short card from the bot in the manager's
 * name, once; the button turns into "Sent", and a second click sends nothing.
 *
 * Finding the learner and the names may take the directory (or the ALM API) longer than a click may wait: the
 * click is answered within its budget whatever they do, and the rest finishes after the answer: the message is
 * queued then, and the notice turns into "Sent" by a patch.
 */
import { t, userText } from '../../cards/kit.js';
import { itemNameText } from '../../cards/item.js';
import { itemTypeName } from '../../cards/learning.js';
import { replyCard, toast } from '../../cards/reply.js';
import type { Db } from '../db/index.js';
import { congratulationKey, recordSubject } from '../domain/keys.js';
import type { LearnerRef } from '../domain/learner.js';
import type { Source } from '../domain/sources.js';
import type { IdentityResolver } from '../identity/resolver.js';
import { itemNaming, managerNotice } from '../learning/drafts.js';
import type { RecordState } from '../learning/record-state.js';
import { toState } from '../learning/store.js';
import { enqueueDrafts } from '../outbox/enqueue.js';
import { patchMessage } from '../outbox/card-updates.js';
import { within } from '../util/deadline.js';
import { CLICK_LOOKUP_BUDGET_MS, type CardAction, type CardActionResult } from './callback.js';
import { recordAction } from './record.js';

interface CongratulateDeps {
  db: Db;
  resolver: IdentityResolver;
  timeZone: string;
  onQueued: () => void;
  /** Reports work that failed after the answer (nobody waits for it). */
  onLateError: (err: unknown) => void;
  budgetMs?: number;
}

/** What the click needs from other systems: the learner in Feishu and the two names. */
type Lookup = { found: false } | { found: true; learnerOpenId: string; learnerName: string; managerName: string };

/** One click, with what the database says about it. */
interface Click {
  action: CardAction;
  recordId: string;
  subject: string;
  manager: string;
  noticeId: string;
  record: RecordState;
  ref: LearnerRef;
}

const cannotFind = () => ({ toast: toast('error', t('还找不到这位学员。', 'The learner cannot be found yet.')) });

export async function congratulate(
  deps: CongratulateDeps,
  action: CardAction,
  recordId: string,
): Promise<CardActionResult> {
  const { db, resolver } = deps;
  const manager = action.operatorOpenId;
  const subject = recordSubject(recordId);
  const row = /^[0-9a-f-]{36}$/i.test(recordId)
    ? await db.learningRecord.findUnique({ where: { id: recordId } })
    : null;
  // Only the manager the notice went to may congratulate (the button's value could be forged).
  const notice = row
    ? await db.notification.findFirst({ where: { subject, role: 'manager', receiveId: manager, operation: 'send' } })
    : null;
  if (!row || !notice)
    return { toast: toast('error', t('无法为这条记录发送祝贺。', 'Congratulations cannot be sent for this record.')) };
  const ref: LearnerRef = { source: row.source as Source, externalUserId: row.externalUserId };
  const click: Click = { action, recordId, subject, manager, noticeId: notice.id, record: toState(row), ref };

  const lookup = (async (): Promise<Lookup> => {
    const learner = await resolver.resolve(ref);
    if (!learner.resolved) return { found: false };
    const [learnerName, managerName] = await Promise.all([
      resolver.displayName(ref, learner.openId),
      resolver.displayName({ source: 'feishu', externalUserId: manager }, manager),
    ]);
    return { found: true, learnerOpenId: learner.openId, learnerName, managerName };
  })();
  const early = await within(lookup, deps.budgetMs ?? CLICK_LOOKUP_BUDGET_MS);
  if (!early.done) {
    void early.later
      .then(async (found) => {
        // The answer went without the new card: the notice turns into "Sent" by a patch.
        if (found.found && (await send(deps, click, found, { patchNotice: true })).fresh) deps.onQueued();
      })
      .catch(deps.onLateError);
    return { toast: toast('info', t('正在发送祝贺……', 'Sending congratulations…')) };
  }
  const found = early.value;
  if (!found.found) return cannotFind();
  // The older callback cannot carry a 2.0 card in its answer: its notice is patched once the answer has gone back.
  const sent = await send(deps, click, found, { patchNotice: false });
  if (sent.fresh) deps.onQueued();
  const card = noticeCard(deps, click, found, sent.at);
  const afterAnswer = sent.fresh && action.style === 'v1' ? () => patchNotice(deps, click, card) : undefined;
  return sent.fresh
    ? { toast: toast('success', t('祝贺已发送。', 'Congratulations sent.')), card, ...(afterAnswer && { afterAnswer }) }
    : { toast: toast('info', t('你已经发送过祝贺了。', 'You already sent congratulations.')), card };
}

function noticeCard(deps: CongratulateDeps, click: Click, found: Extract<Lookup, { found: true }>, sentAt: Date) {
  const { recordId, record, ref } = click;
  const learnerOpenId = found.learnerOpenId;
  return managerNotice({
    recordId,
    record,
    learnerName: found.learnerName,
    learnerOpenId,
    source: ref.source,
    timeZone: deps.timeZone,
    sentAt,
  });
}

/** Queues the message once per manager and record (the click's idempotency key); `fresh` when this click did. */
async function send(
  deps: CongratulateDeps,
  click: Click,
  found: Extract<Lookup, { found: true }>,
  opts: { patchNotice: boolean },
): Promise<{ at: Date; fresh: boolean }> {
  const { action, subject, manager, recordId, record } = click;
  const actionKey = congratulationKey(subject, manager);
  return deps.db.$transaction(async (tx) => {
    const first = await tx.cardAction.createMany({
      data: [{ actionKey, action: 'congratulate', openId: manager, subject, result: 'sent' }],
      skipDuplicates: true,
    });
    if (first.count === 0) {
      await recordAction(tx, action, 'congratulate', subject, 'already_sent');
      const earlier = await tx.cardAction.findUnique({ where: { actionKey } });
      return { at: earlier?.createdAt ?? new Date(), fresh: false };
    }
    const { managerName } = found;
    const name = userText(managerName, 60);
    const named = itemNaming(record, click.ref.source);
    const item = itemNameText(
      { name: named.itemName, id: named.itemId, place: named.place },
      itemTypeName(record.itemType),
    );
    const card = replyCard({
      title: t(`来自 ${managerName.slice(0, 30)} 的祝贺`, `Congratulations from ${managerName.slice(0, 30)}`),
      body: t(`🎉 **${name}** 祝贺你完成了 ${item.zh}！`, `🎉 **${name}** congratulates you on ${item.en}!`),
      template: 'green',
    });
    await enqueueDrafts(tx, `congratulate:${recordId}:${manager}`, null, [
      {
        key: 'message',
        kind: 'congratulations',
        role: 'learner',
        receiveIdType: 'open_id',
        receiveId: found.learnerOpenId,
        subject,
        card,
      },
    ]);
    const at = new Date();
    if (opts.patchNotice) await patchMessage(tx, click.noticeId, noticeCard(deps, click, found, at), 'congratulated');
    return { at, fresh: true };
  });
}

/** The notice as it now looks, patched after the answer (the older callback). */
async function patchNotice(deps: CongratulateDeps, click: Click, card: Record<string, unknown>): Promise<void> {
  await deps.db.$transaction((tx) => patchMessage(tx, click.noticeId, card, 'congratulated'));
  deps.onQueued();
}
