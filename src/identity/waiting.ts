/**
 * Delivers what waits for learners the bot could not find in Feishu. It wakes when an admin binds a learner (and
 * every few minutes, to retry the source's own route); for each learner found it addresses the waiting cards to
 * them, and the waiting manager notices to their manager (or skips those when there is none).
 */
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import { AlmBudgetExhausted } from '../alm/api.js';
import { PENDING_LEARNER } from '../learning/deliver.js';
import { personalise } from '../outbox/policy.js';
import type { NotificationDraft } from '../handlers/types.js';
import { BackgroundLoop } from '../util/loop.js';
import type { IdentityResolver, LearningSource } from './resolver.js';

const SOURCES = new Set<string>(['feishu', 'alm', 'qingsuyun']);

export class WaitingResolver {
  private readonly loop = new BackgroundLoop(
    () => this.runOnce(),
    (outcome) => {
      if (!outcome.ok) this.deps.log.error({ err: outcome.error }, 'waiting resolver failed');
      return this.deps.intervalMs ?? 5 * 60_000;
    },
  );
  onResolved: (() => void) | undefined;

  constructor(private readonly deps: { db: Db; resolver: IdentityResolver; log: Logger; intervalMs?: number }) {}

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
      if (!waitFor) continue;
      const sep = waitFor.indexOf(':');
      const source = waitFor.slice(0, sep);
      if (sep < 0 || !SOURCES.has(source)) continue;
      try {
        released += await this.release(waitFor, source as LearningSource, waitFor.slice(sep + 1));
      } catch (err) {
        if (err instanceof AlmBudgetExhausted) break; // the rest waits for the next pass
        this.deps.log.warn({ err, source }, 'could not resolve a waiting learner; will try again');
      }
    }
    if (released > 0) this.onResolved?.();
    return released;
  }

  private async release(waitFor: string, source: LearningSource, externalUserId: string): Promise<number> {
    const { db, resolver, log } = this.deps;
    const found = await resolver.resolve({ source, externalUserId });
    if (!found.resolved) return 0;
    const manager = await resolver.managerOf(found.openId);
    const count = await db.$transaction(async (tx) => {
      const rows = await tx.notification.findMany({ where: { waitFor, status: 'waiting' } });
      let n = 0;
      for (const row of rows) {
        const to = row.role === 'manager' ? manager : found.openId;
        if (!to) {
          await tx.notification.update({ where: { id: row.id }, data: { status: 'skipped', waitFor: null, lastError: 'the learner has no manager' } });
          continue;
        }
        const content = row.content.replaceAll(PENDING_LEARNER, found.openId);
        const draft: NotificationDraft = {
          key: row.dedupeKey,
          kind: row.kind,
          role: row.role as NotificationDraft['role'],
          receiveIdType: 'open_id',
          receiveId: to,
          ...(row.msgType === 'interactive' ? { card: JSON.parse(content) as Record<string, unknown> } : { text: '' }),
        };
        const [kept] = await personalise(tx, [draft]);
        await tx.notification.update({
          where: { id: row.id },
          data: kept
            ? { status: 'pending', waitFor: null, receiveIdType: 'open_id', receiveId: to, content: kept.card ? JSON.stringify(kept.card) : content, nextAttemptAt: new Date() }
            : { status: 'skipped', waitFor: null, receiveId: to, lastError: 'muted by the recipient' },
        });
        if (kept) n++;
      }
      return n;
    });
    if (count > 0) log.info({ source, notifications: count }, 'learner found: waiting notifications released');
    return count;
  }
}
