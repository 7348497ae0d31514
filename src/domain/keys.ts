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

/** What a stored event's effects are scoped by (`<source>:<external event id>`): its notifications' dedupe keys. */
export const eventScope = (source: string, externalId: string): string => `${source}:${externalId}`;

/** A notification's dedupe key: unique per scope (an event, a click) and draft key, so a rerun writes nothing twice. */
export const dedupeKey = (scope: string, draftKey: string): string => `${scope}:${draftKey}`;

/** A handler's place in the registry: one per source and event type. */
export const handlerKey = (source: string, eventType: string): string => `${source}:${eventType}`;
