/**
 * POST /webhook/card: Feishu card callbacks. The new `card.action.trigger` is verified like an event (signature
 * with the Encrypt Key, decryption, token); the older flat callback is signed with SHA-1 over the Verification
 * Token. Either is answered at once (Feishu waits 3 s) with a toast and, where the card changed, the new card; a
 * patch of the clicked card (the older callback) is queued only after the answer has gone back.
 */
import type { Context } from 'koa';
import type { Config } from '../config.js';
import { readJson } from '../http/read-json.js';
import { signatureHeaders, verifyFeishuRequest, verifyOldCardRequest } from '../verify/feishu-request.js';
import { refuse } from '../verify/result.js';
import {
  cardActionFromV1,
  cardActionFromV2,
  respondToCardAction,
  type CardActionHandler,
} from '../actions/callback.js';
import { CARD_ACTION_EVENT } from './feishu-intake.js';
import { orRefuse, refusalError } from './refusals.js';
import { afterResponse } from './after-answer.js';

export interface CardReceiverDeps {
  config: Pick<Config, 'FEISHU_ENCRYPT_KEY' | 'FEISHU_VERIFICATION_TOKEN'>;
  cardActions: CardActionHandler;
}

export function cardReceiver(deps: CardReceiverDeps) {
  const token = deps.config.FEISHU_VERIFICATION_TOKEN;
  return async (ctx: Context) => {
    const { raw, body } = await readJson(ctx);
    const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const headers = signatureHeaders(ctx.headers);
    if ('encrypt' in record || 'schema' in record) {
      const envelope = orRefuse(verifyFeishuRequest(headers, raw, body, deps.config));
      if (envelope.kind === 'challenge') {
        ctx.body = { challenge: envelope.challenge };
        return;
      }
      if (envelope.eventType !== CARD_ACTION_EVENT) {
        throw refusalError(refuse('not_a_card_callback', `Not a card callback: ${envelope.eventType}.`));
      }
      const action = cardActionFromV2(envelope.eventId, envelope.body);
      const result = await deps.cardActions.handle(action);
      ctx.body = respondToCardAction(result, action);
      afterResponse(ctx, result.afterAnswer);
      return;
    }
    // The older callback: a URL challenge, or a click signed over the Verification Token.
    const request = orRefuse(verifyOldCardRequest(headers, raw, record, token));
    if (request.kind === 'challenge') {
      ctx.body = { challenge: request.challenge };
      return;
    }
    const action = cardActionFromV1(record);
    if (!action.operatorOpenId || !record.action) {
      throw refusalError(refuse('not_a_card_callback', 'Not a card callback: open_id and action are required.'));
    }
    const result = await deps.cardActions.handle(action);
    ctx.body = respondToCardAction(result, action);
    afterResponse(ctx, result.afterAnswer);
  };
}
