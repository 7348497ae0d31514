import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import type { MessageSender } from '../feishu/sender.js';
import type { FeishuFailure } from '../feishu/errors.js';
import { backoffDelay } from '../util/backoff.js';
import { Waker } from '../util/sleep.js';
import type { SendLimiter } from './rate-limiter.js';

interface ClaimedNotification {
  id: string;
  kind: string;
  receive_id_type: string;
  receive_id: string;
  msg_type: string;
  content: string;
  uuid: string;
  attempts: number;
  operation: string;
  patch_of: string | null;
}

/** What to do with a row that failed for good, besides marking it (e.g. tell the chats routed for failures). */
export type FailedForGood = (row: { id: string; kind: string; receiveIdType: string; reason: string }) => Promise<void>;

export interface DispatcherOptions {
  db: Db;
  sender: MessageSender;
  limiter: SendLimiter;
  log: Logger;
  maxAttempts: number;
  pollMs: number;
  /** How many notifications may be claimed and waiting or sending at once. */
  maxInFlight?: number;
  leaseSeconds?: number;
  backoff?: { baseMs: number; capMs: number };
  onFailedForGood?: FailedForGood;
}

/**
 * Sends the outbox. Rows are claimed with a lease (FOR UPDATE SKIP LOCKED), so several bot instances on one
 * PostgreSQL database each send a notification once; if an instance dies, its lease expires and another resends
 * with the same uuid, which Feishu deduplicates. Transient failures are retried with backoff and jitter,
 * permanent ones mark the row failed with the reason, and nothing is retried past `maxAttempts`.
 */
