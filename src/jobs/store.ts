/**
 * Every status transition of `job` (scheduled work), one SQL statement each, on the lease-queue engine
 * (src/db/lease-queue.ts). Nothing else writes a job's status.
 *
 *   schedule ──► pending ──claim──► running ──done──────► done
 *                  ▲  │               │  │  ├──skip──────► skipped     (its reason is gone, or its day is over)
 *                  │  │               │  │  └──fail──────► failed      (attempts used up)
 *                  │  │               │  └──claim, once the lease expired (a dead runner's job is taken over)
 *                  │  └──cancel──► cancelled ◄──cancel──┘ (the fact behind it changed; also while running)
 *                  └──replan / retry──┘                   (a window or the daily cap; a failed attempt)
 *
 * `run_at` is business time (the clock's now is passed in); `available_at` is the engine's retry time (the
 * database's). Scheduling the same key again re-plans a pending job and leaves any other alone: each key fires at
 * most once.
 */
import { Prisma } from '../generated/prisma/client.js';
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

export const JOB_QUEUE: LeaseQueue = {
  table: 'job',
  ready: 'pending',
  claimed: 'running',
  order: 'run_at, priority',
  returning:
    't.id, t.kind, t.key, t.subject, t.run_at, t.not_after, t.payload, t.recipient, t.zone, t.priority, ' +
    't.placed, t.attempts',
  businessDue: 'run_at',
  maxReason: 1000,
};

export const JOB_STATUSES = ['pending', 'running', 'done', 'skipped', 'cancelled', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Why a pending job waits beyond its own time. */
export type JobWaiting = 'window' | 'cap' | 'retry';

export type JsonObject = Record<string, unknown>;

/** A job to schedule. */
export interface JobPlan {
  kind: string;
  /** Unique for all time: the job fires at most once per key (e.g. "reminder:<record>:<n>"). */
  key: string;
  /** The earliest moment (business time); a windowed kind also waits for the recipient's send window. */
  runAt: Date;
  payload?: JsonObject;
  /** What it is about (e.g. "record:<id>"), for `cancelJobs({ subject })`. */
  subject?: string;
  /** The person it is for (open_id): their time zone and their daily cap apply. */
  recipient?: string;
  /** Lower is more urgent (e.g. days left); among one person's capped jobs the most urgent go first. */
  priority?: number;
  /** After this moment the job is skipped instead of run (a digest whose working day is over). */
  notAfter?: Date | null;
  /**
   * The zone `runAt` and `notAfter` were reckoned in, when they are local times (09:30 on Monday, the start of a
   * day): a recipient found to live in another zone gets the same local times in theirs. None: absolute times.
   */
  zone?: string;
  /** Re-arm a job with this key that was cancelled or skipped (never one that was done). */
  revive?: boolean;
}

/** A job as the runner gets it. `attempts` counts this attempt. */
export interface ClaimedJob<P = JsonObject> {
  id: string;
  kind: string;
  key: string;
  subject: string | null;
  runAt: Date;
  notAfter: Date | null;
  payload: P;
  recipient: string | null;
  /** See `JobPlan.zone`. */
  zone: string | null;
  priority: number;
  placed: boolean;
  attempts: number;
}

interface JobRow {
  id: string;
  kind: string;
  key: string;
  subject: string | null;
  run_at: Date;
  not_after: Date | null;
  payload: JsonObject;
  recipient: string | null;
  zone: string | null;
  priority: number;
  placed: boolean;
  attempts: number;
}

const toJob = (r: JobRow): ClaimedJob => ({
  id: r.id,
  kind: r.kind,
  key: r.key,
  subject: r.subject,
  runAt: r.run_at,
  notAfter: r.not_after,
  payload: r.payload,
  recipient: r.recipient,
  zone: r.zone,
  priority: r.priority,
  placed: r.placed,
  attempts: r.attempts,
});

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * Inserts the job, or re-plans the pending job with its key (new time, payload, recipient, priority), in the
 * caller's transaction. A job with this key that ran, is running, or was cancelled is left alone (unless `revive`
 * re-arms a cancelled or skipped one). Says which.
 */
export async function scheduleJob(tx: Sql, plan: JobPlan): Promise<'created' | 'replanned' | 'kept'> {
  const n = await scheduleJobs(tx, [plan]);
  return n.created ? 'created' : n.replanned ? 'replanned' : 'kept';
}

