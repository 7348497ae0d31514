import type { Config } from '../config.js';
import type { Database, Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import { sleep } from '../util/sleep.js';
import { SendRateLimiter, type RateLimits, type SendLimiter } from './rate-limiter.js';

/**
 * How long a send slot counts as in flight when its holder never reports the response (it died): longer than the
 * HTTP timeout of a send (15 s), so the request cannot reach Feishu after its slot stopped counting.
 */
export const SEND_SLOT_LEASE_MS = 30_000;
/** The longest a waiting send sleeps before it looks again (so a stopping dispatcher is not held up). */
const MAX_NAP_MS = 200;

type Attempt = { slot: bigint } | { wait: number; blocked: 'app' | 'recipient' };

/**
 * Feishu's send limits (50/s and 1000/min per app, 5/s per recipient) held by every instance on one PostgreSQL
 * database together: leased send slots in the table `feishu_send_slot`.
 *
 * The rule is the in-process limiter's (SendRateLimiter), kept in the database: a slot is taken before a request is
 * issued and counts in each window until `window` after the response. One SQL function (`feishu_send_acquire`)
 * takes a transaction-scoped advisory lock, counts the slots of the last second and minute (and the recipient's),
 * and inserts a row or says how long to wait; another (`feishu_send_release`) stamps the response time. A request
 * reaches Feishu between the two, so any two requests `limit` slots apart are a full window apart on Feishu's clock
 * too. Only the database's clock is read, so clocks that differ between hosts do not matter. A slot whose holder
 * dies counts until its lease ends (SEND_SLOT_LEASE_MS), which is later than any response could arrive.
 *
 * Cost per send: one `feishu_send_acquire` and one `feishu_send_release` statement when a slot is free. When a
 * limit is full, each instance makes one attempt at a time and the others in it wait for the time it was told
 * (a local gate), so waiting sends do not poll the database.
 */
export class SharedSendRateLimiter implements SendLimiter {
  private appGateUntil = 0;
  private readonly recipientGates = new Map<string, number>();
  private turn: Promise<unknown> = Promise.resolve();
  /** Statements sent and their round-trip time, for the benchmark. */
  readonly stats = { acquireCalls: 0, releaseCalls: 0, roundTripMs: 0 };

  constructor(
    private readonly db: Db,
    private readonly limits: RateLimits,
    private readonly log: Logger,
    private readonly leaseMs = SEND_SLOT_LEASE_MS,
  ) {}

  async acquire(recipientId: string, signal?: { aborted: boolean }): Promise<() => void> {
    for (;;) {
      if (signal?.aborted) throw new Error('aborted');
      const gate = Math.max(this.appGateUntil, this.recipientGates.get(recipientId) ?? 0);
      const now = Date.now();
      if (gate > now) {
        await sleep(Math.min(gate - now, MAX_NAP_MS));
        continue;
      }
      this.recipientGates.delete(recipientId);
      // One attempt at a time per instance; an attempt queued behind one that found the app full waits instead.
      const r = await this.serial(() => (Date.now() < this.appGateUntil ? undefined : this.attempt(recipientId)));
      if (!r) continue;
      if ('slot' in r) return () => this.release(r.slot);
      const until = Date.now() + r.wait;
      if (r.blocked === 'app') this.appGateUntil = Math.max(this.appGateUntil, until);
      else this.recipientGates.set(recipientId, until);
    }
  }

  private serial<T>(fn: () => Promise<T> | T): Promise<T> {
    const p = this.turn.then(fn);
    this.turn = p.catch(() => {});
    return p;
  }

  private async attempt(recipientId: string): Promise<Attempt> {
    const { perSecond, perMinute, perRecipientPerSecond } = this.limits;
    const t0 = performance.now();
    try {
      const [row] = await this.db.$queryRaw<{ slot_id: bigint | null; wait_ms: number; blocked: string | null }[]>`
        SELECT slot_id, wait_ms, blocked
          FROM feishu_send_acquire(${recipientId}, ${perSecond}::int, ${perMinute}::int, ${perRecipientPerSecond}::int,
                                   ${this.leaseMs}::int)`;
      if (row?.slot_id != null) return { slot: row.slot_id };
      return { wait: Math.max(1, row?.wait_ms ?? 10), blocked: row?.blocked === 'recipient' ? 'recipient' : 'app' };
    } catch (err) {
      // The database is unreachable: nothing is sent, and the attempt is made again shortly.
      this.log.warn({ err }, 'outbox: could not take a send slot');
      return { wait: 500, blocked: 'app' };
    } finally {
      this.stats.acquireCalls++;
      this.stats.roundTripMs += performance.now() - t0;
    }
  }

  private release(slot: bigint): void {
    const t0 = performance.now();
    this.db.$executeRaw`SELECT feishu_send_release(${slot}::bigint)`.then(
      () => {
        this.stats.releaseCalls++;
        this.stats.roundTripMs += performance.now() - t0;
      },
      // The slot then counts until its lease ends: later than needed, never too early.
      (err: unknown) => this.log.warn({ err }, 'outbox: could not release a send slot'),
    );
  }
}

/**
 * The limiter for this database: shared through the database on PostgreSQL, where several instances may send;
 * in-process on the embedded database, which one process owns.
 */
export function createSendLimiter(database: Pick<Database, 'kind' | 'prisma'>, config: Config, log: Logger): SendLimiter {
  const limits: RateLimits = {
    perSecond: config.FEISHU_SEND_RATE_PER_SECOND,
    perMinute: config.FEISHU_SEND_RATE_PER_MINUTE,
    perRecipientPerSecond: config.FEISHU_RECIPIENT_RATE_PER_SECOND,
  };
  return database.kind === 'postgres' ? new SharedSendRateLimiter(database.prisma, limits, log) : new SendRateLimiter(limits);
}
