import type { Handler } from './types.js';
import { onboardingFromV1, onboardingFromV2 } from './onboarding.js';
import { elearningDeleted, elearningUpserted } from './elearning.js';
import { registerAlm } from './alm.js';
import { ticketCreated, ticketUpdated } from './helpdesk.js';
import { messageReceived } from './messages.js';
import { registerQingsuyun } from './qingsuyun.js';

/** Handlers by source and event type. An event type not listed here is stored as ignored. */
export class HandlerRegistry {
  private readonly handlers = new Map<string, Handler>();

  on(source: string, eventType: string, handler: Handler): this {
    this.handlers.set(`${source}:${eventType}`, handler);
    return this;
  }

  get(source: string, eventType: string): Handler | undefined {
    return this.handlers.get(`${source}:${eventType}`);
  }

  has(source: string, eventType: string): boolean {
    return this.handlers.has(`${source}:${eventType}`);
  }
}

export function defaultHandlers(): HandlerRegistry {
  const registry = new HandlerRegistry()
    .on('feishu', 'p2p_chat_create', onboardingFromV1)
    .on('feishu', 'im.chat.access_event.bot_p2p_chat_entered_v1', onboardingFromV2)
    .on('feishu', 'elearning.course_registration.created_v2', elearningUpserted)
    .on('feishu', 'elearning.course_registration.updated_v2', elearningUpserted)
    .on('feishu', 'elearning.course_registration.deleted_v2', elearningDeleted)
    .on('feishu', 'helpdesk.ticket.created_v1', ticketCreated)
    .on('feishu', 'helpdesk.ticket.updated_v1', ticketUpdated)
    .on('feishu', 'im.message.receive_v1', messageReceived);
  registerAlm(registry);
  registerQingsuyun(registry);
  return registry;
}
