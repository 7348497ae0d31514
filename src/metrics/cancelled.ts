/**
 * Scheduled jobs cancelled, per reason (the fact that made them pointless: a completion, an unenrolment, a stop, a
 * claim, a re-plan), read from the database so every instance's cancellations count: a cancellation happens in the
 * transaction of whatever changed, on any instance, and is counted once it is committed. One grouped query on the
 * `(status, reason)` index.
 */
import type { Db } from '../db/index.js';

/** Reasons reported one by one; any further ones (there should be none) are summed as "other". */
export const MAX_CANCEL_REASONS = 20;

export interface CancelledJobs {
  reason: string;
  count: number;
}

export async function readCancelledJobs(db: Db): Promise<CancelledJobs[]> {
  const rows = await db.$queryRaw<{ reason: string | null; count: number }[]>`
    SELECT reason, count(*)::int AS count FROM job WHERE status = 'cancelled' GROUP BY reason ORDER BY count DESC`;
  return byReason(rows);
}

/** Pure: the grouped rows as series, a missing reason as "unknown", the tail past the limit as "other". */
export function byReason(rows: readonly { reason: string | null; count: number }[]): CancelledJobs[] {
  const out = rows.slice(0, MAX_CANCEL_REASONS).map((r) => ({ reason: r.reason ?? 'unknown', count: Number(r.count) }));
  const rest = rows.slice(MAX_CANCEL_REASONS).reduce((n, r) => n + Number(r.count), 0);
  if (rest > 0) out.push({ reason: 'other', count: rest });
  return out;
}
