/**
 * Sliding-window limiter over arrival times: at most `limit` admitted hits per key in any
 * window of `windowMs`. Only admitted hits are counted, so a client that backs off gets
 * through again once the oldest admitted hit leaves the window.
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** 0 if a hit at `now` would be admitted, else the ms until the oldest hit leaves the window. */
  retryAfterMs(key: string, now: number): number {
    const times = this.prune(key, now);
    if (times.length < this.limit) return 0;
    return times[times.length - this.limit]! + this.windowMs - now;
  }

  record(key: string, now: number): void {
    this.prune(key, now).push(now);
  }

  /** Admit and record a hit, or return the ms to wait. */
  tryAcquire(key: string, now: number): number {
    const wait = this.retryAfterMs(key, now);
    if (wait === 0) this.record(key, now);
    return wait;
  }

  reset(): void {
    this.hits.clear();
  }

  /** The key's admitted hits still inside the window ending at `now`, oldest first. */
  private prune(key: string, now: number): number[] {
    let times = this.hits.get(key);
    if (!times) {
      times = [];
      this.hits.set(key, times);
    }
    let drop = 0;
    while (drop < times.length && times[drop]! <= now - this.windowMs) drop++;
    if (drop > 0) times.splice(0, drop);
    return times;
  }
}

/** The limiter that refused, and how long to wait. */
export interface Refusal {
  limiter: SlidingWindowLimiter;
  retryAfterMs: number;
}

/**
 * Admit a hit only if every limiter admits it (e.g. 50/s and 1000/min), recording it in all
 * of them; a refusal by one records nothing anywhere.
 */
export function acquireAll(limiters: readonly SlidingWindowLimiter[], key: string, now: number): Refusal | undefined {
  for (const limiter of limiters) {
    const retryAfterMs = limiter.retryAfterMs(key, now);
    if (retryAfterMs > 0) return { limiter, retryAfterMs };
  }
  for (const limiter of limiters) limiter.record(key, now);
  return undefined;
}
