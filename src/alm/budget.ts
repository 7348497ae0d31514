import { createHash } from 'node:crypto';
import type { Db } from '../db/index.js';

interface ApiBudgetOptions {
  /** The budget's name: every ApiBudget with the same name on one database shares it. */
  api: string;
  /** At most this many calls in any window. */
  limit: number;
  windowMs: number;
  /** Clock in ms (default Date.now). */
  now?: () => number;
}

type BudgetTake = { ok: true } | { ok: false; retryAt: Date };

/**
 * A sliding-window request budget kept in the database (`api_call` rows), so it holds across restarts and across
 * bot instances sharing one PostgreSQL database. Takers of one api are serialised by a transaction-scoped
 * advisory lock, so the count and the insert cannot interleave.
 */
export class ApiBudget {
  private readonly api: string;
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly lockKey: bigint;
  /** Clock time of this instance's last purge of rows that left the window. */
  private lastPurge = -Infinity;

  constructor(
    private readonly db: Db,
    opts: ApiBudgetOptions,
  ) {
    if (!Number.isInteger(opts.limit) || opts.limit < 1) throw new Error(`ApiBudget: limit must be a positive integer`);
    if (!(opts.windowMs > 0)) throw new Error(`ApiBudget: windowMs must be positive`);
    this.api = opts.api;
    this.limit = opts.limit;
    this.windowMs = opts.windowMs;
    this.now = opts.now ?? Date.now;
    this.lockKey = advisoryKey(opts.api);
  }

  /** Take one call from the budget, or learn when the next one frees up. */
  async tryTake(): Promise<BudgetTake> {
    const { api, limit, windowMs } = this;
    return this.db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${this.lockKey})`;
        // Read the clock under the lock, so calls are recorded in the order they were admitted.
        const now = this.now();
        const since = new Date(now - windowMs);
        if (now - this.lastPurge >= windowMs) {
          await tx.$executeRaw`DELETE FROM api_call WHERE api = ${api} AND at <= ${since}`;
          this.lastPurge = now;
        }
        // The limit-th newest call in the window: while it is there, the window is full. It leaves at at + window.
        const rows = await tx.$queryRaw<{ at: Date | string }[]>`
          SELECT at FROM api_call WHERE api = ${api} AND at > ${since}
          ORDER BY at DESC OFFSET ${limit - 1} LIMIT 1`;
        const full = rows[0];
        if (full) return { ok: false as const, retryAt: new Date(new Date(full.at).getTime() + windowMs) };
        await tx.$executeRaw`INSERT INTO api_call (api, at) VALUES (${api}, ${new Date(now)})`;
        return { ok: true as const };
      },
      { maxWait: 5_000, timeout: 10_000 },
    );
  }
}

/** A stable signed 64-bit advisory lock key for an api name (namespaced so other locks do not collide). */
function advisoryKey(api: string): bigint {
  return createHash('sha256').update(`api_call:${api}`).digest().readBigInt64BE(0);
}

/** How many calls the budget of `api` still allows in its current window (for metrics and doctor; takes nothing). */
export async function budgetLeft(db: Db, opts: Omit<ApiBudgetOptions, 'now'> & { now?: number }): Promise<number> {
  const since = new Date((opts.now ?? Date.now()) - opts.windowMs);
  const rows = await db.$queryRaw<
    { n: number }[]
  >`SELECT count(*)::int AS n FROM api_call WHERE api = ${opts.api} AND at > ${since}`;
  return Math.max(0, opts.limit - Number(rows[0]?.n ?? 0));
}

/** The ALM API budget: ALM allows a number of admin API calls per hour per account. */
export const ALM_BUDGET = { api: 'alm', windowMs: 60 * 60_000 } as const;
