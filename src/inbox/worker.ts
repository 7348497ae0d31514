import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import type { HandlerRegistry } from '../handlers/registry.js';
import type { StoredEvent } from '../domain/event.js';
import { isCoded, RetryLater } from '../domain/errors.js';
import { LEASE_SECONDS, RENEW_EVERY_MS } from '../domain/status.js';
import { enqueueNotifications } from '../outbox/enqueue.js';
import { backoffDelay } from '../util/backoff.js';
import { LeaseLoop } from '../util/lease-loop.js';
import type { Waker } from '../util/sleep.js';
import {
  claimEvents,
  failEvent,
  markEventIgnored,
  markEventProcessed,
  postponeEvent,
  renewEventLeases,
  retryEventLater,
  type ClaimedEvent,
} from './store.js';

/** How long the worker processes events before it gives way to intake again (when it has a `pace`). */
const SLICE_MS = 20;

export interface InboxWorkerDeps {
  db: Db;
  handlers: HandlerRegistry;
  log: Logger;
  config: Config;
  services: Services;
  batchSize?: number;
  /**
   * Awaited before each slice of work (see SLICE_MS). On the embedded database, which has one session, it waits
   * (for a bounded time) while a flood of events keeps arriving, so acknowledgements are not held up by processing.
   */
  pace?: () => Promise<void>;
  /** What wakes the worker besides its poll (an event was stored); created by whoever wires the bot. */
  waker?: Waker;
  /** Called after a batch of events was processed (the outbox dispatcher's wake). */
  onProcessed?: () => void;
  /** How long a claim holds an event, renewed every `renewEveryMs` while it is in hand (handler included). */
  leaseSeconds?: number;
  renewEveryMs?: number;
}

/**
 * Processes stored events, never in the request. Each event is claimed with a short lease (FOR UPDATE SKIP LOCKED,
 * so several bot instances share one database), renewed while the batch is in hand, so a crashed instance's events
 * are taken over within seconds; it is handled, and marked processed in the transaction that writes the handler's
 * notifications. A handler that throws is retried with backoff, then marked failed with the reason; an error that
 * says retrying cannot help (a payload that fails its schema) fails the event at once. Status changes go through
 * the inbox store (src/inbox/store.ts).
 */
export class InboxWorker {
  readonly workerId = `inbox-${randomUUID().slice(0, 8)}`;
  private readonly loop: LeaseLoop<ClaimedEvent>;
  /** When the current slice of work began (see SLICE_MS). */
  private slice = 0;

  constructor(private readonly deps: InboxWorkerDeps) {
    const leaseSeconds = deps.leaseSeconds ?? LEASE_SECONDS;
    this.loop = new LeaseLoop<ClaimedEvent>({
      claim: async (limit) => {
        await deps.pace?.();
        this.slice = Date.now();
        return claimEvents(deps.db, this.workerId, limit, leaseSeconds);
      },
      handle: (row) => this.processOne(row),
      renew: () => renewEventLeases(deps.db, this.workerId, leaseSeconds),
      batchSize: deps.batchSize ?? 50,
      concurrency: 1,
      pollMs: deps.config.WORKER_POLL_MS,
      renewEveryMs: deps.renewEveryMs ?? RENEW_EVERY_MS,
      waker: deps.waker,
      between: () => this.between(),
      afterBatch: () => deps.onProcessed?.(),
      onError: (what, err) => deps.log.error({ err }, `inbox worker: ${what} failed`),
    });
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
  processBatch(): Promise<number> {
    return this.loop.runOnce();
  }

  /** Between two events: intake runs first (a slice at a time with a `pace`, else one turn of the event loop). */
  private async between(): Promise<void> {
    const { pace } = this.deps;
    if (pace && Date.now() - this.slice >= SLICE_MS) {
      await pace();
      this.slice = Date.now();
    } else {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async processOne(row: ClaimedEvent): Promise<void> {
    const { db, handlers, config, services } = this.deps;
    const event: StoredEvent = {
      id: row.id,
      source: row.source,
      externalId: row.externalId,
      eventType: row.eventType,
      payload: row.payload,
      receivedAt: row.receivedAt,
    };
    const log = this.deps.log.child({ source: event.source, eventId: event.externalId, eventType: event.eventType });
    const handler = handlers.get(event.source, event.eventType);
    try {
      if (!handler) {
        await markEventIgnored(db, event.id, this.workerId);
        return;
      }
      let note: string | undefined;
      const outcome = await handler({ event, db, log, config, services, note: (why) => (note = why) });
      const sent = await db.$transaction(async (tx) => {
        const drafts = (await outcome.commit?.(tx)) ?? [];
        const written = await enqueueNotifications(tx, event, drafts);
        const why = note ?? (written > 0 ? null : nothingSent(drafts.length));
        if (!(await markEventProcessed(tx, event.id, this.workerId, why))) throw new LeaseLost(event.id);
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

  /** Waits for what the handler needs (an API budget), without counting it as a failed attempt. */
  private async postpone(id: string, err: RetryLater, log: Logger): Promise<void> {
    await postponeEvent(this.deps.db, id, this.workerId, err.until, err.message);
    log.info({ until: err.until.toISOString(), reason: err.message }, 'event postponed');
  }

  private async fail(id: string, attempts: number, err: unknown, log: Logger): Promise<void> {
    const reason = err instanceof Error ? err.message : String(err);
    // An error that says retrying cannot help (a payload that fails its schema) fails the event at once.
    const hopeless = isCoded(err) && !err.retryable;
    if (hopeless || attempts >= this.deps.config.INBOX_MAX_ATTEMPTS) {
      await failEvent(this.deps.db, id, this.workerId, reason);
      if (hopeless) log.error({ code: err.code, reason }, 'event failed: retrying cannot help');
      else log.error({ err, attempts }, 'event failed for good');
      return;
    }
    const delay = backoffDelay(attempts, { baseMs: 1000, capMs: 10 * 60_000 });
    await retryEventLater(this.deps.db, id, this.workerId, delay, reason);
    log.warn({ err, attempts, retryInMs: delay }, 'event processing failed; will retry');
  }
}

/** Why an event that wrote no message sent nothing, when its handler did not say. */
function nothingSent(drafts: number): string {
  return drafts === 0
    ? 'nothing to send: the event called for no message'
    : 'nothing sent: every message it called for was switched off, muted or already written';
}

class LeaseLost extends Error {
  constructor(id: string) {
    super(`lease lost on event ${id}`);
  }
}
