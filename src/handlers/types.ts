import type { Prisma } from '../generated/prisma/client.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import type { Config } from '../config.js';
import type { Services } from '../services/index.js';

export type Tx = Prisma.TransactionClient;

export type ReceiveIdType = 'open_id' | 'user_id' | 'union_id' | 'email' | 'chat_id';

export type Role = 'learner' | 'manager' | 'chat' | 'user' | 'admin';

/** A message a handler decides to send. `key` is unique within the event; it makes the send idempotent. */
export interface NotificationDraft {
  key: string;
  /** The notification kind (completions, exams, enrollments, checkins, tickets, seats, failures, onboarding, reply, ...). */
  kind: string;
  role?: Role;
  receiveIdType: ReceiveIdType;
  /** Empty while `waitFor` is set. */
  receiveId: string;
  /** "<source>:<external user id>" of a learner not yet found in Feishu: the message waits for them. */
  waitFor?: string;
  /** What the message is about (e.g. "ticket:<id>"), to find it again for an update. */
  subject?: string;
  card?: Record<string, unknown>;
  /** A plain text message instead of a card. */
  text?: string;
  /** A copy of the news for the group chats routed for this kind (a team feed). */
  feedCard?: Record<string, unknown>;
}

/**
 * Thrown by a handler whose work cannot be done yet (an API budget is spent until `until`). The event goes back
 * to pending until then, without counting as a failed attempt: it waits, it is not dropped.
 */
export class RetryLater extends Error {
  constructor(
    readonly until: Date,
    reason: string,
  ) {
    super(reason);
  }
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
  services: Services;
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
