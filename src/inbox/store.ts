/**
 * Every status transition of `inbound_event` after intake, one SQL statement each (the machine is drawn in
 * src/domain/status.ts). Nothing else writes an event's status: the intake inserts rows as `pending` or `ignored`
 * (src/inbox/inbox.ts), and the worker moves them on through these functions. Each transition out of `processing`
 * is guarded by the claimer (`locked_by`), so a worker whose lease was taken over changes nothing; the functions
 * say whether the row was theirs.
 */
import type { Prisma } from '../generated/prisma/client.js';
import { LEASE_SECONDS } from '../domain/status.js';

/** The database or a transaction: the two statements the store runs. */
export type Sql = Pick<Prisma.TransactionClient, '$queryRaw' | '$executeRaw'>;

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

/** Error texts are kept short in the row. */
const reasonText = (reason: string) => reason.slice(0, 2000);

/**
 * processing → processing: events whose lease expired (their worker died or stalled), oldest lease first.
 * FOR UPDATE SKIP LOCKED lets several instances claim at once without taking the same row.
 */
export async function claimExpiredEvents(
  db: Sql,
  claimer: string,
  limit: number,
  leaseSeconds = LEASE_SECONDS,
): Promise<ClaimedEvent[]> {
  const rows = await db.$queryRaw<ClaimedRow[]>`
    UPDATE inbound_event e
       SET locked_by = ${claimer}, locked_until = now() + make_interval(secs => ${leaseSeconds}),
           attempts = e.attempts + 1
      FROM (SELECT id FROM inbound_event WHERE status = 'processing' AND locked_until < now()
             ORDER BY locked_until LIMIT ${limit} FOR UPDATE SKIP LOCKED) c
     WHERE e.id = c.id
 RETURNING e.id, e.source, e.external_id, e.event_type, e.payload, e.attempts, e.received_at`;
  return rows.map(toEvent);
}

/** pending → processing: the oldest due events. The lookup follows the (status, available_at) index: no sort. */
export async function claimDueEvents(
  db: Sql,
  claimer: string,
  limit: number,
  leaseSeconds = LEASE_SECONDS,
): Promise<ClaimedEvent[]> {
  const rows = await db.$queryRaw<ClaimedRow[]>`
    UPDATE inbound_event e
       SET status = 'processing', locked_by = ${claimer},
           locked_until = now() + make_interval(secs => ${leaseSeconds}), attempts = e.attempts + 1
      FROM (SELECT id FROM inbound_event WHERE status = 'pending' AND available_at <= now()
             ORDER BY available_at LIMIT ${limit} FOR UPDATE SKIP LOCKED) c
     WHERE e.id = c.id
 RETURNING e.id, e.source, e.external_id, e.event_type, e.payload, e.attempts, e.received_at`;
  return rows.map(toEvent);
}

/** Claims up to `limit` events: first those whose lease expired, then the oldest due pending ones. */
export async function claimEvents(
  db: Sql,
  claimer: string,
  limit: number,
  leaseSeconds = LEASE_SECONDS,
): Promise<ClaimedEvent[]> {
  const expired = await claimExpiredEvents(db, claimer, limit, leaseSeconds);
  if (expired.length >= limit) return expired;
  return [...expired, ...(await claimDueEvents(db, claimer, limit - expired.length, leaseSeconds))];
}

/** Extends the lease of every event this claimer holds; returns how many it still holds. */
export function renewEventLeases(db: Sql, claimer: string, leaseSeconds = LEASE_SECONDS): Promise<number> {
  return db.$executeRaw`
    UPDATE inbound_event SET locked_until = now() + make_interval(secs => ${leaseSeconds})
     WHERE locked_by = ${claimer} AND status = 'processing'`;
}

/**
 * processing → processed. Run it in the transaction that writes the handler's effects: false means the lease was
 * lost, and the caller rolls the transaction back. `note` says why nothing was sent, when nothing was. The last
 * error of an earlier attempt stays: it is the record of what went wrong before the event went through.
 */
export async function markEventProcessed(
  tx: Sql,
  id: string,
  claimer: string,
  note: string | null = null,
): Promise<boolean> {
  const n = await tx.$executeRaw`
    UPDATE inbound_event
       SET status = 'processed', processed_at = now(), locked_by = NULL, locked_until = NULL,
           note = ${note === null ? null : reasonText(note)}
     WHERE id = ${id}::uuid AND locked_by = ${claimer}`;
  return n === 1;
}

/** processing → ignored: no handler is registered for the event's type (any more). */
export async function markEventIgnored(db: Sql, id: string, claimer: string): Promise<boolean> {
  const n = await db.$executeRaw`
    UPDATE inbound_event SET status = 'ignored', processed_at = now(), locked_by = NULL, locked_until = NULL,
           note = 'the bot does not handle this event type'
     WHERE id = ${id}::uuid AND locked_by = ${claimer}`;
  return n === 1;
}

/**
 * processing → pending, due at `until`, and the attempt is not counted: the work waits for something it needs
 * (an API budget), it did not fail.
 */
export async function postponeEvent(
  db: Sql,
  id: string,
  claimer: string,
  until: Date,
  reason: string,
): Promise<boolean> {
  const n = await db.$executeRaw`
    UPDATE inbound_event
       SET status = 'pending', attempts = attempts - 1, available_at = ${until.toISOString()}::timestamptz,
           last_error = ${reasonText(reason)}, locked_by = NULL, locked_until = NULL
     WHERE id = ${id}::uuid AND locked_by = ${claimer}`;
  return n === 1;
}

/** processing → pending after a failed attempt, due again in `delayMs`. */
export async function retryEventLater(
  db: Sql,
  id: string,
  claimer: string,
  delayMs: number,
  reason: string,
): Promise<boolean> {
  const n = await db.$executeRaw`
    UPDATE inbound_event
       SET status = 'pending', available_at = now() + make_interval(secs => ${delayMs / 1000}),
           last_error = ${reasonText(reason)}, locked_by = NULL, locked_until = NULL
     WHERE id = ${id}::uuid AND locked_by = ${claimer}`;
  return n === 1;
}

/** processing → failed, for good, with the reason (attempts used up, or a payload that fails its schema). */
export async function failEvent(db: Sql, id: string, claimer: string, reason: string): Promise<boolean> {
  const n = await db.$executeRaw`
    UPDATE inbound_event
       SET status = 'failed', processed_at = now(), last_error = ${reasonText(reason)},
           locked_by = NULL, locked_until = NULL
     WHERE id = ${id}::uuid AND locked_by = ${claimer}`;
  return n === 1;
}

/**
 * processing → pending for every claimed event, whoever claimed it. Only for the start of a process that alone
 * uses its database (the embedded one): whatever is claimed was claimed by a previous run that died.
 */
export function releaseAllEvents(db: Sql): Promise<number> {
  return db.$executeRaw`
    UPDATE inbound_event SET status = 'pending', locked_by = NULL, locked_until = NULL WHERE status = 'processing'`;
}
