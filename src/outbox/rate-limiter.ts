/**
 * Sliding-window send limits that hold even when requests are in flight concurrently.
 *
 * A slot is taken when a request is issued and keeps counting until `windowMs` after its response. A request
 * reaches the server between issue and response, so any `limit + 1` requests are at least `windowMs` apart on
 * the server's clock too, whatever the network delay: the limit cannot be exceeded, and the rate lost to that
 * safety is one round trip per window.
 */
export class SlidingWindow {
  /** The slots in use: `end` is Infinity while the request is in flight, then the time of its response. */
  private slots: { end: number }[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  private prune(now: number): void {
    if (this.slots.length > 0) this.slots = this.slots.filter((s) => s.end > now - this.windowMs);
  }

  /** 0 when a slot is free now, else how long until one is likely to be (ms). */
  waitTime(now: number): number {
    this.prune(now);
    if (this.slots.length < this.limit) return 0;
    const ends = this.slots.map((s) => s.end).filter(Number.isFinite);
    if (ends.length === 0) return 5; // all in flight: look again shortly
    return Math.max(1, Math.min(...ends) + this.windowMs - now);
  }

  take(): { release: (at: number) => void } {
    const slot = { end: Infinity };
    this.slots.push(slot);
    return { release: (at: number) => void (slot.end = at) };
  }

  get inUse(): number {
    return this.slots.length;
  }
}

export interface RateLimits {
  perSecond: number;
  /** 0 disables the per-minute limit. */
  perMinute: number;
  perRecipientPerSecond: number;
}

/**
 * What the outbox dispatcher needs from a limiter: a slot for one send to `recipientId`, given back after the
 * response.
 */
export interface SendLimiter {
  acquire(recipientId: string, signal?: { aborted: boolean }): Promise<() => void>;
}

/** The app-wide and per-recipient limits for message sends (Feishu: 50/s and 1000/min per app, 5/s per user). */
export class SendRateLimiter implements SendLimiter {
  private readonly app: SlidingWindow[];
  private readonly recipients = new Map<string, SlidingWindow>();

  constructor(private readonly limits: RateLimits) {
    this.app = [new SlidingWindow(limits.perSecond, 1000)];
    if (limits.perMinute > 0) this.app.push(new SlidingWindow(limits.perMinute, 60_000));
  }

  private recipient(id: string): SlidingWindow {
    let w = this.recipients.get(id);
    if (!w) {
      w = new SlidingWindow(this.limits.perRecipientPerSecond, 1000);
      this.recipients.set(id, w);
    }
    return w;
  }

  /** Takes a slot in every window, or says how long to wait. Atomic: it takes all or nothing. */
  tryAcquire(recipientId: string, now = Date.now()): { wait: number } | { release: () => void } {
    const windows = [...this.app, this.recipient(recipientId)];
    const wait = Math.max(...windows.map((w) => w.waitTime(now)));
    if (wait > 0) return { wait };
    const held = windows.map((w) => w.take());
    return {
      release: () => {
        const at = Date.now();
        for (const h of held) h.release(at);
        this.forgetIdle(recipientId);
      },
    };
  }

  async acquire(recipientId: string, signal?: { aborted: boolean }): Promise<() => void> {
    for (;;) {
      const r = this.tryAcquire(recipientId);
      if ('release' in r) return r.release;
      if (signal?.aborted) throw new Error('aborted');
      await new Promise((resolve) => setTimeout(resolve, r.wait));
    }
  }

  private forgetIdle(recipientId: string): void {
    if (this.recipients.size < 10_000) return;
    const w = this.recipients.get(recipientId);
    if (w && w.waitTime(Date.now()) === 0 && w.inUse === 0) this.recipients.delete(recipientId);
  }
}
