/**
 * Every key the bot assembles from parts, with its parser: built here and nowhere else, so a reader finds each
 * format once and a builder and its parser cannot drift apart.
 */
import { isSource, type Source } from './sources.js';

/**
 * A learner as a source knows them: `<source>:<external user id>`. Notifications waiting for a learner not yet
 * found in Feishu carry it in `wait_for`.
 */
export const learnerKey = (source: string, externalUserId: string): string => `${source}:${externalUserId}`;

export function parseLearnerKey(key: string): { source: Source; externalUserId: string } | null {
  const sep = key.indexOf(':');
  if (sep < 0) return null;
  const source = key.slice(0, sep);
  return isSource(source) ? { source, externalUserId: key.slice(sep + 1) } : null;
}

/** The subject of every notification about one learning record (`record:<id>`): finds them again for a click. */
export const recordSubject = (recordId: string): string => `record:${recordId}`;

export function parseRecordSubject(subject: string | null | undefined): string | null {
  return subject?.startsWith('record:') ? subject.slice('record:'.length) : null;
}

/** The subject of every copy of a helpdesk ticket's card (`ticket:<id>`): an update or a claim patches them all. */
export const ticketSubject = (ticketId: string): string => `ticket:${ticketId}`;

const NOTIFY_PREFIX = 'notify.';

/** The setting that switches a notification kind on or off for everyone (`notify.<kind>`). */
export const notifySettingKey = (kind: string): string => `${NOTIFY_PREFIX}${kind}`;

export function parseNotifySettingKey(key: string): string | null {
  return key.startsWith(NOTIFY_PREFIX) ? key.slice(NOTIFY_PREFIX.length) : null;
}

/*
 * Idempotency: one pattern for an event, a chat message and a card click.
 *
 * Each cause of work has a stable key, and its effects are written in ONE transaction together with a row that is
 * unique on that key. Running the same cause again (a redelivery, a worker that died after the effect, two
 * instances racing on an expired lease) finds that row, or hits its unique constraint, and returns what the first
 * run decided instead of doing anything twice. Outgoing messages carry a dedupe key derived from the cause, and the
 * Feishu `uuid` is derived from that dedupe key, so even a resend after a crash posts at most one message.
 *
 *   cause            key                                     row unique on the key         what a rerun gets
 *   stored event     (source, external id): eventScope       inbound_event (processed)     nothing: already done
 *   chat command     the message's inbound event id          audit_log.request_id          the stored reply
 *   card click       clickKey / congratulationKey            card_action.action_key        the stored result
 *   any message      dedupeKey(scope, draft key)             notification.dedupe_key       skipped on insert
 */

/** What a stored event's effects are scoped by (`<source>:<external event id>`): its notifications' dedupe keys. */
export const eventScope = (source: string, externalId: string): string => `${source}:${externalId}`;

/** A notification's dedupe key: unique per scope (an event, a click) and draft key, so a rerun writes nothing twice. */
export const dedupeKey = (scope: string, draftKey: string): string => `${scope}:${draftKey}`;

/** One click, as Feishu identifies it: a redelivery of the same click is recorded once. */
export const clickKey = (action: string, subject: string, operatorOpenId: string, clickId: string): string =>
  `${action}:${subject}:${operatorOpenId}:${clickId}`;

/** A manager congratulates a learner once per record, however many times or from however many cards they click. */
export const congratulationKey = (subject: string, managerOpenId: string): string =>
  `congratulate:${subject}:${managerOpenId}`;

/** A handler's place in the registry: one per source and event type. */
export const handlerKey = (source: string, eventType: string): string => `${source}:${eventType}`;
