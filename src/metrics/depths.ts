/**
 * How much work is waiting, read from the database: one grouped query per table. Only the statuses of work not yet
 * done are counted (finished rows pile up forever; their counts are the event and send counters), so the queries
 * stay on the (status, due time) indexes however large the tables grow.
 */
import type { Db } from '../db/index.js';

export interface QueueDepth {
  byStatus: { status: string; count: number }[];
  /** Seconds since the oldest due item became due (pending and its time has come); 0 when none is due. */
  oldestDueSeconds: number;
}

export interface QueueDepths {
  inbox: QueueDepth;
  outbox: QueueDepth;
  /** Scheduled jobs that are due on the clock (future ones are not work yet); read when the clock's now is given. */
  jobs?: QueueDepth;
}

interface Row {
  status: string;
  count: number;
  oldest_due_seconds: number | null;
}

/** Every status a queue reports, with 0 when no row has it (a gauge that vanishes at 0 is hard to alert on). */
export const INBOX_OPEN_STATUSES = ['pending', 'processing', 'failed'] as const;
export const OUTBOX_OPEN_STATUSES = ['waiting', 'pending', 'sending', 'failed'] as const;
export const JOB_OPEN_STATUSES = ['pending', 'running', 'failed'] as const;

export async function readQueueDepths(db: Db, now?: Date): Promise<QueueDepths> {
  const due = now?.toISOString() ?? null;
  const [inbox, outbox, jobs] = await Promise.all([
    db.$queryRaw<Row[]>`
      SELECT status, count(*)::int AS count,
             EXTRACT(EPOCH FROM now() - min(available_at)
                                  FILTER (WHERE status = 'pending' AND available_at <= now()))::float8
               AS oldest_due_seconds
        FROM inbound_event
       WHERE status IN ('pending', 'processing', 'failed')
       GROUP BY status`,
    db.$queryRaw<Row[]>`
      SELECT status, count(*)::int AS count,
             EXTRACT(EPOCH FROM now() - min(available_at)
                                  FILTER (WHERE status = 'pending' AND available_at <= now()))::float8
               AS oldest_due_seconds
        FROM notification
       WHERE status IN ('waiting', 'pending', 'sending', 'failed')
       GROUP BY status`,
    due
      ? db.$queryRaw<Row[]>`
      SELECT status, count(*)::int AS count,
             EXTRACT(EPOCH FROM ${due}::timestamptz - min(run_at) FILTER (WHERE status = 'pending'))::float8
               AS oldest_due_seconds
        FROM job
       WHERE (status = 'pending' AND run_at <= ${due}::timestamptz) OR status IN ('running', 'failed')
       GROUP BY status`
      : undefined,
  ]);
  return {
    inbox: toDepth(inbox, INBOX_OPEN_STATUSES),
    outbox: toDepth(outbox, OUTBOX_OPEN_STATUSES),
    ...(jobs && { jobs: toDepth(jobs, JOB_OPEN_STATUSES) }),
  };
}

/** Pure: rows of one grouped query as a depth, every listed status present. */
export function toDepth(rows: readonly Row[], statuses: readonly string[]): QueueDepth {
  const counts = new Map(rows.map((r) => [r.status, Number(r.count)]));
  const oldest = Math.max(0, ...rows.map((r) => Number(r.oldest_due_seconds ?? 0)));
  return { byStatus: statuses.map((status) => ({ status, count: counts.get(status) ?? 0 })), oldestDueSeconds: oldest };
}
