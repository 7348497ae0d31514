/**
 * Verifying a Feishu request over its headers, raw bytes and keys: the signature when an Encrypt Key is set,
 * decryption, the envelope, and the verification token. Pure: no HTTP, no I/O; each function returns the verified
 * value or a refusal that says what was wrong (the receivers turn it into an HTTP status). The long connection
 * decodes its pushed bodies with `decodeFeishuBody`, the same path as the webhook after the signature.
 */
import { parseFeishuEnvelope, type FeishuEnvelope } from '../feishu/envelope.js';
import { safeEqual } from './equal.js';
import { checkFeishuSignature, checkOldCardSignature, decryptFeishu, type SignatureHeaders } from './feishu.js';
import { accept, parseJsonBytes, refuse, type Verified } from './result.js';

export interface FeishuKeys {
  FEISHU_ENCRYPT_KEY?: string | undefined;
  FEISHU_VERIFICATION_TOKEN?: string | undefined;
}

/** The signature headers from a request's (lower-cased) headers. */
export function signatureHeaders(headers: Record<string, string | string[] | undefined>): SignatureHeaders {
  const one = (name: string) => {
    const v = headers[name];
    return (Array.isArray(v) ? v[0] : v) || undefined;
  };
  return {
    timestamp: one('x-lark-request-timestamp'),
    nonce: one('x-lark-request-nonce'),
    signature: one('x-lark-signature'),
  };
}

/**
 * A body as Feishu sends it, decrypted when it is `{"encrypt": ...}`, then read as an envelope (a challenge or an
 * event). Used by the webhook and the long connection alike.
 */
export function decodeFeishuBody(body: unknown, encryptKey: string | undefined): Verified<FeishuEnvelope> {
  let plain = body;
  if (typeof body === 'object' && body !== null && 'encrypt' in body) {
    const encrypted = (body as { encrypt: unknown }).encrypt;
    if (typeof encrypted !== 'string') return refuse('bad_encryption', '"encrypt" must be a string.');
    if (!encryptKey)
      return refuse('encryption_not_configured', 'The body is encrypted but FEISHU_ENCRYPT_KEY is not configured.');
    const text = decryptFeishu(encrypted, encryptKey);
    if (text === undefined) return refuse('bad_encryption', 'The body could not be decrypted with FEISHU_ENCRYPT_KEY.');
    const parsed = parseJsonBytes(text);
    if (!parsed.ok) return parsed;
    plain = parsed.value;
  }
  const envelope = parseFeishuEnvelope(plain);
  return envelope.ok ? accept(envelope.envelope) : refuse('not_a_feishu_event', envelope.reason);
}

/** An event or new-style card callback sent over HTTP. `body` is the JSON of `raw`. */
export function verifyFeishuRequest(
  headers: SignatureHeaders,
  raw: Buffer,
  body: unknown,
  keys: FeishuKeys,
): Verified<FeishuEnvelope> {
  const { FEISHU_ENCRYPT_KEY: encryptKey, FEISHU_VERIFICATION_TOKEN: verificationToken } = keys;
  // A signed request is checked before anything is decrypted. Only the URL challenge comes unsigned.
  let signed = false;
  if (encryptKey && headers.signature) {
    const check = checkFeishuSignature(headers, encryptKey, raw);
    if (check !== 'ok')
      return refuse(
        'bad_signature',
        `X-Lark-Signature ${check === 'missing' ? 'headers are incomplete' : 'does not match'}.`,
      );
    signed = true;
  }
  const decoded = decodeFeishuBody(body, encryptKey);
  if (!decoded.ok) return decoded;
  const envelope = decoded.value;
  if (verificationToken && !(envelope.token && safeEqual(envelope.token, verificationToken))) {
    return refuse('bad_token', 'The event token does not match FEISHU_VERIFICATION_TOKEN.');
  }
  if (envelope.kind !== 'challenge' && encryptKey && !signed) {
    return refuse(
      'missing_signature',
      'X-Lark-Signature is missing; every event must be signed when FEISHU_ENCRYPT_KEY is set.',
    );
  }
  return accept(envelope);
}

export type OldCardRequest =
  { kind: 'challenge'; challenge: string } | { kind: 'click'; body: Record<string, unknown> };

/**
 * The older flat card callback: a URL challenge carrying the Verification Token, or a click signed with SHA-1 over
 * the Verification Token. Without a token configured neither is checked.
 */
export function verifyOldCardRequest(
  headers: SignatureHeaders,
  raw: Buffer,
  body: Record<string, unknown>,
  verificationToken: string | undefined,
): Verified<OldCardRequest> {
  if (body.type === 'url_verification' && typeof body.challenge === 'string') {
    if (verificationToken && !(typeof body.token === 'string' && safeEqual(body.token, verificationToken))) {
      return refuse('bad_token', 'The token does not match FEISHU_VERIFICATION_TOKEN.');
    }
    return accept({ kind: 'challenge', challenge: body.challenge });
  }
  if (verificationToken) {
    const check = checkOldCardSignature(headers, verificationToken, raw);
    if (check !== 'ok')
      return refuse(
        'bad_signature',
        `X-Lark-Signature ${check === 'missing' ? 'headers are missing' : 'does not match'}.`,
      );
  }
  return accept({ kind: 'click', body });
}
