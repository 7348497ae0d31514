/**
 * The shape every learning handler shares: look up who is concerned (before the transaction, since that talks to
 * Feishu and ALM), then, in the transaction, lock the learner's record, fold the event into it with a pure
 * reducer, save it and return the cards it calls for.
 */
import { AlmBudgetExhausted } from '../alm/api.js';
import { RetryLater } from '../domain/errors.js';
import type { LearnerRef } from '../domain/learner.js';
import { courseIdsOf, courseName } from '../learning/courses.js';
import { learningDrafts, type Audience } from '../learning/drafts.js';
import type { ItemType, RecordState, Reduction } from '../learning/record-state.js';
import { lockRecord, saveRecord, type RecordKey } from '../learning/store.js';
import { zonesOf } from '../recipients/preferences.js';
import { planEscalations } from '../team/escalation.js';
import { planRecordReminders } from '../reminders/schedule.js';
import { noteProgress } from '../reminders/store.js';
import type { Tx } from '../db/tx.js';
import type { HandlerContext, Outcome } from './types.js';

interface LearningWork {
  ref: LearnerRef;
  itemKey: string;
  itemType: ItemType;
  reduce: (prev: RecordState | undefined) => Reduction;
  /** False when the event can never call for a card (progress): no lookups are made. */
  mayNotify: boolean;
  /** The item's display name when the event does not carry it (looked up before the transaction). */
  itemName?: () => Promise<string | null>;
  /** Source facts the transaction reads, fetched before it (the ALM instance's completion deadline). */
  prefetch?: () => Promise<unknown>;
}

export async function learningOutcome(ctx: HandlerContext, work: LearningWork): Promise<Outcome> {
  const { audience, itemName } = await deferOnBudget(async () => ({
    audience: work.mayNotify ? await audienceFor(ctx, work.ref) : undefined,
    itemName: work.itemName ? await work.itemName() : null,
    prefetched: work.prefetch ? await work.prefetch() : undefined,
  }));
  const key: RecordKey = { source: work.ref.source, externalUserId: work.ref.externalUserId, itemKey: work.itemKey };
  return {
    async commit(tx) {
      const { id, prev } = await lockRecord(tx, key, work.itemType);
      const { next, cards, note } = work.reduce(prev);
      if (itemName) next.itemName = itemName;
      // Sources whose events carry only ids (Feishu eLearning): the name an admin gave the course.
      if (!next.itemName)
        next.itemName = await courseName(tx, courseIdsOf({ itemKey: work.itemKey, itemId: next.itemId }));
      if (note) ctx.log.info({ itemKey: work.itemKey, note }, 'learning event noted');
      if (note) ctx.note(note);
      else if (cards.length === 0) ctx.note(`recorded (${next.state}); nothing to announce`);
      await saveRecord(tx, id, next);
      // Escalations of overdue assigned learning: planned, or cancelled by a completion, with the change itself.
      await planEscalations(tx, id, ctx.config.DEFAULT_TIME_ZONE);
      await replanReminders(tx, ctx, id, prev, next);
      if (cards.length === 0) return [];
      if (!audience) throw new Error(`event ${ctx.event.eventType} called for cards but no recipients were looked up`);
      return learningDrafts(id, next, cards, audience);
    },
  };
}

/**
 * Progress (a new state, percent or lesson count) restarts the stall clock; any change plans the record's reminders
 * again in this transaction, so a completion cancels them whatever order the events arrive in.
 */
async function replanReminders(
  tx: Tx,
  ctx: HandlerContext,
  id: string,
  prev: RecordState | undefined,
  next: RecordState,
): Promise<void> {
  const now = ctx.services.clock.now();
  if (madeProgress(prev, next)) await noteProgress(tx, id, next.lastEventAt ?? now);
  await planRecordReminders(tx, ctx.config, id, now);
}

function madeProgress(prev: RecordState | undefined, next: RecordState): boolean {
  if (!prev) return true;
  const lessons = (r: RecordState) => JSON.stringify((r.facts as { lessons?: unknown }).lessons ?? null);
  return prev.state !== next.state || prev.progressPercent !== next.progressPercent || lessons(prev) !== lessons(next);
}

/** The learner, their manager, names and time zones. */
async function audienceFor(ctx: HandlerContext, ref: LearnerRef): Promise<Audience> {
  const { resolver } = ctx.services;
  const resolution = await resolver.resolve(ref);
  const learnerOpenId = resolution.resolved ? resolution.openId : null;
  if (!resolution.resolved)
    ctx.log.info({ source: ref.source, reason: resolution.reason }, 'learner not found in Feishu; cards will wait');
  const managerOpenId = learnerOpenId ? await resolver.managerOf(learnerOpenId) : null;
  const learnerName = await resolver.displayName(ref, learnerOpenId);
  const zones = await zonesOf(ctx.db, ctx.config, [learnerOpenId, managerOpenId]);
  const zoneOf = (openId: string | null) => (openId ? zones.get(openId) : undefined) ?? ctx.config.DEFAULT_TIME_ZONE;
  return {
    learner: ref,
    learnerOpenId,
    learnerName,
    managerOpenId,
    learnerTimeZone: zoneOf(learnerOpenId),
    managerTimeZone: zoneOf(managerOpenId),
  };
}

/** A spent API budget postpones the event until the budget allows; it is not a failure. */
async function deferOnBudget<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AlmBudgetExhausted) throw new RetryLater(err.retryAt, err.message);
    throw err;
  }
}
