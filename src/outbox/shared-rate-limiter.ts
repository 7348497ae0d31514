import pg from 'pg';
import type { Config } from '../config.js';
import type { Database } from '../db/index.js';
import type { Logger } from '../logger.js';
import { sleep } from '../util/sleep.js';
import { SendRateLimiter, type RateLimits, type SendLimiter } from './rate-limiter.js';

/**
 * How long a send slot counts as in flight past its last renewal. While the request is in flight its holder renews
 * the slot every second (RENEW_EVERY_MS); a holder that dies stops renewing, and its slots stop counting as in flight
 * at most this long after its death (a request it had written out reaches Feishu well within that), so the
 * instances that take over its work are not held up for longer.
 */
const SEND_SLOT_LEASE_MS = 5_000;
const RENEW_EVERY_MS = 1_000;
/** The longest a waiting send sleeps before it looks again (so a stopping dispatcher is not held up). */
const MAX_NAP_MS = 200;

/** How many waiting sends one statement asks slots for. */
const BATCH = 50;

interface Waiter {
  recipient: string;
  signal: { aborted: boolean } | undefined;
  resolve: (release: () => void) => void;
  reject: (err: Error) => void;
}

/**
 * Feishu's send limits (50/s and 1000/min per app, 5/s per recipient) held by every instance on one PostgreSQL
 * database together: leased send slots in the table `feishu_send_slot`.
 *
 * The rule is the in-process limiter's (SendRateLimiter), kept in the database: a slot is taken before a request is
 * issued and counts in each window until `window` after the response. One SQL function (`feishu_send_acquire`)
 * takes a transaction-scoped advisory lock, counts the slots of the last second and minute (and each recipient's),
 * and inserts rows for the sends that fit or says how long to wait; another (`feishu_send_release`) stamps the
 * slot's end, a time no earlier than the response. A request reaches Feishu between the two, so any two requests
 * `limit` slots apart are a full window apart on Feishu's clock too. Only the database's clock is read, so clocks
 * that differ between hosts do not matter.
 * A slot whose holder dies counts until its lease ends (SEND_SLOT_LEASE_MS after its last renewal).
 *
 * In each instance the sends waiting for a slot queue up, and one statement at a time asks for slots for up to
 * BATCH of them; when the app's windows are full, the queue sleeps for the time the database said. Cost per send:
 * its share of one `feishu_send_acquire` call and one `feishu_send_release` (plus one `feishu_send_renew` per second
 * for all of an instance's requests still in flight, rarely any).
 */
class SharedSendRateLimiter implements SendLimiter {
  private appGateUntil = 0;
  private readonly recipientGates = new Map<string, number>();
  private readonly queue: Waiter[] = [];
  private pumping = false;
  private readonly inFlight = new Set<string>();
  private renewTimer: NodeJS.Timeout | undefined;
  /** Statements sent and their round-trip time, for the benchmark. */
  readonly stats = { acquireCalls: 0, granted: 0, releaseCalls: 0, renewCalls: 0, roundTripMs: 0 };

  constructor(
    private readonly db: pg.Pool,
    private readonly limits: RateLimits,
    private readonly log: Logger,
    private readonly leaseMs = SEND_SLOT_LEASE_MS,
  ) {}

