import { createHash } from 'node:crypto';
import { assertCardSize } from '../../cards/kit.js';
import type { NotificationDraft, StoredEvent, Tx } from '../handlers/types.js';

/**
 * The `uuid` passed to im.v1.message.create: derived only from the notification's identity, so a resend
 * after a crash carries the same value and Feishu posts at most one message (uuid dedupe, 1 h).
 */
export function notificationUuid(dedupeKey: string): string {
  return createHash('sha256').update(dedupeKey).digest('base64url').slice(0, 40);
}

export function dedupeKeyFor(event: Pick<StoredEvent, 'source' | 'externalId'>, draft: Pick<NotificationDraft, 'key'>): string {
  return `${event.source}:${event.externalId}:${draft.key}`;
}

/** Writes drafts into the outbox inside the caller's transaction. A draft already written is skipped. */
export async function enqueueNotifications(tx: Tx, event: StoredEvent, drafts: NotificationDraft[]): Promise<number> {
  if (drafts.length === 0) return 0;
  const data = drafts.map((d) => {
    assertCardSize(d.card);
    const dedupeKey = dedupeKeyFor(event, d);
    return {
      eventId: event.id,
      dedupeKey,
      kind: d.kind,
      receiveIdType: d.receiveIdType,
      receiveId: d.receiveId,
      msgType: 'interactive',
      content: JSON.stringify(d.card),
      uuid: notificationUuid(dedupeKey),
    };
  });
  const { count } = await tx.notification.createMany({ data, skipDuplicates: true });
  return count;
}
