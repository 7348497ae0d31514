import type { Context } from 'koa';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Inbox } from '../inbox/inbox.js';
import type { HandlerRegistry } from '../handlers/registry.js';
import { parseFeishuEnvelope } from '../feishu/envelope.js';
import { checkFeishuSignature, decryptFeishu, safeEqual } from '../verify/feishu.js';
import { badRequest, unauthorized } from '../http/errors.js';
import { parseJson, readJson } from '../http/read-json.js';

export interface FeishuReceiverDeps {
  config: Pick<Config, 'FEISHU_ENCRYPT_KEY' | 'FEISHU_VERIFICATION_TOKEN'>;
  inbox: Inbox;
  handlers: HandlerRegistry;
  log: Logger;
}

/**
 * POST /webhook/event: Feishu's event subscription over HTTP. Verifies the raw bytes, answers the URL challenge,
 * stores the event (unique on its event id) and only then answers 200. Processing happens later, in the worker.
 */
export function feishuEventReceiver(deps: FeishuReceiverDeps) {
  const { FEISHU_ENCRYPT_KEY: encryptKey, FEISHU_VERIFICATION_TOKEN: verificationToken } = deps.config;

  return async (ctx: Context) => {
    const { raw, body } = await readJson(ctx);
    const signature = {
      timestamp: ctx.get('x-lark-request-timestamp') || undefined,
      nonce: ctx.get('x-lark-request-nonce') || undefined,
      signature: ctx.get('x-lark-signature') || undefined,
    };
    // A signed request is checked before anything is decrypted. Only the URL challenge comes unsigned.
    let signed = false;
    if (encryptKey && signature.signature) {
      const check = checkFeishuSignature(signature, encryptKey, raw);
      if (check !== 'ok') throw unauthorized(`X-Lark-Signature ${check === 'missing' ? 'headers are incomplete' : 'does not match'}.`, 'bad_signature');
      signed = true;
    }

    const inner = decode(body, encryptKey);
    const parsed = parseFeishuEnvelope(inner);
    if (!parsed.ok) throw badRequest(parsed.reason, 'not_a_feishu_event');
    const envelope = parsed.envelope;

    if (verificationToken && !(envelope.token && safeEqual(envelope.token, verificationToken))) {
      throw unauthorized('The event token does not match FEISHU_VERIFICATION_TOKEN.', 'bad_token');
    }
    if (envelope.kind === 'challenge') {
      ctx.status = 200;
      ctx.body = { challenge: envelope.challenge };
      return;
    }
    if (encryptKey && !signed) throw unauthorized('X-Lark-Signature is missing; every event must be signed when FEISHU_ENCRYPT_KEY is set.', 'missing_signature');

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

function decode(body: unknown, encryptKey: string | undefined): unknown {
  if (typeof body !== 'object' || body === null || !('encrypt' in body)) return body;
  const encrypted = (body as { encrypt: unknown }).encrypt;
  if (typeof encrypted !== 'string') throw badRequest('"encrypt" must be a string.', 'bad_encryption');
  if (!encryptKey) throw badRequest('The body is encrypted but FEISHU_ENCRYPT_KEY is not configured.', 'encryption_not_configured');
  const plain = decryptFeishu(encrypted, encryptKey);
  if (plain === undefined) throw badRequest('The body could not be decrypted with FEISHU_ENCRYPT_KEY.', 'bad_encryption');
  return parseJson(plain);
}