export class OutboxDispatcher {
  readonly dispatcherId = `outbox-${randomUUID().slice(0, 8)}`;
  private readonly waker = new Waker();
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly abort = { aborted: false };
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly opts: DispatcherOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort.aborted = false;
    this.loop = this.run();
    // Claimed rows keep a short lease, renewed while this dispatcher lives; if it dies, another takes over soon.
    this.heartbeat = setInterval(() => void this.renewLeases(), (this.leaseSeconds * 1000) / 3);
    this.heartbeat.unref();
  }

  private get leaseSeconds(): number {
    return this.opts.leaseSeconds ?? 60;
  }

  private async renewLeases(): Promise<void> {
    if (this.inFlight.size === 0) return;
    try {
      await this.opts.db.$executeRaw`
        UPDATE notification SET locked_until = now() + make_interval(secs => ${this.leaseSeconds})
         WHERE locked_by = ${this.dispatcherId} AND status = 'sending'`;
    } catch (err) {
      this.opts.log.warn({ err }, 'outbox: could not renew leases');
    }
  }

  wake(): void {
    this.waker.wake();
  }

  /** Stops claiming, hands back what has not started sending, and waits for the sends under way. */
  async stop(): Promise<void> {
    this.running = false;
    this.abort.aborted = true;
    this.waker.wake();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
    clearInterval(this.heartbeat);
  }

  private get maxInFlight(): number {
    return this.opts.maxInFlight ?? 100;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const free = this.maxInFlight - this.inFlight.size;
      let claimed: ClaimedNotification[] = [];
      if (free > 0) {
        try {
          claimed = await this.claim(free);
        } catch (err) {
          this.opts.log.error({ err }, 'outbox: claim failed');
        }
      }
      for (const row of claimed) {
        const task: Promise<void> = this.deliver(row)
          .catch((err) => this.opts.log.error({ err, notificationId: row.id }, 'outbox: delivery crashed'))
          .finally(() => {
            this.inFlight.delete(task);
            this.waker.wake();
          });
        this.inFlight.add(task);
      }
      if (claimed.length === 0 || this.inFlight.size >= this.maxInFlight) await this.waker.wait(this.opts.pollMs);
    }
  }

  private claim(limit: number): Promise<ClaimedNotification[]> {
    const lease = this.leaseSeconds;
    return this.opts.db.$queryRaw<ClaimedNotification[]>`
      UPDATE notification n
         SET status = 'sending', locked_by = ${this.dispatcherId},
             locked_until = now() + make_interval(secs => ${lease}), attempts = n.attempts + 1
        FROM (SELECT id FROM notification
               WHERE (status = 'pending' AND next_attempt_at <= now())
                  OR (status = 'sending' AND locked_until < now())
               ORDER BY next_attempt_at, created_at
               LIMIT ${limit}
               FOR UPDATE SKIP LOCKED) c
       WHERE n.id = c.id
   RETURNING n.id, n.kind, n.receive_id_type, n.receive_id, n.msg_type, n.content, n.uuid, n.attempts, n.operation, n.patch_of`;
  }

  private async deliver(row: ClaimedNotification): Promise<void> {
    if (row.operation === 'patch') return this.deliverPatch(row);
    let release: () => void;
    try {
      release = await this.opts.limiter.acquire(row.receive_id, this.abort);
    } catch {
      await this.handBack(row);
      return;
    }
    let result;
    try {
      result = await this.opts.sender.send({
        receiveIdType: row.receive_id_type,
        receiveId: row.receive_id,
        msgType: row.msg_type,
        content: row.content,
        uuid: row.uuid,
      });
    } finally {
      release();
    }
    const log = this.opts.log.child({ notificationId: row.id, kind: row.kind, attempt: row.attempts });
    if (result.ok) {
      await this.opts.db.notification.updateMany({
        where: { id: row.id, lockedBy: this.dispatcherId },
        data: { status: 'sent', messageId: result.messageId, sentAt: new Date(), lockedBy: null, lockedUntil: null, lastError: null },
      });
      log.info('notification sent');
      return;
    }
    await this.failed(row, result.failure, log);
  }

  /**
   * A card update: replaces the card of the message sent for `patch_of`. It waits while that message is not sent
   * yet, and is dropped if the message never will be. Patches are idempotent, so a resend after a crash is safe.
   */
  private async deliverPatch(row: ClaimedNotification): Promise<void> {
    const log = this.opts.log.child({ notificationId: row.id, kind: row.kind, operation: 'patch' });
    const target = row.patch_of ? await this.opts.db.notification.findUnique({ where: { id: row.patch_of } }) : null;
    if (!target || target.status === 'failed' || target.status === 'skipped' || !this.opts.sender.patch) {
      await this.settle(row, { status: 'skipped', lastError: target ? `the message was not sent (${target.status})` : 'nothing to update' });
      return;
    }
    if (target.status !== 'sent' || !target.messageId) {
      // Not sent yet: look again shortly, without counting an attempt.
      await this.opts.db.$executeRaw`
        UPDATE notification SET status = 'pending', attempts = attempts - 1, locked_by = NULL, locked_until = NULL,
               next_attempt_at = now() + interval '2 seconds'
         WHERE id = ${row.id}::uuid AND locked_by = ${this.dispatcherId}`;
      return;
    }
    let release: () => void;
    try {
      // Feishu allows 5 updates per second per message: the message id is the "recipient" of a patch.
      release = await this.opts.limiter.acquire(target.messageId, this.abort);
    } catch {
      await this.handBack(row);
      return;
    }
    let result;
    try {
      result = await this.opts.sender.patch(target.messageId, row.content);
    } finally {
      release();
    }
    if (result.ok) {
      await this.settle(row, { status: 'sent', messageId: target.messageId, sentAt: new Date(), lastError: null });
      log.info('card updated');
      return;
    }
    await this.failed(row, result.failure, log);
  }

  private async settle(row: ClaimedNotification, data: { status: string; lastError: string | null; messageId?: string; sentAt?: Date }): Promise<void> {
    await this.opts.db.notification.updateMany({ where: { id: row.id, lockedBy: this.dispatcherId }, data: { ...data, lockedBy: null, lockedUntil: null } });
  }

  private async failed(row: ClaimedNotification, failure: FeishuFailure, log: Logger): Promise<void> {
    const giveUp = !failure.retryable || row.attempts >= this.opts.maxAttempts;
    if (giveUp) {
      const reason = failure.retryable ? `gave up after ${row.attempts} attempts: ${failure.reason}` : failure.reason;
      await this.opts.db.notification.updateMany({
        where: { id: row.id, lockedBy: this.dispatcherId },
        data: { status: 'failed', lastError: reason.slice(0, 1000), lockedBy: null, lockedUntil: null },
      });
      log.error({ reason }, 'notification failed for good');
      await this.opts.onFailedForGood?.({ id: row.id, kind: row.kind, receiveIdType: row.receive_id_type, reason }).catch((err: unknown) =>
        log.error({ err }, 'could not report the failed notification'),
      );
      return;
    }
    const delay = Math.max(failure.retryAfterMs ?? 0, backoffDelay(row.attempts, this.opts.backoff ?? { baseMs: 2000, capMs: 15 * 60_000 }));
    await this.opts.db.notification.updateMany({
      where: { id: row.id, lockedBy: this.dispatcherId },
      data: { status: 'pending', lastError: failure.reason.slice(0, 1000), nextAttemptAt: new Date(Date.now() + delay), lockedBy: null, lockedUntil: null },
    });
    log.warn({ reason: failure.reason, retryInMs: delay }, 'notification send failed; will retry');
  }

  /** A claimed row that never reached Feishu goes back to pending, and the attempt is not counted. */
  private async handBack(row: ClaimedNotification): Promise<void> {
    await this.opts.db.$executeRaw`
      UPDATE notification SET status = 'pending', attempts = attempts - 1, locked_by = NULL, locked_until = NULL
       WHERE id = ${row.id}::uuid AND locked_by = ${this.dispatcherId}`;
  }
}
