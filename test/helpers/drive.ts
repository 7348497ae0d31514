/**
 * A seam per event: store one event in the inbox as a receiver would, then drive the inbox worker until it has
 * nothing due, and return the event's row and the notifications it wrote. A handler's behaviour is tested in a
 * few lines, without HTTP, signatures or background timers (start the harness with `background: false`).
 */
import type { InboundEvent, Notification } from '../../src/generated/prisma/client.js';
import { defaultHandlers } from '../../src/handlers/registry.js';
import type { Source } from '../../src/domain/sources.js';
import type { Harness } from './harness.js';

export interface EventInput {
  source: Source;
  eventType: string;
  payload: unknown;
  /** The source's event id (the dedupe key); a fresh one by default. */
  externalId?: string;
}

export interface Handled {
  event: InboundEvent;
  notifications: Notification[];
}

let seq = 0;
const registry = defaultHandlers();

/** Runs the worker's batches until one finds nothing due: every event that can be processed now has been. */
export async function driveToIdle(h: Pick<Harness, 'bot'>): Promise<void> {
  while ((await h.bot.worker.processBatch()) > 0) {
    // keep going
  }
}

/** Stores the event (as ignored when no handler takes its type, as the receivers do) and processes it. */
export async function handleEvent(h: Pick<Harness, 'bot' | 'db'>, input: EventInput): Promise<Handled> {
  const externalId = input.externalId ?? `seam-${process.pid}-${++seq}`;
  const status = registry.has(input.source, input.eventType) ? 'pending' : 'ignored';
  const { id, duplicate } = await h.bot.inbox.accept({
    source: input.source,
    externalId,
    eventType: input.eventType,
    payload: input.payload,
    status,
  });
  const prisma = h.db.prisma;
  const eventId =
    id ??
    (duplicate
      ? (
          await prisma.inboundEvent.findUniqueOrThrow({
            where: { source_externalId: { source: input.source, externalId } },
          })
        ).id
      : undefined);
  if (!eventId) throw new Error('the inbox stored nothing');
  await driveToIdle(h);
  const event = await prisma.inboundEvent.findUniqueOrThrow({ where: { id: eventId } });
  const notifications = await prisma.notification.findMany({ where: { eventId }, orderBy: { dedupeKey: 'asc' } });
  return { event, notifications };
}