/** How many of the jobs given to `scheduleJobs` were inserted, re-planned, or left alone. */
export interface ScheduledCounts {
  created: number;
  replanned: number;
  kept: number;
}

/**
 * `scheduleJob` for many jobs at once: one statement for all of them (one more for those that `revive`), each
 * job inserted, re-planned or left alone exactly as `scheduleJob` would. A key given twice counts once, as its last
 * plan (what scheduling them one after the other leaves).
 */
export async function scheduleJobs(tx: Sql, plans: readonly JobPlan[]): Promise<ScheduledCounts> {
  const byKey = new Map(plans.map((p) => [p.key, p]));
  const counts: ScheduledCounts = { created: 0, replanned: 0, kept: 0 };
  for (const revive of [false, true]) {
    const batch = [...byKey.values()].filter((p) => (p.revive ?? false) === revive);
    if (batch.length === 0) continue;
    const revivable = revive ? ['pending', 'cancelled', 'skipped'] : ['pending'];
    // One row per job from parallel arrays: nine parameters whatever the number of jobs.
    const rows = await tx.$queryRaw<{ inserted: boolean }[]>`
      INSERT INTO job (kind, key, subject, run_at, not_after, payload, recipient, zone, priority)
      SELECT * FROM unnest(${batch.map((p) => p.kind)}::text[], ${batch.map((p) => p.key)}::text[],
                           ${batch.map((p) => p.subject ?? null)}::text[],
                           ${batch.map((p) => p.runAt.toISOString())}::timestamptz[],
                           ${batch.map((p) => iso(p.notAfter))}::timestamptz[],
                           ${batch.map((p) => JSON.stringify(p.payload ?? {}))}::jsonb[],
                           ${batch.map((p) => p.recipient ?? null)}::text[],
                           ${batch.map((p) => p.zone ?? null)}::text[],
                           ${batch.map((p) => p.priority ?? 0)}::int[])
      ON CONFLICT (key) DO UPDATE
         SET kind = EXCLUDED.kind, subject = EXCLUDED.subject, run_at = EXCLUDED.run_at,
             not_after = EXCLUDED.not_after, payload = EXCLUDED.payload, recipient = EXCLUDED.recipient,
             zone = EXCLUDED.zone, priority = EXCLUDED.priority, status = 'pending', placed = false, waiting = NULL,
             reason = NULL, attempts = 0, available_at = now(), last_error = NULL, settled_at = NULL,
             updated_at = now()
       WHERE job.status = ANY(${revivable}::text[])
   RETURNING (xmax = 0) AS inserted`;
    const created = rows.filter((r) => r.inserted).length;
    counts.created += created;
    counts.replanned += rows.length - created;
    counts.kept += batch.length - rows.length;
  }
  return counts;
}

/** Which jobs to cancel: by their keys, by what they are about, or by the start of their keys. */
export type JobSelector = { keys: string[] } | { subject: string } | { keyPrefix: string };

/**
 * pending / running → cancelled, in the caller's transaction (the one that records the fact that makes the jobs
 * pointless). A running job is cancelled too: its runner settles it only while it is still `running`, and it
 * holds the row locked while it works, so either the run commits first (and this finds it done) or the run finds
 * it cancelled and writes nothing. Returns how many.
 */
export function cancelJobs(tx: Sql, which: JobSelector, reason: string): Promise<number> {
  return tx.$executeRaw`
    UPDATE job SET ${cancelling(reason)} WHERE ${selected(which)} AND status IN ('pending', 'running')`;
}

/**
 * `cancelJobs` for jobs that schedule their successor when they run (a chain of steps). A step running elsewhere
 * holds its row locked, so the cancel waits for it; when it commits, it leaves a successor that the waiting statement
 * cannot see (a statement sees only what was committed before it started). So the cancel is repeated, each time a
 * new statement, until one finds nothing pending or running: a running step's successor is the only row that can
 * appear meanwhile, one per round, and the next round cancels it. The bound is only a guard. Returns how many were
 * cancelled.
 */
