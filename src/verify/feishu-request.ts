/**
 * Verifying a Feishu request (event or new-style card callback) over its raw bytes: the signature when an Encrypt
 * Key is set, decryption, the envelope, and the verification token. Throws the HTTP error that says what was
 * wrong; returns the envelope (a challenge or an event).
 */
import type { Context } from 'koa';
import type { Config } from '../config.js';
import { parseFeishuEnvelope, type FeishuEnvelope } from '../feishu/envelope.js';
import { badRequest, unauthorized } from '../http/errors.js';
import { parseJson } from '../http/read-json.js';
import { checkFeishuSignature, decryptFeishu, safeEqual, type SignatureHeaders } from './feishu.js';

export type FeishuKeys = Pick<Config, 'FEISHU_ENCRYPT_KEY' | 'FEISHU_VERIFICATION_TOKEN'>;

export function signatureHeaders(ctx: Context): SignatureHeaders {
  return {
    timestamp: ctx.get('x-lark-request-timestamp') || undefined,
    nonce: ctx.get('x-lark-request-nonce') || undefined,
    signature: ctx.get('x-lark-signature') || undefined,
  };
}

export function verifyFeishuRequest(headers: SignatureHeaders, raw: Buffer, body: unknown, keys: FeishuKeys): FeishuEnvelope {
  const { FEISHU_ENCRYPT_KEY: encryptKey, FEISHU_VERIFICATION_TOKEN: verificationToken } = keys;
  // A signed request is checked before anything is decrypted. Only the URL challenge comes unsigned.
  let signed = false;
  if (encryptKey && headers.signature) {
    const check = checkFeishuSignature(headers, encryptKey, raw);
    if (check !== 'ok') throw unauthorized(`X-Lark-Signature ${check === 'missing' ? 'headers are incomplete' : 'does not match'}.`, 'bad_signature');
    signed = true;
  }
  const parsed = parseFeishuEnvelope(decode(body, encryptKey));
  if (!parsed.ok) throw badRequest(parsed.reason, 'not_a_feishu_event');
  const envelope = parsed.envelope;
  if (verificationToken && !(envelope.token && safeEqual(envelope.token, verificationToken))) {
    throw unauthorized('The event token does not match FEISHU_VERIFICATION_TOKEN.', 'bad_token');
  }
  if (envelope.kind !== 'challenge' && encryptKey && !signed) {
    throw unauthorized('X-Lark-Signature is missing; every event must be signed when FEISHU_ENCRYPT_KEY is set.', 'missing_signature');
  }
  return envelope;
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
