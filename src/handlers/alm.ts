/** Adobe Learning Manager webhook events, one stored event each (see receivers/alm-http.ts). */
import { z } from 'zod';
import { seatsCard } from '../../cards/seats.js';
import { applyCatalogEvent, applyCiStats } from '../alm/catalog.js';
import type { Tx } from '../db/tx.js';
import type { NotificationDraft } from '../domain/draft.js';
import { SOURCE_CARD_NAMES } from '../domain/sources.js';
import {
  ALM_EVENT_NAMES,
  classifyAlmEvent,
  enrollSourceOf,
  itemTypeOf,
  type AlmEvent,
} from '../learning/alm-events.js';
import { almItemKey, reduceAlm } from '../learning/alm-reducer.js';
import { routedChats } from '../recipients/routes.js';
import { learningOutcome } from './learning-outcome.js';
import { handles, type HandlerContext } from './types.js';

/** The stored payload: one element of the webhook's `events`, with the batch's accountId. */
const AlmPayload = z.looseObject({
  eventId: z.union([z.string().min(1), z.number()]),
  eventName: z.string().min(1),
  timestamp: z.union([z.string(), z.number()]).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

/** The event as the reducers take it; a missing or unreadable timestamp is the time it was received. */
function almEventOf(payload: z.output<typeof AlmPayload>, fallbackTime: Date): AlmEvent {
  const ts = payload.timestamp !== undefined ? new Date(payload.timestamp) : fallbackTime;
  return {
    eventId: String(payload.eventId),
    eventName: payload.eventName,
    timestamp: Number.isNaN(ts.getTime()) ? fallbackTime : ts,
    data: payload.data ?? {},
  };
}

/** Every ALM event name there is goes to the handler; any other name is stored as ignored. */
export const almHandlers = handles('alm', ALM_EVENT_NAMES, AlmPayload, async (ctx) => {
  const event = almEventOf(ctx.payload, ctx.event.receivedAt);
  const kind = classifyAlmEvent(event.eventName);
  const d = event.data;
  switch (kind.kind) {
    case 'learner':
    case 'progress': {
      const userId = d.userId === undefined || d.userId === null ? '' : String(d.userId);
      const itemKey = almItemKey(d);
      if (!userId || !itemKey) {
        ctx.log.warn('ALM learner event without userId or loInstanceId; nothing to record');
        ctx.note('no userId or loInstanceId: nothing to record');
        return {};
      }
      const loId = typeof d.loId === 'string' ? d.loId : undefined;
      const instanceId = typeof d.loInstanceId === 'string' && d.loInstanceId ? d.loInstanceId : undefined;
      const catalog = ctx.services.catalog;
      // Assigned learning: the instance's completion deadline is its due date (unless an admin set one here).
      const assigned = kind.kind === 'learner' && kind.action === 'enroll' && enrollSourceOf(d, kind.batch) === 'admin';
      return learningOutcome(ctx, {
        ref: { source: 'alm', externalUserId: userId },
        itemKey,
        itemType: itemTypeOf(d.loType, d.loId),
        reduce: (prev) => reduceAlm(prev, event),
        mayNotify: kind.kind === 'learner',
        ...(loId && kind.kind === 'learner' ? { itemName: () => catalog.nameOf(loId) } : {}),
        ...(loId && instanceId && assigned ? { prefetch: () => catalog.deadlineOf(loId, instanceId) } : {}),
      });
    }
    case 'ci_stats':
      return { commit: (tx) => seatsNews(ctx, tx, event) };
    case 'learning_object':
    case 'instance':
      return {
        commit: async (tx) =>
          applyCatalogEvent(tx, event, kind.kind === 'learning_object' ? 'lo' : 'instance', kind.action),
      };
    default:
      ctx.note(`ALM event ${event.eventName} is not acted on`);
      return {};
  }
});

async function seatsNews(ctx: HandlerContext, tx: Tx, event: AlmEvent): Promise<NotificationDraft[]> {
  const change = await applyCiStats(tx, event);
  if (!change) {
    ctx.note('seat counts recorded; no change worth a message');
    return [];
  }
  const chats = await routedChats(tx, 'seats');
  if (chats.length === 0) {
    ctx.note('seats changed, but no chat is routed for seats');
    return [];
  }
  const lo = change.loId ? await tx.almCatalog.findUnique({ where: { id: change.loId } }) : null;
  const card = seatsCard({
    ...change,
    courseName: lo?.name ?? change.loId ?? change.instanceId,
    sourceLabel: SOURCE_CARD_NAMES.alm,
  });
  ctx.log.info({ change: change.change }, 'course instance seats changed');
  return chats.map((chatId) => ({
    key: `seats:${chatId}`,
    kind: 'seats',
    role: 'chat',
    receiveIdType: 'chat_id',
    receiveId: chatId,
    card,
  }));
}
