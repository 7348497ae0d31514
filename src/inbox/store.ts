/**
 * Every status transition of `inbound_event` after intake, one SQL statement each (the machine is drawn in
 * src/domain/status.ts). Nothing else writes an event's status: the intake inserts rows as `pending` or `ignored`
 * (src/inbox/inbox.ts), and the worker moves them on through these functions, on the lease-queue engine
 * (src/db/lease-queue.ts). Each transition out of `processing` is guarded by the claimer (`locked_by`), so a worker
 * whose lease was taken over changes nothing; the functions say whether the row was theirs.
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

/** An event as the claimer gets it. `attempts` counts this attempt. */
export interface ClaimedEvent {
  id: string;
  source: string;
  externalId: string;
  eventType: string;
  payload: unknown;
  attempts: number;
  receivedAt: Date;
}

interface ClaimedRow {
  id: string;
  source: string;
  external_id: string;
  event_type: string;
  payload: unknown;
  attempts: number;
  received_at: Date;
}

const toEvent = (r: ClaimedRow): ClaimedEvent => ({
  id: r.id,
  source: r.source,
  externalId: r.external_id,
  eventType: r.event_type,
  payload: r.payload,
  attempts: r.attempts,
  receivedAt: r.received_at,
});

export const INBOX_QUEUE: LeaseQueue = {
  table: 'inbound_event',
  ready: 'pending',
  claimed: 'processing',
  // The lookup follows the (status, available_at) index: no sort.
  order: 'available_at',
  returning: 't.id, t.source, t.external_id, t.event_type, t.payload, t.attempts, t.received_at',
  maxReason: 2000,
};

/**
 * Claims up to `limit` events: first those whose lease expired (their worker died or stalled), then the oldest
 * due pending ones.
 */
export async function claimEvents(
  db: Sql,
  claimer: string,
  limit: number,
  leaseSeconds = LEASE_SECONDS,
): Promise<ClaimedEvent[]> {
  return (await claimRows<ClaimedRow>(db, INBOX_QUEUE, claimer, limit, { leaseSeconds })).map(toEvent);
}

/** Extends the lease of every event this claimer holds; returns how many it still holds. */
export function renewEventLeases(db: Sql, claimer: string, leaseSeconds = LEASE_SECONDS): Promise<number> {
  return renewLeases(db, INBOX_QUEUE, claimer, leaseSeconds);
}

/**
 * processing → processed. Run it in the transaction that writes the handler's effects: false means the lease was
 * lost, and the caller rolls the transaction back.
 */
export function markEventProcessed(tx: Sql, id: string, claimer: string): Promise<boolean> {
  return settleRow(tx, INBOX_QUEUE, id, claimer, 'processed', Prisma.sql`processed_at = now(), last_error = NULL`);
}

/** processing → ignored: no handler is registered for the event's type (any more). */
export function markEventIgnored(db: Sql, id: string, claimer: string): Promise<boolean> {
  return settleRow(db, INBOX_QUEUE, id, claimer, 'ignored', Prisma.sql`processed_at = now()`);
}

/**
 * processing → pending, due at `until`, and the attempt is not counted: the work waits for something it needs
 * (an API budget), it did not fail.
 */
export function postponeEvent(db: Sql, id: string, claimer: string, until: Date, reason: string): Promise<boolean> {
  return retryRow(db, INBOX_QUEUE, id, claimer, { at: until, reason, countAttempt: false });
}

/** processing → pending after a failed attempt, due again in `delayMs`. */
export function retryEventLater(
  db: Sql,
  id: string,
  claimer: string,
  delayMs: number,
  reason: string,
): Promise<boolean> {
  return retryRow(db, INBOX_QUEUE, id, claimer, { delayMs, reason, countAttempt: true });
}

/** processing → failed, for good, with the reason (attempts used up, or a payload that fails its schema). */
export function failEvent(db: Sql, id: string, claimer: string, reason: string): Promise<boolean> {
  return settleRow(
    db,
    INBOX_QUEUE,
    id,
    claimer,
    'failed',
    Prisma.sql`processed_at = now(), last_error = ${reasonOf(INBOX_QUEUE, reason)}`,
  );
}

/**
 * processing → pending for every claimed event, whoever claimed it. Only for the start of a process that alone
 * uses its database (the embedded one): whatever is claimed was claimed by a previous run that died.
 */
export function releaseAllEvents(db: Sql): Promise<number> {
  return releaseAll(db, INBOX_QUEUE);
}
