/**
 * Every status transition of `notification` (the outbox), one SQL statement each (the machine is drawn in
 * src/domain/status.ts). Nothing else writes a notification's status: enqueue inserts rows as `waiting` or
 * `pending`, and the dispatcher, the card updates, the waiting resolver and the `retry` command move them on
 * through these functions, on the lease-queue engine (src/db/lease-queue.ts). Each transition out of `sending` is
 * guarded by the claimer (`locked_by`), so a dispatcher whose lease was taken over changes nothing; the functions
 * say whether the row was theirs.
 */
import { Prisma } from '../generated/prisma/client.js';
import { LEASE_SECONDS } from '../domain/status.js';
import {
  claimRows,
  reasonOf,
  releaseAll,
  renewLeases,
  retryRow,
  settleRow,
  type LeaseQueue,
  type Sql,
} from '../db/lease-queue.js';

export type { Sql };

/** A notification as the dispatcher gets it. `attempts` counts this attempt. */
export interface ClaimedNotification {
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

export const OUTBOX_QUEUE: LeaseQueue = {
  table: 'notification',
  ready: 'pending',
  claimed: 'sending',
  order: 'available_at, created_at',
  returning:
    't.id, t.kind, t.receive_id_type, t.receive_id, t.msg_type, t.content, t.uuid, t.attempts, t.operation, ' +
    't.patch_of',
  maxReason: 1000,
};

const reasonText = (reason: string) => reasonOf(OUTBOX_QUEUE, reason);

/**
 * pending → sending for due rows, and sending → sending for rows whose lease expired (their dispatcher died):
 * the same uuid goes out again, which Feishu deduplicates.
 */
export function claimNotifications(
  db: Sql,
  claimer: string,
  limit: number,
  leaseSeconds = LEASE_SECONDS,
): Promise<ClaimedNotification[]> {
  return claimRows<ClaimedNotification>(db, OUTBOX_QUEUE, claimer, limit, { leaseSeconds });
}

/** Extends the lease of every notification this claimer holds; returns how many it still holds. */
export function renewNotificationLeases(db: Sql, claimer: string, leaseSeconds = LEASE_SECONDS): Promise<number> {
  return renewLeases(db, OUTBOX_QUEUE, claimer, leaseSeconds);
}

/** sending → sent, with the message Feishu created (or the message a patch updated). */
export function markSent(db: Sql, id: string, claimer: string, messageId: string): Promise<boolean> {
  return settleRow(
    db,
    OUTBOX_QUEUE,
    id,
    claimer,
    'sent',
    Prisma.sql`message_id = ${messageId}, sent_at = now(), last_error = NULL`,
  );
}

/** sending → pending after a transient failure, due again in `delayMs` (the attempt counts). */
export function retryNotificationLater(
  db: Sql,
  id: string,
  claimer: string,
  delayMs: number,
  reason: string,
): Promise<boolean> {
  return retryRow(db, OUTBOX_QUEUE, id, claimer, { delayMs, reason, countAttempt: true });
}

/** sending → failed, for good, with the reason. */
export function failNotification(db: Sql, id: string, claimer: string, reason: string): Promise<boolean> {
  return settleRow(db, OUTBOX_QUEUE, id, claimer, 'failed', Prisma.sql`last_error = ${reasonText(reason)}`);
}

/** sending → skipped: there is nothing to do (a patch of a message that was never sent). */
export function skipNotification(db: Sql, id: string, claimer: string, reason: string): Promise<boolean> {
  return settleRow(db, OUTBOX_QUEUE, id, claimer, 'skipped', Prisma.sql`last_error = ${reasonText(reason)}`);
}

/**
 * sending → pending without counting the attempt: the row never reached Feishu (the dispatcher is stopping, or a
 * patch waits for its message to be sent), due again in `delayMs`.
 */
export function handBack(db: Sql, id: string, claimer: string, delayMs = 0): Promise<boolean> {
  return retryRow(db, OUTBOX_QUEUE, id, claimer, { delayMs, countAttempt: false });
}

/**
 * sending → pending for every claimed row, whoever claimed it. Only for the start of a process that alone uses its
 * database (the embedded one): whatever is claimed was claimed by a previous run that died.
 */
export function releaseAllNotifications(db: Sql): Promise<number> {
  return releaseAll(db, OUTBOX_QUEUE);
}

/**
 * failed → pending, due at `now` (the command's clock; the database's by default), with a fresh count of attempts
 * (the `retry` command). Returns how many.
 */
export function requeueFailed(tx: Sql, now?: Date): Promise<number> {
  const due = now ? now.toISOString() : null;
  return tx.$executeRaw`
    UPDATE notification
       SET status = 'pending', attempts = 0, available_at = COALESCE(${due}::timestamptz, now()), last_error = NULL,
           locked_by = NULL, locked_until = NULL
     WHERE status = 'failed'`;
}

/** waiting → pending: the learner was found; the row gets its recipient and its content built for them. */
export async function releaseWaiting(
  tx: Sql,
  id: string,
  to: { receiveIdType: string; receiveId: string; content: string },
): Promise<boolean> {
  const n = await tx.$executeRaw`
    UPDATE notification
       SET status = 'pending', wait_for = NULL, receive_id_type = ${to.receiveIdType}, receive_id = ${to.receiveId},
           content = ${to.content}, available_at = now()
     WHERE id = ${id}::uuid AND status = 'waiting'`;
  return n === 1;
}

/** waiting → skipped: the learner was found but this message is not to be sent (no manager, or muted). */
export async function skipWaiting(tx: Sql, id: string, reason: string, receiveId?: string): Promise<boolean> {
  const n = await tx.$executeRaw`
    UPDATE notification
       SET status = 'skipped', wait_for = NULL, last_error = ${reasonText(reason)},
           receive_id = COALESCE(${receiveId ?? null}::text, receive_id)
     WHERE id = ${id}::uuid AND status = 'waiting'`;
  return n === 1;
}

/** pending → skipped for the waiting patches of one message: a newer patch replaces them. */
export function supersedePatches(tx: Sql, messageRowId: string): Promise<number> {
  return tx.$executeRaw`
    UPDATE notification SET status = 'skipped', last_error = 'superseded by a newer update'
     WHERE patch_of = ${messageRowId}::uuid AND operation = 'patch' AND status = 'pending'`;
}

/**
 * Replaces the content of a message not sent yet (`pending` or `waiting`), so it goes out as it now should look.
 * Not a transition; false when the message is already on its way or sent (then it needs a patch).
 */
export async function replaceUnsentContent(tx: Sql, id: string, content: string): Promise<boolean> {
  const n = await tx.$executeRaw`
    UPDATE notification SET content = ${content} WHERE id = ${id}::uuid AND status IN ('pending', 'waiting')`;
  return n === 1;
}
