/**
 * Delivers what waits for learners the bot could not find in Feishu. It wakes when an admin binds a learner (and
 * every few minutes, to retry the source's own route); for each learner found it addresses the waiting cards to
 * them, and the waiting manager notices to their manager (or skips those when there is none). A manager notice is
 * rebuilt from its learning record, now that the learner's open_id, name and the manager's time zone are known;
 * the status changes go through the outbox store.
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
import { BackgroundLoop } from '../util/loop.js';
import type { Waker } from '../util/sleep.js';
import type { IdentityResolver } from './resolver.js';

type WaitingRow = Awaited<ReturnType<Tx['notification']['findMany']>>[number];

export class WaitingResolver {
  private readonly loop: BackgroundLoop<number>;

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
    this.loop = new BackgroundLoop(
      () => this.runOnce(),
      (outcome) => {
        if (!outcome.ok) this.deps.log.error({ err: outcome.error }, 'waiting resolver failed');
        return this.deps.intervalMs ?? 5 * 60_000;
      },
      deps.waker,
    );
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
    const keys = await this.deps.db.notification.findMany({
      where: { status: 'waiting' },
      distinct: ['waitFor'],
      select: { waitFor: true },
      take: 200,
    });
    let released = 0;
    for (const { waitFor } of keys) {
      const ref = waitFor ? parseLearnerKey(waitFor) : null;
      if (!waitFor || !ref) continue;
      try {
        released += await this.release(waitFor, ref);
      } catch (err) {
        if (err instanceof AlmBudgetExhausted) break; // the rest waits for the next pass
        this.deps.log.warn({ err, source: ref.source }, 'could not resolve a waiting learner; will try again');
      }
    }
    if (released > 0) this.deps.onResolved?.();
    return released;
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