export async function cancelChain(tx: Sql, which: JobSelector, reason: string): Promise<number> {
  let cancelled = 0;
  for (let round = 0; round < MAX_CHAIN_CANCEL_ROUNDS; round++) {
    // `found` is what the statement saw at its start; `cancelled`, what it cancelled after any wait for a lock.
    const [r] = await tx.$queryRaw<{ found: number; cancelled: number }[]>`
      WITH found AS (SELECT id FROM job WHERE ${selected(which)} AND status IN ('pending', 'running')),
           cancelled AS (
             UPDATE job SET ${cancelling(reason)}
              WHERE id IN (SELECT id FROM found) AND status IN ('pending', 'running')
             RETURNING id)
      SELECT (SELECT count(*) FROM found)::int AS found, (SELECT count(*) FROM cancelled)::int AS cancelled`;
    cancelled += r!.cancelled;
    if (r!.found === 0) break;
  }
  return cancelled;
}

const MAX_CHAIN_CANCEL_ROUNDS = 20;

/** The columns a cancel sets. */
const cancelling = (reason: string) =>
  Prisma.sql`status = 'cancelled', reason = ${reasonOf(JOB_QUEUE, reason)}, locked_by = NULL, locked_until = NULL,
             settled_at = now(), updated_at = now()`;

const selected = (which: JobSelector) =>
  'keys' in which
    ? Prisma.sql`key = ANY(${which.keys}::text[])`
    : 'subject' in which
      ? Prisma.sql`subject = ${which.subject}`
      : Prisma.sql`starts_with(key, ${which.keyPrefix})`;

/** pending → running: due jobs (`run_at` ≤ the clock's now) and jobs whose lease expired. */
export async function claimJobs(
  db: Sql,
  claimer: string,
  limit: number,
  now: Date,
  leaseSeconds: number,
): Promise<ClaimedJob[]> {
  const rows = await claimRows<JobRow>(db, JOB_QUEUE, claimer, limit, { leaseSeconds, now });
  // An UPDATE returns its rows in no particular order: run them in the queue's.
  return rows.map(toJob).sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.priority - b.priority);
}

export function renewJobLeases(db: Sql, claimer: string, leaseSeconds: number): Promise<number> {
  return renewLeases(db, JOB_QUEUE, claimer, leaseSeconds);
}

/**
 * Locks the claimer's own running job for the rest of the transaction that runs it; false when it is no longer
 * its own (cancelled meanwhile, or its lease taken over).
 */
export async function lockOwnJob(tx: Sql, id: string, claimer: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM job WHERE id = ${id}::uuid AND locked_by = ${claimer} AND status = 'running' FOR UPDATE`;
  return rows.length === 1;
}

/** running → done. `doneOn` (the recipient's local date) and `capped` count it against the daily cap. */
export function markJobDone(
  tx: Sql,
  id: string,
  claimer: string,
  at: { now: Date; doneOn: string | null; capped: boolean },
): Promise<boolean> {
  return settleRow(
    tx,
    JOB_QUEUE,
    id,
    claimer,
    'done',
    Prisma.sql`done_on = ${at.doneOn}, capped = ${at.capped}, waiting = NULL, last_error = NULL,
               settled_at = ${at.now.toISOString()}::timestamptz, updated_at = now()`,
  );
}

/** running → skipped, with the reason (its reason to be sent is gone, or its day is over). */
export function skipJob(tx: Sql, id: string, claimer: string, reason: string, now: Date): Promise<boolean> {
  return settleRow(
    tx,
    JOB_QUEUE,
    id,
    claimer,
    'skipped',
    Prisma.sql`reason = ${reasonOf(JOB_QUEUE, reason)}, waiting = NULL,
               settled_at = ${now.toISOString()}::timestamptz, updated_at = now()`,
  );
}

/** running → failed, for good. */
export function failJob(tx: Sql, id: string, claimer: string, reason: string, now: Date): Promise<boolean> {
  const text = reasonOf(JOB_QUEUE, reason);
  return settleRow(
    tx,
    JOB_QUEUE,
    id,
    claimer,
    'failed',
    Prisma.sql`reason = 'failed', last_error = ${text}, settled_at = ${now.toISOString()}::timestamptz,
               updated_at = now()`,
  );
}

/**
 * running → pending at `at` (business time), without counting an attempt: the job waits for a send window, for
 * the next day under the daily cap, or was re-planned by its kind. `placed`: `at` is already inside a window.
 */
export function replanJob(
  tx: Sql,
  id: string,
  claimer: string,
  to: { at: Date; waiting: JobWaiting | null; placed: boolean; reason?: string },
): Promise<boolean> {
  return retryRow(tx, JOB_QUEUE, id, claimer, {
    delayMs: 0,
    countAttempt: false,
    set: Prisma.sql`run_at = ${to.at.toISOString()}::timestamptz, waiting = ${to.waiting}, placed = ${to.placed},
                    reason = ${to.reason ?? null}, updated_at = now()`,
  });
}

/**
 * running → pending with its local times moved to the recipient's zone (`at`, `notAfter`, reckoned in `zone`), to
 * be placed in a send window again; no attempt counted.
 */
export function rezoneJob(
  db: Sql,
  id: string,
  claimer: string,
  to: { at: Date; notAfter: Date | null; zone: string },
): Promise<boolean> {
  return retryRow(db, JOB_QUEUE, id, claimer, {
    delayMs: 0,
    countAttempt: false,
    set: Prisma.sql`run_at = ${to.at.toISOString()}::timestamptz, not_after = ${iso(to.notAfter)}::timestamptz,
                    zone = ${to.zone}, waiting = NULL, placed = false, updated_at = now()`,
  });
}

/** running → pending after a failed attempt, available again in `delayMs` (the attempt counts). */
export function retryJobLater(db: Sql, id: string, claimer: string, delayMs: number, reason: string) {
  return retryRow(db, JOB_QUEUE, id, claimer, {
    delayMs,
    reason,
    countAttempt: true,
    set: Prisma.sql`waiting = 'retry', updated_at = now()`,
  });
}

/** running → pending for every running job (the embedded database's start: see `releaseAll`). */
export function releaseAllJobs(db: Sql): Promise<number> {
  return releaseAll(db, JOB_QUEUE);
}

/** How many capped jobs were done for `recipient` on their local date `day`. */
export async function countDoneOn(db: Sql, recipient: string, day: string): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM job
     WHERE recipient = ${recipient} AND done_on = ${day} AND capped AND status = 'done'`;
  return row?.n ?? 0;
}

