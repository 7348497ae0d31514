import type { Source } from './sources.js';

/** An event as the inbox stored it: what handlers receive and what a notification's dedupe key is scoped by. */
export interface StoredEvent {
  id: string;
  source: Source | (string & {});
  externalId: string;
  eventType: string;
  payload: unknown;
  receivedAt: Date;
}
