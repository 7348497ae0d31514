import type { AnyNotificationKind, ReceiveIdType, Role } from './notifications.js';

/**
 * A message a handler, a command or a click decides to send; the outbox writes it in the caller's transaction.
 * `key` is unique within its scope (the event or the click); with the scope it makes the send idempotent.
 */
export interface NotificationDraft {
  key: string;
  kind: AnyNotificationKind;
  role?: Role;
  receiveIdType: ReceiveIdType;
  /** Empty while `waitFor` is set. */
  receiveId: string;
  /**
   * With a group chat's `chat_id`: only this person (open_id) sees the card, in the chat (an ephemeral card, which
   * takes one language: localise the card first).
   */
  visibleTo?: string;
  /** The learner key (see `learnerKey`) of a learner not yet found in Feishu: the message waits for them. */
  waitFor?: string;
  /** What the message is about (see `recordSubject`, `ticketSubject`), to find it again for an update. */
  subject?: string;
  card?: Record<string, unknown>;
  /** A plain text message instead of a card. */
  text?: string;
  /**
   * Not a message of its own but about one already queued (the notification with this id): `reply` answers it in
   * its chat, `urgent` sends the recipient an in-app urgent notification on it. Either waits until it was sent.
   */
  about?: { notificationId: string; as: 'reply' | 'urgent' };
  /** A copy of the news for the group chats routed for this kind (a team feed). */
  feedCard?: Record<string, unknown>;
}
