/**
 * POST /webhook/card: Feishu card callbacks. The new `card.action.trigger` is verified like an event (signature
 * with the Encrypt Key, decryption, token); the older flat callback is signed with SHA-1 over the Verification
 * Token. Either is answered at once (Feishu waits 3 s) with a toast and, where the card changed, the new card.
 */
import type { Context } from 'koa';
import type { Config } from '../config.js';
import { badRequest, unauthorized } from '../http/errors.js';
import { readJson } from '../http/read-json.js';
import { checkOldCardSignature, safeEqual } from '../verify/feishu.js';
import { signatureHeaders, verifyFeishuRequest } from '../verify/feishu-request.js';
import { cardActionFromV1, cardActionFromV2, respondToCardAction, type CardActionHandler } from '../actions/callback.js';
import { CARD_ACTION_EVENT } from './feishu-intake.js';

export interface CardReceiverDeps {
  config: Pick<Config, 'FEISHU_ENCRYPT_KEY' | 'FEISHU_VERIFICATION_TOKEN'>;
  cardActions: CardActionHandler;
}

export function cardReceiver(deps: CardReceiverDeps) {
  const token = deps.config.FEISHU_VERIFICATION_TOKEN;
  return async (ctx: Context) => {
    const { raw, body } = await readJson(ctx);
    const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if ('encrypt' in record || 'schema' in record) {
      const envelope = verifyFeishuRequest(signatureHeaders(ctx), raw, body, deps.config);
      if (envelope.kind === 'challenge') {
        ctx.body = { challenge: envelope.challenge };
        return;
      }
      if (envelope.eventType !== CARD_ACTION_EVENT) throw badRequest(`Not a card callback: ${envelope.eventType}.`, 'not_a_card_callback');
      const action = cardActionFromV2(envelope.eventId, envelope.body);
      ctx.body = respondToCardAction(await deps.cardActions.handle(action), action);
      return;
    }
    // The older callback: a URL challenge, or a click signed over the Verification Token.
    if (record.type === 'url_verification' && typeof record.challenge === 'string') {
      if (token && !(typeof record.token === 'string' && safeEqual(record.token, token))) throw unauthorized('The token does not match FEISHU_VERIFICATION_TOKEN.', 'bad_token');
      ctx.body = { challenge: record.challenge };
      return;
    }
    if (token) {
      const check = checkOldCardSignature(signatureHeaders(ctx), token, raw);
      if (check !== 'ok') throw unauthorized(`X-Lark-Signature ${check === 'missing' ? 'headers are missing' : 'does not match'}.`, 'bad_signature');
    }
    const action = cardActionFromV1(record);
    if (!action.operatorOpenId || !record.action) throw badRequest('Not a card callback: open_id and action are required.', 'not_a_card_callback');
    ctx.body = respondToCardAction(await deps.cardActions.handle(action), action);
  };
}
