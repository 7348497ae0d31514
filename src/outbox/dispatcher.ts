import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import type { MessageSender } from '../feishu/sender.js';
import type { FeishuFailure } from '../feishu/errors.js';
import { backoffDelay } from '../util/backoff.js';
import { Waker } from '../util/sleep.js';
import { LEASE_SECONDS, RENEW_EVERY_MS } from '../domain/status.js';
import type { SendLimiter } from './rate-limiter.js';
import {
  claimNotifications,
  failNotification,
  handBack,
  markSent,
  renewNotificationLeases,
  retryNotificationLater,
  skipNotification,
  type ClaimedNotification,
} from './store.js';

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
  /** How long a claim holds a row, renewed every `renewEveryMs` while the row is in hand. */
  leaseSeconds?: number;
  renewEveryMs?: number;
  /**
   * What wakes the dispatcher besides its poll (new rows to send). Pass one created before the producers, so each
   * producer is given `() => waker.wake()` at construction.
   */
  waker?: Waker;
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
  private readonly waker: Waker;
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly abort = { aborted: false };
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly opts: DispatcherOptions) {
    this.waker = opts.waker ?? new Waker();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort.aborted = false;
    this.loop = this.run();
    // Claimed rows keep a short lease, renewed while this dispatcher lives; if it dies, another takes over soon.
    this.heartbeat = setInterval(() => void this.renewLeases(), this.opts.renewEveryMs ?? RENEW_EVERY_MS);
    this.heartbeat.unref();
  }

  private get leaseSeconds(): number {
    return this.opts.leaseSeconds ?? LEASE_SECONDS;
  }

  private async renewLeases(): Promise<void> {
    if (this.inFlight.size === 0) return;
    try {
      await renewNotificationLeases(this.opts.db, this.dispatcherId, this.leaseSeconds);
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
    return claimNotifications(this.opts.db, this.dispatcherId, limit, this.leaseSeconds);
  }

  private async deliver(row: ClaimedNotification): Promise<void> {
    if (row.operation === 'patch' || row.operation === 'urgent') return this.deliverPatch(row);
    let replyTo: string | undefined;
    if (row.operation === 'reply') {
      // A reply needs the message_id of the message it answers, known once that one was sent.
      replyTo = (await this.sentTarget(row, this.opts.log.child({ notificationId: row.id, operation: 'reply' }))) ?? '';
      if (!replyTo) return;
    }
    let release: () => void;
    try {
      release = await this.opts.limiter.acquire(row.receive_id, this.abort);
    } catch (err) {
      // Stopping aborts the wait; anything else (the shared limit's database) is worth a line before handing back.
      if (!this.abort.aborted) this.opts.log.warn({ err }, 'outbox: no send slot; the notification is handed back');
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
        ...(replyTo && { replyTo }),
      });
    } finally {
      release();
    }
    const log = this.opts.log.child({ notificationId: row.id, kind: row.kind, attempt: row.attempts });
    if (result.ok) {
      await markSent(this.opts.db, row.id, this.dispatcherId, result.messageId);
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
    const log = this.opts.log.child({ notificationId: row.id, kind: row.kind, operation: row.operation });
    const urgent = row.operation === 'urgent';
    if (!(urgent ? this.opts.sender.urgent : this.opts.sender.patch)) {
      await skipNotification(this.opts.db, row.id, this.dispatcherId, `this sender cannot ${row.operation}`);
      return;
    }
    const messageId = await this.sentTarget(row, log);
    if (!messageId) return;
    let release: () => void;
    try {
      // Feishu allows 5 updates per second per message: the message id is the "recipient" of a patch.
      release = await this.opts.limiter.acquire(urgent ? row.receive_id : messageId, this.abort);
    } catch (err) {
      // Stopping aborts the wait; anything else (the shared limit's database) is worth a line before handing back.
      if (!this.abort.aborted) this.opts.log.warn({ err }, 'outbox: no send slot; the notification is handed back');
      await this.handBack(row);
      return;
    }
    let result;
    try {
      result = urgent
        ? await this.opts.sender.urgent!(messageId, [row.receive_id])
        : await this.opts.sender.patch!(messageId, row.content);
    } finally {
      release();
    }
    if (result.ok) {
      await markSent(this.opts.db, row.id, this.dispatcherId, messageId);
      log.info(urgent ? 'urgent notification sent' : 'card updated');
      return;
    }
    await this.failed(row, result.failure, log);
  }

  /**
   * The message_id of the message a patch, reply or urgent notification is about (the notification `patch_of`).
   * Null when there is none yet: while that message is not sent the row is handed back to look again shortly
   * (without counting an attempt), and dropped if it never will be.
   */
  private async sentTarget(row: ClaimedNotification, log: Logger): Promise<string | null> {
    const target = row.patch_of ? await this.opts.db.notification.findUnique({ where: { id: row.patch_of } }) : null;
    if (!target || target.status === 'failed' || target.status === 'skipped') {
      const reason = target ? `the message was not sent (${target.status})` : 'no message to act on';
      await skipNotification(this.opts.db, row.id, this.dispatcherId, reason);
      log.info({ reason }, 'notification skipped');
      return null;
    }
    if (target.status !== 'sent' || !target.messageId) {
      await handBack(this.opts.db, row.id, this.dispatcherId, 2000);
      return null;
    }
    return target.messageId;
  }

  private async failed(row: ClaimedNotification, failure: FeishuFailure, log: Logger): Promise<void> {
    const giveUp = !failure.retryable || row.attempts >= this.opts.maxAttempts;
    if (giveUp) {
      const reason = failure.retryable ? `gave up after ${row.attempts} attempts: ${failure.reason}` : failure.reason;
      await failNotification(this.opts.db, row.id, this.dispatcherId, reason);
      log.error({ reason }, 'notification failed for good');
      await this.opts
        .onFailedForGood?.({ id: row.id, kind: row.kind, receiveIdType: row.receive_id_type, reason })
        .catch((err: unknown) => log.error({ err }, 'could not report the failed notification'));
      return;
    }
    const delay = Math.max(
      failure.retryAfterMs ?? 0,
      backoffDelay(row.attempts, this.opts.backoff ?? { baseMs: 2000, capMs: 15 * 60_000 }),
    );
    await retryNotificationLater(this.opts.db, row.id, this.dispatcherId, delay, failure.reason);
    log.warn({ reason: failure.reason, retryInMs: delay }, 'notification send failed; will retry');
  }

  /** A claimed row that never reached Feishu goes back to pending, and the attempt is not counted. */
  private async handBack(row: ClaimedNotification): Promise<void> {
    await handBack(this.opts.db, row.id, this.dispatcherId);
  }
}
