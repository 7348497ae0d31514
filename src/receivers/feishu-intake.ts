import type { Logger } from '../logger.js';
import type { Inbox } from '../inbox/inbox.js';
import type { HandlerRegistry } from '../handlers/registry.js';
import type { FeishuEnvelope } from '../feishu/envelope.js';
import { cardActionFromV2, respondToCardAction, type CardActionHandler } from '../actions/callback.js';

export interface FeishuIntakeDeps {
  inbox: Inbox;
  handlers: HandlerRegistry;
  log: Logger;
  cardActions: CardActionHandler;
}

export const CARD_ACTION_EVENT = 'card.action.trigger';

export type FeishuEvent = Extract<FeishuEnvelope, { kind: 'event' }>;

/** What an accepted Feishu event is answered with: a card callback's toast and card, or the intake's receipt. */
export interface IntakeAnswer {
  cardAction: boolean;
  body: Record<string, unknown>;
  /** A card click's follow-up, to start once the answer has gone back. */
  afterAnswer?: () => Promise<void>;
}

/**
 * One verified Feishu event, however it came (webhook or long connection). A card callback is answered at once;
 * any other event is stored, unique on its event id, before this resolves, so the caller may acknowledge it.
 * An event type without a handler is stored as ignored. `bodyJson` is the JSON text `envelope.body` was parsed
 * from, when the caller has it.
 */
export async function intakeFeishuEvent(
  deps: FeishuIntakeDeps,
  envelope: FeishuEvent,
  bodyJson?: string,
): Promise<IntakeAnswer> {
  if (envelope.eventType === CARD_ACTION_EVENT) {
    const action = cardActionFromV2(envelope.eventId, envelope.body);
    const result = await deps.cardActions.handle(action);
    return {
      cardAction: true,
      body: respondToCardAction(result, action),
      ...(result.afterAnswer && { afterAnswer: result.afterAnswer }),
    };
  }
  const handled = deps.handlers.has('feishu', envelope.eventType);
  const result = await deps.inbox.accept({
    source: 'feishu',
    externalId: envelope.eventId,
    eventType: envelope.eventType,
    payload: envelope.body,
    ...(bodyJson !== undefined && { payloadJson: bodyJson }),
    status: handled ? 'pending' : 'ignored',
  });
  deps.log.debug(
    { source: 'feishu', eventId: envelope.eventId, eventType: envelope.eventType, duplicate: result.duplicate },
    'event accepted',
  );
  return {
    cardAction: false,
    body: { ok: true, ...(result.duplicate ? { duplicate: true } : {}), ...(handled ? {} : { ignored: true }) },
  };
}
