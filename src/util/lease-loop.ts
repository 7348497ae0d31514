import { Waker } from './sleep.js';

export interface LeaseLoopOptions<Row> {
  /** Claims up to `limit` rows with a lease. */
  claim(limit: number): Promise<Row[]>;
  /** Does the work of one row and settles it (it should not throw; a throw is logged through `onError`). */
  handle(row: Row): Promise<void>;
  /** Extends the leases of every row this claimer holds (none: the work holds no leases, no heartbeat runs). */
  renew?: () => Promise<unknown>;
  /** How many rows one claim takes at most. */
  batchSize: number;
  /**
   * Rows handled at once: 1 handles a claimed batch row after row within the pass; more starts each row as its own
   * task, up to this many in hand, and claims again as soon as one finishes.
   */
  concurrency: number;
  /** Pause after a pass that found nothing (or while full), unless woken. */
  pollMs: number;
  /**
   * true: pause after every pass, not only after one that found nothing; for work that stays where it is until
   * something else changes (learners not found yet are looked up again a pass later, not at once).
   */
  pauseAfterEveryPass?: boolean;
  /** How often the heartbeat renews the leases in hand (needed with `renew`). */
  renewEveryMs?: number;
  /** What wakes the loop besides its poll; created by whoever wires it. */
  waker?: Waker;
  /** Awaited before each row of a batch handled row after row (to let other work run). */
  between?: () => Promise<void>;
  /** Called after a pass that claimed rows, with how many. */
  afterBatch?: (claimed: number) => void;
  onError(what: 'claim' | 'handle' | 'renew', err: unknown): void;
}

/**
 * The bot's one background loop: every lease queue runs it (the inbox worker, the outbox dispatcher, the job
 * runner), and so does the waiting resolver's sweep. Claim, do the work, settle, and renew the leases of the rows
 * in hand every `renewEveryMs` meanwhile (a heartbeat), so a crashed instance's rows are taken over once their
 * short lease expires while a slow but live one keeps its own. `stop` stops claiming and resolves once the rows in
 * hand are settled.
 */
export class LeaseLoop<Row> {
  private readonly waker: Waker;
  private readonly inFlight = new Set<Promise<void>>();
  /** Rows claimed and not yet settled: their leases are renewed while there are any. */
  private inHand = 0;
  private running = false;
  private loop: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly o: LeaseLoopOptions<Row>) {
    this.waker = o.waker ?? new Waker();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
    if (this.o.renew && this.o.renewEveryMs) {
      this.heartbeat = setInterval(() => void this.renew(), this.o.renewEveryMs);
      this.heartbeat.unref();
    }
  }

  wake(): void {
    this.waker.wake();
  }

  get isRunning(): boolean {
    return this.running;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.waker.wake();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /**
   * One claim and its work (row after row), without the loop: for tests and for whoever must know that what is
   * due now was handled. Returns how many rows were claimed.
   */
  async runOnce(): Promise<number> {
    const rows = await this.o.claim(this.o.batchSize);
    let left = rows.length;
    this.inHand += left;
    try {
      for (const row of rows) {
        await this.o.between?.();
        await this.handle(row);
        this.inHand--;
        left--;
      }
    } finally {
      this.inHand -= left;
    }
    if (rows.length > 0) this.o.afterBatch?.(rows.length);
    return rows.length;
  }

  private async renew(): Promise<void> {
    if (this.inHand === 0 || !this.o.renew) return;
    try {
      await this.o.renew();
    } catch (err) {
      this.o.onError('renew', err);
    }
  }

  private async handle(row: Row): Promise<void> {
    try {
      await this.o.handle(row);
    } catch (err) {
      this.o.onError('handle', err);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        claimed = this.o.concurrency <= 1 ? await this.runOnce() : await this.claimConcurrent();
      } catch (err) {
        this.o.onError('claim', err);
      }
      const full = this.o.concurrency > 1 && this.inFlight.size >= this.o.concurrency;
      const rest = claimed === 0 || full || this.o.pauseAfterEveryPass;
      if (rest && this.running) await this.waker.wait(this.o.pollMs);
    }
  }

  private async claimConcurrent(): Promise<number> {
    const free = this.o.concurrency - this.inFlight.size;
    if (free <= 0) return 0;
    const rows = await this.o.claim(Math.min(free, this.o.batchSize));
    for (const row of rows) {
      this.inHand++;
      const task: Promise<void> = this.handle(row).finally(() => {
        this.inHand--;
        this.inFlight.delete(task);
        this.waker.wake();
      });
      this.inFlight.add(task);
    }
    if (rows.length > 0) this.o.afterBatch?.(rows.length);
    return rows.length;
  }
}
