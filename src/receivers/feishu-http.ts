import type { Context } from 'koa';
import type { Config } from '../config.js';
import { readJson } from '../http/read-json.js';
import { signatureHeaders, verifyFeishuRequest } from '../verify/feishu-request.js';
import { orRefuse, stored } from './refusals.js';
import { afterResponse } from './after-answer.js';
import { intakeFeishuEvent, type FeishuIntakeDeps } from './feishu-intake.js';

export interface FeishuReceiverDeps extends FeishuIntakeDeps {
  config: Pick<Config, 'FEISHU_ENCRYPT_KEY' | 'FEISHU_VERIFICATION_TOKEN'>;
}

/**
 * POST /webhook/event: Feishu's event subscription over HTTP. Verifies the raw bytes, answers the URL challenge,
 * stores the event (unique on its event id) and only then answers 200. Processing happens later, in the worker.
 * A card callback (`card.action.trigger`) sent here is answered like on /webhook/card.
 */
export function feishuEventReceiver(deps: FeishuReceiverDeps) {
  return async (ctx: Context) => {
    const { raw, text, body } = await readJson(ctx);
    const envelope = orRefuse(verifyFeishuRequest(signatureHeaders(ctx.headers), raw, body, deps.config));
    ctx.status = 200;
    if (envelope.kind === 'challenge') {
      ctx.body = { challenge: envelope.challenge };
      return;
    }
    // A plaintext event is the request body itself: its text is stored as it came, not serialised again.
    const answer = await stored(intakeFeishuEvent(deps, envelope, envelope.body === body ? text : undefined));
    ctx.body = answer.body;
    afterResponse(ctx, answer.afterAnswer);
  };
}
