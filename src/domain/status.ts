/**
 * The statuses of the two message queues, and the machine they follow (scheduled jobs, the third queue, are drawn
 * in src/jobs/store.ts). Only the queue stores change a status (src/inbox/store.ts for `inbound_event`,
 * src/outbox/store.ts for `notification`), each transition in one named function on the one lease-queue engine
 * (src/db/lease-queue.ts: claim, renew, settle, retry, release; `available_at` is every queue's retry time);
 * everything else asks them. A row's claimer (`locked_by`) guards every transition out of a claimed
 * status, so a worker whose lease was taken over can no longer change the row.
 *
 * inbound_event                              (every arrow out of `processing` is guarded by the claimer)
 *
 *   intake ──► ignored
 *   intake ──► pending ──claim──► processing ──markProcessed──► processed
 *                 ▲                 │  │  ├───markIgnored────► ignored      (no handler for the event type)
 *                 │                 │  │  └───fail───────────► failed       (for good, or the payload fails its schema)
 *                 └─retryLater──────┘  │
 *                   postpone, release  └──claim, once the lease expired (a dead worker's event is taken over)
 *
 * notification                               (every arrow out of `sending` is guarded by the claimer)
 *
 *   enqueue ─► waiting ──releaseWaiting──► pending                          (the learner was found)
 *                 └──────skipWaiting─────► skipped                          (muted, or no manager)
 *   enqueue ─► pending ──claim──► sending ──markSent──► sent
 *                 ▲                 │  │  ├──fail──────► failed ──requeue──► pending   (the `retry` command)
 *                 │                 │  │  └──skip──────► skipped          (a patch whose message will never be sent)
 *                 └─retryLater──────┘  │
 *                   handBack, release  └──claim, once the lease expired (a dead dispatcher's row is taken over)
 *   pending patch ──supersede──► skipped                                    (a newer patch of the same message)
 *
 * - claim: takes due `pending` rows and claimed rows whose lease expired, with a lease of LEASE_SECONDS that the
 *   claimer renews (renewLeases) every RENEW_EVERY_MS while the work is in hand.
 * - retryLater: back to pending with a later due time after a transient failure (the attempt counts).
 * - postpone (events) / handBack (notifications): back to pending without counting the attempt.
 * - release: the embedded database belongs to one process, so at start a dead previous run's claims go back to
 *   pending at once instead of waiting for their leases.
 */

export const INBOUND_EVENT_STATUSES = ['pending', 'processing', 'processed', 'ignored', 'failed'] as const;
export type InboundEventStatus = (typeof INBOUND_EVENT_STATUSES)[number];

export const NOTIFICATION_STATUSES = ['waiting', 'pending', 'sending', 'sent', 'failed', 'skipped'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** Statuses no transition leaves, except `requeue` from a notification's `failed`. */
export const FINAL_NOTIFICATION_STATUSES: readonly NotificationStatus[] = ['sent', 'failed', 'skipped'];

/**
 * How long a claim holds a row (seconds) before another instance may take it over, and how often the claimer
 * renews it while the work is in hand: a crashed instance's rows are taken over within LEASE_SECONDS plus one poll.
 */
export const LEASE_SECONDS = 10;
export const RENEW_EVERY_MS = 3_000;
