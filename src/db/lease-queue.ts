/**
 * The lease-queue engine: the SQL every queue of the bot runs (the inbox, the outbox, the scheduled jobs). A row
 * is ready (`ready` status) once its `available_at` has passed (the database's time, as for every lease), and for
 * jobs also once its business due time has passed (the clock's now, passed in). A claim moves it to the `claimed`
 * status with a short lease (`locked_by`, `locked_until`) that the claimer renews while the work is in hand; a row
 * whose lease expired (its claimer died) is claimed again. FOR UPDATE SKIP LOCKED lets several instances claim at
 * once without taking the same row. Every transition out of the claimed status is guarded by the claimer, so a
 * claimer whose lease was taken over changes nothing, and each function says whether the row was still its own.
 *
 * Each queue's store (src/inbox/store.ts, src/outbox/store.ts, src/jobs/store.ts) names its transitions with
 * these functions; nothing else writes the statuses.
 */
import { Prisma } from '../generated/prisma/client.js';

/** The database or a transaction: the two statements the engine runs. */
export type Sql = Pick<Prisma.TransactionClient, '$queryRaw' | '$executeRaw'>;

export interface LeaseQueue {
  /** The table. */
  table: 'inbound_event' | 'notification' | 'job';
  /** The status of rows waiting to be claimed, and of rows claimed. */
  ready: string;
  claimed: string;
  /** The order in which ready rows are claimed (an index in this order makes the claim a range scan). */
  order: string;
  /** The columns a claim returns (with `attempts`, which counts the attempt being made). */
  returning: string;
  /** The business due time, compared with the clock's now passed to the claim (jobs: `run_at`). */
  businessDue?: string;
  /** Error texts are kept to this length. */
  maxReason: number;
}

export interface ClaimOptions {
  leaseSeconds: number;
  /** The clock's now, for a queue with a business due time. */
  now?: Date;
}

const id = (name: string) => Prisma.raw(name);

function businessDue(q: LeaseQueue, now: Date | undefined): Prisma.Sql {
  if (!q.businessDue) return Prisma.empty;
  if (!now) throw new Error(`claiming from ${q.table} needs the clock's now`);
  return Prisma.sql`AND ${id(q.businessDue)} <= ${now.toISOString()}::timestamptz`;
}

/**
 * Claims up to `limit` rows: first rows whose lease expired (oldest lease first), then ready rows that are due,
 * in the queue's order. Each claim counts an attempt.
 */
export async function claimRows<T>(
  db: Sql,
  q: LeaseQueue,
  claimer: string,
  limit: number,
  opts: ClaimOptions,
): Promise<T[]> {
  if (limit <= 0) return [];
  const lease = Prisma.sql`now() + make_interval(secs => ${opts.leaseSeconds})`;
  const expired = await db.$queryRaw<T[]>`
    UPDATE ${id(q.table)} t
       SET locked_by = ${claimer}, locked_until = ${lease}, attempts = t.attempts + 1
      FROM (SELECT id FROM ${id(q.table)} WHERE status = ${q.claimed} AND locked_until < now()
             ORDER BY locked_until LIMIT ${limit} FOR UPDATE SKIP LOCKED) c
     WHERE t.id = c.id
 RETURNING ${id(q.returning)}`;
  if (expired.length >= limit) return expired;
  const due = await db.$queryRaw<T[]>`
    UPDATE ${id(q.table)} t
       SET status = ${q.claimed}, locked_by = ${claimer}, locked_until = ${lease}, attempts = t.attempts + 1
      FROM (SELECT id FROM ${id(q.table)}
             WHERE status = ${q.ready} AND available_at <= now() ${businessDue(q, opts.now)}
             ORDER BY ${id(q.order)} LIMIT ${limit - expired.length} FOR UPDATE SKIP LOCKED) c
     WHERE t.id = c.id
 RETURNING ${id(q.returning)}`;
  return expired.length ? [...expired, ...due] : due;
}

/** Extends the lease of every row this claimer holds; returns how many it still holds. */
export function renewLeases(db: Sql, q: LeaseQueue, claimer: string, leaseSeconds: number): Promise<number> {
  return db.$executeRaw`
    UPDATE ${id(q.table)} SET locked_until = now() + make_interval(secs => ${leaseSeconds})
     WHERE locked_by = ${claimer} AND status = ${q.claimed}`;
}

/**
 * claimed → `status`, ending the claim, with the queue's own columns in `set` (a comma-separated SQL list, or
 * empty). Run it in the transaction that writes the work's effects: false means the claim was lost, and the caller
 * rolls back.
 */
export async function settleRow(
  db: Sql,
  q: LeaseQueue,
  rowId: string,
  claimer: string,
  status: string,
  set: Prisma.Sql = Prisma.empty,
): Promise<boolean> {
  const more = set === Prisma.empty ? Prisma.empty : Prisma.sql`, ${set}`;
  const n = await db.$executeRaw`
    UPDATE ${id(q.table)} SET status = ${status}, locked_by = NULL, locked_until = NULL ${more}
     WHERE id = ${rowId}::uuid AND locked_by = ${claimer} AND status = ${q.claimed}`;
  return n === 1;
}

export interface Retry {
  /** Available again after this many milliseconds (database time), or at `at`. */
  delayMs?: number;
  at?: Date;
  /** Why (kept as `last_error`); none clears nothing. */
  reason?: string;
  /** false: the attempt did not happen (the work waited for something, it did not fail). */
  countAttempt: boolean;
  /** More of the queue's own columns to set. */
  set?: Prisma.Sql;
}

/** claimed → ready, available again later. */
export async function retryRow(db: Sql, q: LeaseQueue, rowId: string, claimer: string, r: Retry): Promise<boolean> {
  const available = r.at
    ? Prisma.sql`${r.at.toISOString()}::timestamptz`
    : Prisma.sql`now() + make_interval(secs => ${(r.delayMs ?? 0) / 1000})`;
  const parts = [Prisma.sql`available_at = ${available}`];
  if (!r.countAttempt) parts.push(Prisma.sql`attempts = attempts - 1`);
  if (r.reason !== undefined) parts.push(Prisma.sql`last_error = ${r.reason.slice(0, q.maxReason)}`);
  if (r.set) parts.push(r.set);
  return settleRow(db, q, rowId, claimer, q.ready, Prisma.join(parts, ', '));
}

/**
 * claimed → ready for every claimed row, whoever claimed it. Only for the start of a process that alone uses its
 * database (the embedded one): whatever is claimed was claimed by a previous run that died.
 */
export function releaseAll(db: Sql, q: LeaseQueue): Promise<number> {
  return db.$executeRaw`
    UPDATE ${id(q.table)} SET status = ${q.ready}, locked_by = NULL, locked_until = NULL WHERE status = ${q.claimed}`;
}

/** A reason as stored. */
export const reasonOf = (q: LeaseQueue, reason: string): string => reason.slice(0, q.maxReason);
