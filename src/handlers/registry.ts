/**
 * Handlers by source and event type. An event type not listed here is stored as ignored. The registry checks a
 * payload against its handler's schema before the handler runs: a payload that does not fit throws
 * `InvalidPayload` (not retryable), so the worker marks the event failed at once with the validation message.
 */
import { z } from 'zod';
import { InvalidPayload } from '../domain/errors.js';
import { handlerKey } from '../domain/keys.js';
import { almHandlers } from './alm.js';
import { elearningHandlers } from './elearning.js';
import { helpdeskHandlers } from './helpdesk.js';
import { messageHandlers } from './messages.js';
import { onboardingHandlers } from './onboarding.js';
import { qingsuyunHandlers } from './qingsuyun.js';
import type { Handler, Registration } from './types.js';

export class HandlerRegistry {
  private readonly handlers = new Map<string, Handler>();

  /** Adds registrations (see `handles`); a later one for the same source and type replaces the earlier. */
  add(registrations: readonly Registration[]): this {
    for (const r of registrations) this.handlers.set(handlerKey(r.source, r.eventType), validating(r));
    return this;
  }

  /** The handler for the event type, validating the payload first; undefined when there is none. */
  get(source: string, eventType: string): Handler | undefined {
    return this.handlers.get(handlerKey(source, eventType));
  }

  has(source: string, eventType: string): boolean {
    return this.handlers.has(handlerKey(source, eventType));
  }
}

function validating(r: Registration): Handler {
  return async (ctx) => {
    const parsed = r.schema.safeParse(ctx.event.payload);
    if (!parsed.success) throw new InvalidPayload(`${r.source} ${r.eventType}: ${z.prettifyError(parsed.error)}`);
    return r.handle({ ...ctx, payload: parsed.data });
  };
}

export function defaultHandlers(): HandlerRegistry {
  return new HandlerRegistry()
    .add(onboardingHandlers)
    .add(elearningHandlers)
    .add(helpdeskHandlers)
    .add(messageHandlers)
    .add(almHandlers)
    .add(qingsuyunHandlers);
}
