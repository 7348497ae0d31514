import type { Prisma } from '../generated/prisma/client.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import type { Config } from '../config.js';

export type Tx = Prisma.TransactionClient;

export type ReceiveIdType = 'open_id' | 'user_id' | 'union_id' | 'email' | 'chat_id';

/** A message a handler decides to send. `key` is unique within the event; it makes the send idempotent. */
export interface NotificationDraft {
  key: string;
  kind: string;
  receiveIdType: ReceiveIdType;
  receiveId: string;
  card: Record<string, unknown>;
}

export interface StoredEvent {
  id: string;
  source: string;
  externalId: string;
  eventType: string;
  payload: unknown;
  receivedAt: Date;
}

export interface HandlerContext {
  event: StoredEvent;
  db: Db;
  log: Logger;
  config: Config;
}

/**
 * What a handler decided. `commit` runs inside the transaction that marks the event processed, with the
 * notifications it returns written in that same transaction: a crash leaves either nothing or everything.
 * Work that talks to other systems (lookups) belongs before, in the handler body, never in `commit`.
 */
export interface Outcome {
  commit?: (tx: Tx) => Promise<NotificationDraft[] | void>;
}

export type Handler = (ctx: HandlerContext) => Promise<Outcome>;
