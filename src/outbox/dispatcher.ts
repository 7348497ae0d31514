import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import type { MessageSender } from '../feishu/sender.js';
import type { FeishuFailure } from '../feishu/errors.js';
import { backoffDelay } from '../util/backoff.js';
import { LeaseLoop } from '../util/lease-loop.js';
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
  private readonly loop: LeaseLoop<ClaimedNotification>;
  private readonly abort = { aborted: false };

  constructor(private readonly opts: DispatcherOptions) {
    const leaseSeconds = opts.leaseSeconds ?? LEASE_SECONDS;
    this.loop = new LeaseLoop<ClaimedNotification>({
      claim: (limit) => claimNotifications(opts.db, this.dispatcherId, limit, leaseSeconds),
      handle: (row) =>
        this.deliver(row).catch((err: unknown) =>
          opts.log.error({ err, notificationId: row.id }, 'outbox: delivery crashed'),
        ),
      renew: () => renewNotificationLeases(opts.db, this.dispatcherId, leaseSeconds),
      // Claims only as many rows as may be waiting or sending at once (maxInFlight).
      batchSize: this.maxInFlight,
      concurrency: this.maxInFlight,
      pollMs: opts.pollMs,
      renewEveryMs: opts.renewEveryMs ?? RENEW_EVERY_MS,
      waker: opts.waker ?? new Waker(),
      onError: (what, err) => opts.log.error({ err }, `outbox: ${what} failed`),
    });
  }

  start(): void {
    this.abort.aborted = false;
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  /** Stops claiming, hands back what has not started sending, and waits for the sends under way. */
  async stop(): Promise<void> {
    this.abort.aborted = true;
    await this.loop.stop();
  }

  private get maxInFlight(): number {
    return this.opts.maxInFlight ?? 100;
  }

  /**
   * A send slot for `recipient` (a person, a chat, or the message a patch updates), released by the caller; null
   * when none could be had (stopping aborts the wait; anything else, such as the shared limit's database, is
   * logged), and the row has been handed back without counting an attempt.
   */
  private async slotFor(row: ClaimedNotification, recipient: string): Promise<(() => void) | null> {
    try {
      return await this.opts.limiter.acquire(recipient, this.abort);
    } catch (err) {
      if (!this.abort.aborted) this.opts.log.warn({ err }, 'outbox: no send slot; the notification is handed back');
      await handBack(this.opts.db, row.id, this.dispatcherId);
      return null;
    }
  }

  private async deliver(row: ClaimedNotification): Promise<void> {
    if (row.operation === 'patch' || row.operation === 'urgent') return this.deliverPatch(row);
    let replyTo: string | undefined;
    if (row.operation === 'reply') {
      // A reply needs the message_id of the message it answers, known once that one was sent.
      replyTo = (await this.sentTarget(row, this.opts.log.child({ notificationId: row.id, operation: 'reply' }))) ?? '';
      if (!replyTo) return;
    }
    const release = await this.slotFor(row, row.receive_id);
    if (!release) return;
    let result;
    try {
      result = await this.opts.sender.send({
        receiveIdType: row.receive_id_type,
        receiveId: row.receive_id,
        msgType: row.msg_type,
        content: row.content,
        uuid: row.uuid,
        ...(row.visible_to ? { visibleTo: row.visible_to } : {}),
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
    // Feishu allows 5 updates per second per message: the message id is the "recipient" of a patch.
    const release = await this.slotFor(row, urgent ? row.receive_id : messageId);
    if (!release) return;
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
}
