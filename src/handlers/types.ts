/**
 * What a handler is: it receives one stored event whose payload its schema has parsed, looks up what it needs,
 * and returns an `Outcome` whose `commit` runs in the transaction that marks the event processed.
 */
import type { z } from 'zod';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { Tx } from '../db/tx.js';
import type { NotificationDraft } from '../domain/draft.js';
import type { StoredEvent } from '../domain/event.js';
import type { Source } from '../domain/sources.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';

/** What a handler is given; `payload` is the stored payload as its schema parsed it. */
export interface HandlerContext<P = unknown> {
  event: StoredEvent;
  payload: P;
  db: Db;
  log: Logger;
  config: Config;
  services: Services;
  /**
   * Says why the event sends nothing (stale, not for the bot, nothing to announce): recorded with the event for
   * people looking at the queue. The last call wins.
   */
  note: (why: string) => void;
}

/**
 * What a handler decided. `commit` runs inside the transaction that marks the event processed, with the
 * notifications it returns written in that same transaction: a crash leaves either nothing or everything.
 * Work that talks to other systems (lookups) belongs before, in the handler body, never in `commit`.
 */
export interface Outcome {
  commit?: (tx: Tx) => Promise<NotificationDraft[] | void>;
}

/** A handler as the worker calls it: the registry has validated the payload (or thrown `InvalidPayload`). */
export type Handler = (ctx: Omit<HandlerContext, 'payload'>) => Promise<Outcome>;

/** A handler as written: its typed payload. */
export type TypedHandler<P> = (ctx: HandlerContext<P>) => Promise<Outcome>;

/** One entry of the registry: the event type a handler takes, and the schema its payload must fit. */
export interface Registration<S extends z.ZodType = z.ZodType> {
  source: Source;
  eventType: string;
  schema: S;
  handle(ctx: HandlerContext<z.output<S>>): Promise<Outcome>;
}

/** Declares a handler for each of `eventTypes`, typed by its schema. */
export function handles<S extends z.ZodType>(
  source: Source,
  eventTypes: string | readonly string[],
  schema: S,
  handle: TypedHandler<z.output<S>>,
): Registration<S>[] {
  return (typeof eventTypes === 'string' ? [eventTypes] : eventTypes).map((eventType) => ({
    source,
    eventType,
    schema,
    handle,
  }));
}
