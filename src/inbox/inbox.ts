import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/index.js';
import { PayloadTooDeep } from '../domain/errors.js';
import {
  MAX_JSON_DEPTH,
  jsonTextDepth,
  jsonTextStorable,
  storablePayload,
  storableString,
  valueDepth,
} from '../util/jsonb-safe.js';

export type Source = 'feishu' | 'alm' | 'qingsuyun';

export interface NewInboundEvent {
  source: Source;
  externalId: string;
  eventType: string;
  payload: unknown;
  /**
   * The JSON text `payload` was parsed from, when the receiver has it: it is stored as it is (unless it holds what
   * `jsonb` cannot), which spares serialising the payload again. Must be exactly the text of `payload`.
   */
  payloadJson?: string;
  /** 'ignored' records an event the bot has no handler for; it is stored but never processed. */
  status?: 'pending' | 'ignored';
}

export interface AcceptResult {
  id: string | undefined;
  duplicate: boolean;
}

// Each row's id is drawn here, so the statement returns only the ids of the rows it inserted (a row skipped as a
// duplicate keeps an id nobody sees) and the waiters are matched by id: a smaller answer to build, send back from
// the database thread and read than one carrying every row's source and external id (about a tenth of the
// embedded database's CPU time per row, measured on the intake's insert in batches of 50).
const INSERT_BATCH = `
  INSERT INTO inbound_event (id, source, external_id, event_type, payload, payload_raw, status)
  SELECT id, source, external_id, event_type, payload, payload_raw, status
    FROM jsonb_to_recordset($1::jsonb)
      AS r(id uuid, source text, external_id text, event_type text, payload jsonb, payload_raw text, status text)
  ON CONFLICT (source, external_id) DO NOTHING
  RETURNING id`;

/**
 * A write of this many events or more means they arrive faster than the database stores them one insert at a time.
 * Events that arrive more slowly than that are written one or a few at a time, even when an insert waits behind a
 * transaction of the worker's (a few milliseconds); a flood fills writes of tens (20 to 50 under the intake bench).
 */
export const CROWDED_BATCH = 8;

interface Waiter {
  event: NewInboundEvent;
  /** The id the row gets if this event is inserted. */
  id: string;
  resolve: (r: AcceptResult) => void;
  reject: (e: unknown) => void;
}

/**
 * The durable inbox. `accept` resolves only once the event is committed (or known to be a duplicate of one that
 * is), so the caller may acknowledge it. Concurrent requests are group-committed: everything that arrives while
 * one insert is running goes into the next single multi-row insert. A batch the database refuses is split in halves
 * and retried, down to single rows, so a row that cannot be stored fails alone and its neighbours are stored.
 *
 * Strings `jsonb` cannot hold (NUL, lone surrogates) are replaced by U+FFFD in the stored payload, and the payload as
 * it came is kept in `payload_raw`; a payload nested deeper than MAX_JSON_DEPTH is refused (PayloadTooDeep).
 */
export class Inbox extends EventEmitter {
  private queue: Waiter[] = [];
  private inFlight = 0;
  private scheduled = false;
  /** When a write last carried a crowd (CROWDED_BATCH events or more): events arriving faster than one insert. */
  private lastCrowdAt = 0;

  constructor(
    private readonly db: Pick<Database, 'query'>,
    private readonly opts: { maxBatch?: number; maxConcurrentWrites?: number } = {},
  ) {
    super();
  }

  accept(event: NewInboundEvent): Promise<AcceptResult> {
    const depth =
      event.payloadJson === undefined
        ? valueDepth(event.payload, MAX_JSON_DEPTH)
        : jsonTextDepth(event.payloadJson, MAX_JSON_DEPTH);
    if (depth > MAX_JSON_DEPTH) {
      return Promise.reject(new PayloadTooDeep(MAX_JSON_DEPTH));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ event, id: randomUUID(), resolve, reject });
      // Flush on the next turn of the event loop, so every request read in this turn shares one insert
      // (PGlite answers synchronously; flushing at once would commit each request on its own).
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  /**
   * Resolves once no write has carried a crowd for `quietMs`, or after `maxWaitMs` at the latest. The inbox worker
   * awaits it before each slice of its work on a single-session database. During a flood (events arriving faster
   * than an insert takes, so that they pile up into large writes) acknowledgements come first and processing still
   * gets a share of the database; a steady stream whose events are written a few at a time does not hold processing
   * back, and after a flood processing runs at full speed.
   */
  uncrowded(quietMs: number, maxWaitMs: number): Promise<void> {
    const deadline = Date.now() + maxWaitMs;
    return new Promise((resolve) => {
      const check = () => {
        const now = Date.now();
        const quietAt = this.lastCrowdAt + quietMs;
        if (now >= quietAt || now >= deadline) return resolve();
        setTimeout(check, Math.min(quietAt, deadline) - now);
      };
      check();
    });
  }

  acceptMany(events: NewInboundEvent[]): Promise<AcceptResult[]> {
    return Promise.all(events.map((e) => this.accept(e)));
  }

  private pump(): void {
    const maxConcurrent = this.opts.maxConcurrentWrites ?? 1;
    const maxBatch = this.opts.maxBatch ?? 500;
    while (this.queue.length > 0 && this.inFlight < maxConcurrent) {
      const batch = this.queue.splice(0, maxBatch);
      if (batch.length >= CROWDED_BATCH) this.lastCrowdAt = Date.now();
      this.inFlight++;
      void this.writeOrSplit(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** Writes the batch; when the database refuses it, each half on its own, down to the single row that fails. */
  private async writeOrSplit(batch: Waiter[]): Promise<void> {
    try {
      await this.write(batch);
    } catch (e) {
      if (batch.length === 1) {
        batch[0]!.reject(e);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await this.writeOrSplit(batch.slice(0, half));
      await this.writeOrSplit(batch.slice(half));
    }
  }

  private async write(batch: Waiter[]): Promise<void> {
    // One parameter for the whole batch (a JSON array), so the cost of a write barely grows with its size.
    const inserted = await this.db.query<{ id: string }>(INSERT_BATCH, [`[${batch.map(rowJson).join(',')}]`]);
    const ids = new Set(inserted.map((r) => r.id));
    let wake = false;
    for (const w of batch) {
      // The same event twice in one batch: the first row is inserted, the others are skipped as duplicates.
      const id = ids.has(w.id) ? w.id : undefined;
      if (id !== undefined && (w.event.status ?? 'pending') === 'pending') wake = true;
      w.resolve({ id, duplicate: id === undefined });
    }
    if (wake) this.emit('accepted');
  }
}

/** One row of the batch parameter as JSON text: the payload's own text where it has it and `jsonb` can hold it. */
function rowJson({ event, id }: Waiter): string {
  const columns = {
    id,
    source: event.source,
    external_id: storableString(event.externalId),
    event_type: storableString(event.eventType),
    status: event.status ?? 'pending',
  };
  if (event.payloadJson !== undefined && jsonTextStorable(event.payloadJson)) {
    return `${JSON.stringify(columns).slice(0, -1)},"payload_raw":null,"payload":${event.payloadJson}}`;
  }
  const { value, raw } = storablePayload(event.payload);
  return JSON.stringify({ ...columns, payload: value, payload_raw: raw ?? null });
}
