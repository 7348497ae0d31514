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
}

interface Row {
  status: string;
  count: number;
  oldest_due_seconds: number | null;
}

/** Every status a queue reports, with 0 when no row has it (a gauge that vanishes at 0 is hard to alert on). */
export const INBOX_OPEN_STATUSES = ['pending', 'processing', 'failed'] as const;
export const OUTBOX_OPEN_STATUSES = ['waiting', 'pending', 'sending', 'failed'] as const;

export async function readQueueDepths(db: Db): Promise<QueueDepths> {
  const [inbox, outbox] = await Promise.all([
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
  ]);
  return { inbox: toDepth(inbox, INBOX_OPEN_STATUSES), outbox: toDepth(outbox, OUTBOX_OPEN_STATUSES) };
}

/** Pure: rows of one grouped query as a depth, every listed status present. */
export function toDepth(rows: readonly Row[], statuses: readonly string[]): QueueDepth {
  const counts = new Map(rows.map((r) => [r.status, Number(r.count)]));
  const oldest = Math.max(0, ...rows.map((r) => Number(r.oldest_due_seconds ?? 0)));
  return { byStatus: statuses.map((status) => ({ status, count: counts.get(status) ?? 0 })), oldestDueSeconds: oldest };
}
