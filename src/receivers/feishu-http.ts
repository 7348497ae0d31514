import type { Context } from 'koa';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Inbox } from '../inbox/inbox.js';
import type { HandlerRegistry } from '../handlers/registry.js';
import { readJson } from '../http/read-json.js';
import { signatureHeaders, verifyFeishuRequest } from '../verify/feishu-request.js';
import { cardActionFromV2, respondToCardAction, type CardActionHandler } from '../actions/callback.js';

export interface FeishuReceiverDeps {
  config: Pick<Config, 'FEISHU_ENCRYPT_KEY' | 'FEISHU_VERIFICATION_TOKEN'>;
  inbox: Inbox;
  handlers: HandlerRegistry;
  log: Logger;
  cardActions: CardActionHandler;
}

export const CARD_ACTION_EVENT = 'card.action.trigger';

/**
 * POST /webhook/event: Feishu's event subscription over HTTP. Verifies the raw bytes, answers the URL challenge,
 * stores the event (unique on its event id) and only then answers 200. Processing happens later, in the worker.
 * A card callback (`card.action.trigger`) sent here is answered like on /webhook/card.
 */
export function feishuEventReceiver(deps: FeishuReceiverDeps) {
  return async (ctx: Context) => {
    const { raw, body } = await readJson(ctx);
    const envelope = verifyFeishuRequest(signatureHeaders(ctx), raw, body, deps.config);
    if (envelope.kind === 'challenge') {
      ctx.status = 200;
      ctx.body = { challenge: envelope.challenge };
      return;
    }
    if (envelope.eventType === CARD_ACTION_EVENT) {
      const action = cardActionFromV2(envelope.eventId, envelope.body);
      ctx.status = 200;
      ctx.body = respondToCardAction(await deps.cardActions.handle(action), action);
      return;
    }
    const handled = deps.handlers.has('feishu', envelope.eventType);
    const result = await deps.inbox.accept({
      source: 'feishu',
      externalId: envelope.eventId,
      eventType: envelope.eventType,
      payload: envelope.body,
      status: handled ? 'pending' : 'ignored',
    });
    deps.log.debug({ source: 'feishu', eventId: envelope.eventId, eventType: envelope.eventType, duplicate: result.duplicate }, 'event accepted');
    ctx.status = 200;
    ctx.body = { ok: true, ...(result.duplicate ? { duplicate: true } : {}), ...(handled ? {} : { ignored: true }) };
  };
}
