/**
 * Business time: when something is due, whether a send window is open, how many days are left. Everything that
 * reads it is given one `Clock`, so tests and the sandbox can move time; lease expiry alone uses the database's own
 * time, since leases are about live processes, not about the business.
 */
export interface Clock {
  now(): Date;
}

/** The real time. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that is set by hand (tests, the sandbox). It stands still unless `running` is true, in which case it
 * moves on with real time from the moment it was last set. It may be set backwards (to replay a scenario).
 * Listeners hear every change, so whatever waits for a due time can look again at once.
 */
export class SettableClock implements Clock {
  private setAt: number;
  private base: number;
  private readonly listeners = new Set<(now: Date) => void>();

  constructor(
    start: Date = new Date(),
    private readonly running = false,
  ) {
    this.base = start.getTime();
    this.setAt = Date.now();
  }

  now(): Date {
    return new Date(this.running ? this.base + (Date.now() - this.setAt) : this.base);
  }

  set(to: Date): Date {
    this.base = to.getTime();
    this.setAt = Date.now();
    const now = this.now();
    for (const listener of this.listeners) listener(now);
    return now;
  }

  advance(ms: number): Date {
    return this.set(new Date(this.now().getTime() + ms));
  }

  /** Calls `listener` after each change; returns the function that removes it. */
  onChange(listener: (now: Date) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