/**
 * How many other jobs of `kinds` for `recipient`, due by `now` and not settled (claimed ones included), are more
 * urgent than this one (lower priority value, then earlier): under the daily cap they go first.
 */
export async function countMoreUrgent(
  db: Sql,
  job: Pick<ClaimedJob, 'id' | 'recipient' | 'priority' | 'runAt'>,
  kinds: string[],
  now: Date,
): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM job
     WHERE recipient = ${job.recipient} AND status IN ('pending', 'running') AND kind = ANY(${kinds}::text[])
       AND run_at <= ${now.toISOString()}::timestamptz AND id <> ${job.id}::uuid
       AND (priority < ${job.priority}
            OR (priority = ${job.priority} AND run_at < ${job.runAt.toISOString()}::timestamptz))`;
  return row?.n ?? 0;
}

/** A job as the `schedule` command and the doctor show it. */
export interface UpcomingJob {
  kind: string;
  key: string;
  status: string;
  runAt: Date;
  waiting: string | null;
  recipient: string | null;
  attempts: number;
  lastError: string | null;
}

/** The next `limit` jobs to run (running ones first), in order. */
export async function upcomingJobs(db: Sql, limit: number): Promise<UpcomingJob[]> {
  const rows = await db.$queryRaw<
    {
      kind: string;
      key: string;
      status: string;
      run_at: Date;
      waiting: string | null;
      recipient: string | null;
      attempts: number;
      last_error: string | null;
    }[]
  >`
    SELECT kind, key, status, run_at, waiting, recipient, attempts, last_error FROM job
     WHERE status IN ('pending', 'running') ORDER BY status DESC, run_at, priority LIMIT ${limit}`;
  return rows.map((r) => ({
    kind: r.kind,
    key: r.key,
    status: r.status,
    runAt: r.run_at,
    waiting: r.waiting,
    recipient: r.recipient,
    attempts: r.attempts,
    lastError: r.last_error,
  }));
}

/** Jobs not settled yet (pending or running), due or not. */
export async function countPendingJobs(db: Sql): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM job WHERE status IN ('pending', 'running')`;
  return row?.n ?? 0;
}

/** Jobs due by `now` that are not settled: the scheduler's backlog. */
export async function countDueJobs(db: Sql, now: Date): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM job
     WHERE (status = 'pending' AND run_at <= ${now.toISOString()}::timestamptz AND available_at <= now())
        OR status = 'running'`;
  return row?.n ?? 0;
}
