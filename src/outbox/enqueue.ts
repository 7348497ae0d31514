import { createHash } from 'node:crypto';
import { assertCardSize } from '../../cards/kit.js';
import type { Tx } from '../db/tx.js';
import type { NotificationDraft } from '../domain/draft.js';
import { dedupeKey, eventScope } from '../domain/keys.js';
import type { NotificationStatus } from '../domain/status.js';
import { applyPolicy } from './policy.js';

/** The stored event a handler's notifications come from. */
interface EventRef {
  id: string;
  source: string;
  externalId: string;
}

/**
 * The `uuid` passed to im.v1.message.create: derived only from the notification's identity, so a resend
 * after a crash carries the same value and Feishu posts at most one message (uuid dedupe, 1 h).
 */
export function notificationUuid(dedupeKey: string): string {
  return createHash('sha256').update(dedupeKey).digest('base64url').slice(0, 40);
}

/** The outbox row for a draft (its dedupe key decides the Feishu uuid). */
function outboxRow(d: NotificationDraft, dedupeKey: string, eventId: string | null) {
  if (d.card) assertCardSize(d.card);
  else if (d.text === undefined) throw new Error(`notification ${d.key} has neither a card nor a text`);
  return {
    eventId,
    dedupeKey,
    kind: d.kind,
    role: d.role ?? 'user',
    receiveIdType: d.receiveIdType,
    receiveId: d.receiveId,
    visibleTo: d.visibleTo ?? null,
    waitFor: d.waitFor ?? null,
    // The row enters the machine here (src/domain/status.ts); the outbox store moves it on.
    status: (d.waitFor ? 'waiting' : 'pending') satisfies NotificationStatus,
    subject: d.subject ?? null,
    msgType: d.card ? 'interactive' : 'text',
    content: d.card ? JSON.stringify(d.card) : JSON.stringify({ text: d.text }),
    uuid: notificationUuid(dedupeKey),
    ...(d.about && { operation: d.about.as, patchOf: d.about.notificationId }),
  };
}

/**
 * Writes drafts into the outbox inside the caller's transaction, after the policy (switched-off kinds, mutes,
 * languages, routed chats). A draft already written is skipped.
 */
export async function enqueueNotifications(tx: Tx, event: EventRef, drafts: NotificationDraft[]): Promise<number> {
  return enqueueDrafts(tx, eventScope(event.source, event.externalId), event.id, drafts);
}

/** The same for work that does not come from a stored event (card actions, failure reports): `scope` names it. */
export async function enqueueDrafts(
  tx: Tx,
  scope: string,
  eventId: string | null,
  drafts: NotificationDraft[],
): Promise<number> {
  if (drafts.length === 0) return 0;
  const data = (await applyPolicy(tx, drafts)).map((d) => outboxRow(d, dedupeKey(scope, d.key), eventId));
  if (data.length === 0) return 0;
  const { count } = await tx.notification.createMany({ data, skipDuplicates: true });
  return count;
}
