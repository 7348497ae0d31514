import { randomUUID } from 'node:crypto';
import { Prisma } from '../generated/prisma/client.js';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import type { HandlerRegistry } from '../handlers/registry.js';
import { RetryLater, type StoredEvent } from '../handlers/types.js';
import { enqueueNotifications } from '../outbox/enqueue.js';
import { backoffDelay } from '../util/backoff.js';
import { BackgroundLoop } from '../util/loop.js';

const LEASE_SECONDS = 60;
/** How long the worker processes events before it gives way to intake again (when it has a `pace`). */
const SLICE_MS = 20;

interface ClaimedRow {
  id: string;
  source: string;
  external_id: string;
  event_type: string;
  payload: unknown;
  attempts: number;
  received_at: Date;
}

/**
 * Processes stored events, never in the request. Each event is claimed with a lease (FOR UPDATE SKIP LOCKED, so
 * several bot instances share one database), handled, and marked processed in the transaction that writes the
 * handler's notifications. A handler that throws is retried with backoff, then marked failed with the reason.
 */
export class InboxWorker {
  readonly workerId = `inbox-${randomUUID().slice(0, 8)}`;
  private readonly loop = new BackgroundLoop(
    () => this.processBatch(),
    (outcome) => {
      if (!outcome.ok) this.deps.log.error({ err: outcome.error }, 'inbox worker: batch failed');
      return outcome.ok && outcome.value > 0 ? 0 : this.deps.config.WORKER_POLL_MS;
    },
  );
  private onProcessed: (() => void) | undefined;

  constructor(
    private readonly deps: {
      db: Db;
      handlers: HandlerRegistry;
      log: Logger;
      config: Config;
      services: Services;
      batchSize?: number;
      /**
       * Awaited before each slice of work (see SLICE_MS). On the embedded database, which has one session, it waits
       * (for a bounded time) while events keep arriving, so acknowledgements are not held up by processing.
       */
      pace?: () => Promise<void>;
    },
  ) {}

  /** Called after events were processed (the outbox dispatcher uses it to wake up). */
  set processedListener(fn: () => void) {
    this.onProcessed = fn;
  }

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  /** Stops claiming; resolves when the events in hand are finished. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Claims and processes one batch; returns how many events it handled. */
  async processBatch(): Promise<number> {
    const { pace } = this.deps;
    await pace?.();
    const rows = await this.claim(this.deps.batchSize ?? 50);
    let slice = Date.now();
    for (const row of rows) {
      if (pace && Date.now() - slice >= SLICE_MS) {
        await pace();
        slice = Date.now();
      } else {
        // Let intake run between events.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await this.processOne(row);
    }
    if (rows.length > 0) this.onProcessed?.();
    return rows.length;
  }

  /**
   * Claims up to `limit` events: first any whose lease expired (their worker died), then the oldest due pending
   * ones. Each lookup follows the (status, available_at) index, so a large backlog costs no sort.
   */
  private async claim(limit: number): Promise<ClaimedRow[]> {
    const expired = await this.claimWhere(Prisma.sql`status = 'processing' AND locked_until < now()`, Prisma.sql`locked_until`, limit);
    if (expired.length >= limit) return expired;
    const due = await this.claimWhere(Prisma.sql`status = 'pending' AND available_at <= now()`, Prisma.sql`available_at`, limit - expired.length);
    return [...expired, ...due];
  }

  private claimWhere(where: Prisma.Sql, order: Prisma.Sql, limit: number): Promise<ClaimedRow[]> {
    return this.deps.db.$queryRaw<ClaimedRow[]>`
      UPDATE inbound_event e
         SET status = 'processing', locked_by = ${this.workerId},
             locked_until = now() + make_interval(secs => ${LEASE_SECONDS}), attempts = e.attempts + 1
        FROM (SELECT id FROM inbound_event WHERE ${where} ORDER BY ${order} LIMIT ${limit} FOR UPDATE SKIP LOCKED) c
       WHERE e.id = c.id
   RETURNING e.id, e.source, e.external_id, e.event_type, e.payload, e.attempts, e.received_at`;
  }

  private async processOne(row: ClaimedRow): Promise<void> {
    const { db, handlers, config, services } = this.deps;
    const event: StoredEvent = {
      id: row.id,
      source: row.source,
      externalId: row.external_id,
      eventType: row.event_type,
      payload: row.payload,
      receivedAt: row.received_at,
    };
    const log = this.deps.log.child({ source: event.source, eventId: event.externalId, eventType: event.eventType });
    const handler = handlers.get(event.source, event.eventType);
    try {
      if (!handler) {
        await this.finish(event.id, 'ignored', null);
        return;
      }
      const outcome = await handler({ event, db, log, config, services });
      const sent = await db.$transaction(async (tx) => {
        const drafts = (await outcome.commit?.(tx)) ?? [];
        const written = await enqueueNotifications(tx, event, drafts);
        const marked = await tx.inboundEvent.updateMany({
          where: { id: event.id, lockedBy: this.workerId },
          data: { status: 'processed', processedAt: new Date(), lockedBy: null, lockedUntil: null, lastError: null },
        });
        if (marked.count !== 1) throw new LeaseLost(event.id);
        return written;
      });
      log.info({ notifications: sent }, 'event processed');
    } catch (err) {
      if (err instanceof LeaseLost) {
        log.warn('lease lost while processing; another worker owns the event now');
        return;
      }
      if (err instanceof RetryLater) {
        await this.postpone(event.id, err, log);
        return;
      }
      await this.fail(event.id, row.attempts, err, log);
    }
  }

  private async finish(id: string, status: 'ignored', lastError: string | null): Promise<void> {
    await this.deps.db.inboundEvent.updateMany({
      where: { id, lockedBy: this.workerId },
      data: { status, processedAt: new Date(), lockedBy: null, lockedUntil: null, lastError },
    });
  }

  /** Waits for what the handler needs (an API budget), without counting it as a failed attempt. */
  private async postpone(id: string, err: RetryLater, log: Logger): Promise<void> {
    await this.deps.db.inboundEvent.updateMany({
      where: { id, lockedBy: this.workerId },
      data: { status: 'pending', lastError: err.message.slice(0, 2000), lockedBy: null, lockedUntil: null, availableAt: err.until, attempts: { decrement: 1 } },
    });
    log.info({ until: err.until.toISOString(), reason: err.message }, 'event postponed');
  }

  private async fail(id: string, attempts: number, err: unknown, log: Logger): Promise<void> {
    const reason = err instanceof Error ? err.message : String(err);
    const giveUp = attempts >= this.deps.config.INBOX_MAX_ATTEMPTS;
    const delay = backoffDelay(attempts, { baseMs: 1000, capMs: 10 * 60_000 });
    await this.deps.db.inboundEvent.updateMany({
      where: { id, lockedBy: this.workerId },
      data: giveUp
        ? { status: 'failed', lastError: reason.slice(0, 2000), lockedBy: null, lockedUntil: null, processedAt: new Date() }
        : { status: 'pending', lastError: reason.slice(0, 2000), lockedBy: null, lockedUntil: null, availableAt: new Date(Date.now() + delay) },
    });
    if (giveUp) log.error({ err, attempts }, 'event failed for good');
    else log.warn({ err, attempts, retryInMs: delay }, 'event processing failed; will retry');
  }
}

class LeaseLost extends Error {
  constructor(id: string) {
    super(`lease lost on event ${id}`);
  }
}
