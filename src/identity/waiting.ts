/**
 * Delivers what waits for learners the bot could not find in Feishu. It wakes when an admin binds a learner (and
 * every few minutes, to retry the source's own route); for each learner found it addresses the waiting cards to
 * them, and the waiting manager notices to their manager (or skips those when there is none). A manager notice is
 * rebuilt from its learning record, now that the learner's open_id, name and the manager's time zone are known;
 * the status changes go through the outbox store.
 *
 * It runs on the bot's one loop (src/util/lease-loop.ts) as a sweep: a pass takes the learners something waits
 * for and releases what it can, then pauses until the next interval or a wake. It holds no leases: two instances
 * may look at the same learner, and the outbox store releases each waiting row once.
 */
import type { Logger } from '../logger.js';
import { AlmBudgetExhausted } from '../alm/api.js';
import type { Db } from '../db/index.js';
import type { Tx } from '../db/tx.js';
import type { NotificationDraft } from '../domain/draft.js';
import { parseLearnerKey, parseRecordSubject } from '../domain/keys.js';
import type { LearnerRef } from '../domain/learner.js';
import type { AnyNotificationKind, Role } from '../domain/notifications.js';
import { managerNotice } from '../learning/drafts.js';
import { toState } from '../learning/store.js';
import { personalise } from '../outbox/policy.js';
import { releaseWaiting, skipWaiting } from '../outbox/store.js';
import { zoneOf } from '../recipients/preferences.js';
import { LeaseLoop } from '../util/lease-loop.js';
import type { Waker } from '../util/sleep.js';
import type { IdentityResolver } from './resolver.js';

type WaitingRow = Awaited<ReturnType<Tx['notification']['findMany']>>[number];

/** Learners looked at in one pass. */
const PASS_SIZE = 200;

/** A learner something waits for: the waiting rows' `wait_for` key and the learner it names. */
interface WaitingLearner {
  waitFor: string;
  ref: LearnerRef;
}

export class WaitingResolver {
  private readonly loop: LeaseLoop<WaitingLearner>;
  /** The pass in hand: how many notifications it released, and whether the ALM budget ran out (the rest waits). */
  private pass = { released: 0, budgetSpent: false };

  constructor(
    private readonly deps: {
      db: Db;
      resolver: IdentityResolver;
      log: Logger;
      intervalMs?: number;
      /** Wakes the resolver (a binding was made); created by whoever wires the bot. */
      waker?: Waker;
      /** Called after notifications were released (the outbox dispatcher wakes up). */
      onResolved?: () => void;
      defaultTimeZone?: string;
    },
  ) {
    this.loop = new LeaseLoop<WaitingLearner>({
      claim: (limit) => this.learners(limit),
      handle: (learner) => this.releaseOne(learner),
      batchSize: PASS_SIZE,
      concurrency: 1,
      pollMs: deps.intervalMs ?? 5 * 60_000,
      pauseAfterEveryPass: true,
      waker: deps.waker,
      afterBatch: () => {
        if (this.pass.released > 0) this.deps.onResolved?.();
      },
      onError: (_what, err) => this.deps.log.error({ err }, 'waiting resolver failed'),
    });
  }

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass over the learners something waits for; returns how many notifications were released. */
  async runOnce(): Promise<number> {
    await this.loop.runOnce();
    return this.pass.released;
  }

  /** The start of a pass: the learners something waits for. */
  private async learners(limit: number): Promise<WaitingLearner[]> {
    this.pass = { released: 0, budgetSpent: false };
    const keys = await this.deps.db.notification.findMany({
      where: { status: 'waiting' },
      distinct: ['waitFor'],
      select: { waitFor: true },
      take: limit,
    });
    return keys.flatMap(({ waitFor }) => {
      const ref = waitFor ? parseLearnerKey(waitFor) : null;
      return waitFor && ref ? [{ waitFor, ref }] : [];
    });
  }

  private async releaseOne({ waitFor, ref }: WaitingLearner): Promise<void> {
    if (this.pass.budgetSpent) return; // the rest waits for the next pass
    try {
      this.pass.released += await this.release(waitFor, ref);
    } catch (err) {
      if (err instanceof AlmBudgetExhausted) this.pass.budgetSpent = true;
      else this.deps.log.warn({ err, source: ref.source }, 'could not resolve a waiting learner; will try again');
    }
  }

  private async release(waitFor: string, ref: LearnerRef): Promise<number> {
    const { db, resolver, log } = this.deps;
    const found = await resolver.resolve(ref);
    if (!found.resolved) return 0;
    const learner = { openId: found.openId, name: await resolver.displayName(ref, found.openId) };
    const manager = await resolver.managerOf(found.openId);
    const count = await db.$transaction(async (tx) => {
      const rows = await tx.notification.findMany({ where: { waitFor, status: 'waiting' } });
      let n = 0;
      for (const row of rows) {
        const to = row.role === 'manager' ? manager : found.openId;
        if (!to) {
          await skipWaiting(tx, row.id, 'the learner has no manager');
          continue;
        }
        const card = await this.cardFor(tx, row, ref, learner, to);
        const draft: NotificationDraft = {
          key: row.dedupeKey,
          kind: row.kind as AnyNotificationKind,
          role: row.role as Role,
          receiveIdType: 'open_id',
          receiveId: to,
          ...(card ? { card } : { text: '' }),
        };
        const [kept] = await personalise(tx, [draft]);
        if (!kept) {
          await skipWaiting(tx, row.id, 'muted by the recipient', to);
          continue;
        }
        const content = kept.card ? JSON.stringify(kept.card) : row.content;
        if (await releaseWaiting(tx, row.id, { receiveIdType: 'open_id', receiveId: to, content })) n++;
      }
      return n;
    });
    if (count > 0)
      log.info({ source: ref.source, notifications: count }, 'learner found: waiting notifications released');
    return count;
  }

  /**
   * The card to send: a manager notice is rebuilt from its record (it gets the "Send congratulations" button now
   * that the learner is known); any other card was complete when it was stored. Null for a text message.
   */
  private async cardFor(
    tx: Tx,
    row: WaitingRow,
    ref: LearnerRef,
    learner: { openId: string; name: string },
    to: string,
  ): Promise<Record<string, unknown> | null> {
    if (row.msgType !== 'interactive') return null;
    const stored = JSON.parse(row.content) as Record<string, unknown>;
    const recordId = row.role === 'manager' ? parseRecordSubject(row.subject) : null;
    const record = recordId ? await tx.learningRecord.findUnique({ where: { id: recordId } }) : null;
    if (!recordId || !record) return stored;
    const timeZone = await zoneOf(tx, { DEFAULT_TIME_ZONE: this.deps.defaultTimeZone || 'Asia/Shanghai' }, to);
    return managerNotice({
      recordId,
      record: toState(record),
      learnerName: learner.name,
      learnerOpenId: learner.openId,
      source: ref.source,
      timeZone,
    });
  }
}