  acquire(recipientId: string, signal?: { aborted: boolean }): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new Error('aborted'));
    return new Promise((resolve, reject) => {
      this.queue.push({ recipient: recipientId, signal, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.pumping) return;
    this.pumping = true;
    void this.pump().finally(() => {
      this.pumping = false;
      if (this.queue.length > 0) this.kick();
    });
  }

  /** Asks for slots for the waiting sends, one statement at a time, until none wait. */
  private async pump(): Promise<void> {
    while (this.queue.length > 0) {
      for (const w of this.queue.filter((x) => x.signal?.aborted)) {
        this.queue.splice(this.queue.indexOf(w), 1);
        w.reject(new Error('aborted'));
      }
      const now = Date.now();
      if (this.appGateUntil > now) {
        await sleep(Math.min(this.appGateUntil - now, MAX_NAP_MS));
        continue;
      }
      const ready = this.queue.filter((w) => (this.recipientGates.get(w.recipient) ?? 0) <= now).slice(0, BATCH);
      if (ready.length === 0) {
        const next = Math.min(...this.queue.map((w) => this.recipientGates.get(w.recipient) ?? now));
        await sleep(Math.max(1, Math.min(next - now, MAX_NAP_MS)));
        continue;
      }
      await this.attempt(ready);
    }
  }

  private async attempt(ready: Waiter[]): Promise<void> {
    const { perSecond, perMinute, perRecipientPerSecond } = this.limits;
    const t0 = performance.now();
    const sent = Date.now();
    let rows: { i: number | null; slot_id: string | null; wait_ms: number }[];
    try {
      ({ rows } = await this.db.query<{ i: number | null; slot_id: string | null; wait_ms: number }>(
        'SELECT i, slot_id, wait_ms FROM feishu_send_acquire($1::text[], $2::int, $3::int, $4::int, $5::int)',
        [ready.map((w) => w.recipient), perSecond, perMinute, perRecipientPerSecond, this.leaseMs],
      ));
    } catch (err) {
      // The database is unreachable: nothing is sent, and the attempt is made again shortly.
      this.log.warn({ err }, 'outbox: could not take send slots');
      this.appGateUntil = Date.now() + 500;
      return;
    } finally {
      this.stats.acquireCalls++;
      this.stats.roundTripMs += performance.now() - t0;
    }
    // Waits count from when the statement was sent: the database read its clock later than that, so the next
    // attempt comes at the earliest moment it can succeed (too early at worst, which costs one more statement).
    const now = sent;
    for (const row of rows) {
      if (row.i === null) {
        this.appGateUntil = now + Math.max(1, row.wait_ms);
        continue;
      }
      const w = ready[row.i - 1]!;
      if (row.slot_id === null) {
        this.recipientGates.set(w.recipient, now + Math.max(1, row.wait_ms));
        continue;
      }
      const slot = row.slot_id;
      this.queue.splice(this.queue.indexOf(w), 1);
      this.recipientGates.delete(w.recipient);
      this.track(slot);
      this.stats.granted++;
      w.resolve(() => this.release(slot, performance.now() - t0));
    }
  }

  /** `elapsedMs`: from sending the statement that granted the slot until now, after the response. */
  private release(slot: string, elapsedMs: number): void {
    this.inFlight.delete(slot);
    const t0 = performance.now();
    this.db.query('SELECT feishu_send_release($1::bigint, $2::float8)', [slot, elapsedMs]).then(
      () => {
        this.stats.releaseCalls++;
        this.stats.roundTripMs += performance.now() - t0;
      },
      // The slot then counts until its lease ends: later than needed, never too early.
      (err: unknown) => this.log.warn({ err }, 'outbox: could not release a send slot'),
    );
  }

  private track(slot: string): void {
    this.inFlight.add(slot);
    if (this.renewTimer) return;
    this.renewTimer = setInterval(() => void this.renew(), RENEW_EVERY_MS);
    this.renewTimer.unref();
  }

  /** Keeps the slots of requests still in flight counting; stops when none are. */
  private async renew(): Promise<void> {
    if (this.inFlight.size === 0) {
      clearInterval(this.renewTimer);
      this.renewTimer = undefined;
      return;
    }
    const slots = [...this.inFlight];
    try {
      await this.db.query('SELECT feishu_send_renew($1::bigint[], $2::int)', [slots, this.leaseMs]);
      this.stats.renewCalls++;
    } catch (err) {
      this.log.warn({ err }, 'outbox: could not renew send slots');
    }
  }
}

/**
 * The limiter for this database: shared through the database on PostgreSQL, where several instances may send;
 * in-process on the embedded database, which one process owns. On PostgreSQL it is always the shared one, however
 * the database was opened: a limiter per process there would let N instances send N times Feishu's limits.
 */
export function createSendLimiter(
  database: Pick<Database, 'kind' | 'openPool'>,
  config: Config,
  log: Logger,
): SendLimiter {
  const limits: RateLimits = {
    perSecond: config.FEISHU_SEND_RATE_PER_SECOND,
    perMinute: config.FEISHU_SEND_RATE_PER_MINUTE,
    perRecipientPerSecond: config.FEISHU_RECIPIENT_RATE_PER_SECOND,
  };
  if (database.kind !== 'postgres') return new SendRateLimiter(limits);
  if (!database.openPool) throw new Error('a PostgreSQL database without a way to open connections of its own');
  // A connection of its own: a slot's statements do not queue behind the outbox's other work, so a slot is not held
  // longer than its send. One connection keeps them in order (a renewal never lands after its slot's release).
  const pool = database.openPool({ max: 1, idleTimeoutMillis: 5_000 });
  pool.on('error', (err) => log.warn({ err }, 'outbox: the send-slot connection failed; it is reopened when needed'));
  return new SharedSendRateLimiter(pool, limits, log);
}
