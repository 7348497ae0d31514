/** Feishu's signatures and encryption. Pure. */
import { createDecipheriv, createHash } from 'node:crypto';
import { sameDigest } from './equal.js';

export interface SignatureHeaders {
  timestamp?: string | undefined;
  nonce?: string | undefined;
  signature?: string | undefined;
}

/** Feishu event / card.action.trigger signature: hex(sha256(timestamp + nonce + encryptKey + rawBody)). */
export function feishuSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: Buffer): string {
  return createHash('sha256')
    .update(timestamp + nonce + encryptKey)
    .update(rawBody)
    .digest('hex');
}

/** Old-style card callback signature: hex(sha1(timestamp + nonce + verificationToken + rawBody)). */
export function oldCardSignature(timestamp: string, nonce: string, token: string, rawBody: Buffer): string {
  return createHash('sha1')
    .update(timestamp + nonce + token)
    .update(rawBody)
    .digest('hex');
}

export type SignatureCheck = 'ok' | 'missing' | 'mismatch';

export function checkFeishuSignature(headers: SignatureHeaders, encryptKey: string, rawBody: Buffer): SignatureCheck {
  const { timestamp, nonce, signature } = headers;
  if (!timestamp || !nonce || !signature) return 'missing';
  return sameDigest(feishuSignature(timestamp, nonce, encryptKey, rawBody), signature) ? 'ok' : 'mismatch';
}

export function checkOldCardSignature(headers: SignatureHeaders, token: string, rawBody: Buffer): SignatureCheck {
  const { timestamp, nonce, signature } = headers;
  if (!timestamp || !nonce || !signature) return 'missing';
  return sameDigest(oldCardSignature(timestamp, nonce, token, rawBody), signature) ? 'ok' : 'mismatch';
}

/** sha256(encryptKey), derived once per Encrypt Key rather than for every request. */
let derived: { encryptKey: string; key: Buffer } | undefined;
function aesKey(encryptKey: string): Buffer {
  if (derived?.encryptKey !== encryptKey)
    derived = { encryptKey, key: createHash('sha256').update(encryptKey).digest() };
  return derived.key;
}

/**
 * Decrypts a Feishu `{"encrypt": "..."}` body: AES-256-CBC, key = sha256(encryptKey), IV = the first 16 bytes.
 * Returns undefined when the ciphertext is not valid for this key.
 */
export function decryptFeishu(encrypted: string, encryptKey: string): string | undefined {
  try {
    const buf = Buffer.from(encrypted, 'base64');
    if (buf.length < 32 || buf.length % 16 !== 0) return undefined;
    const decipher = createDecipheriv('aes-256-cbc', aesKey(encryptKey), buf.subarray(0, 16));
    return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
  } catch {
    // A wrong key or corrupt ciphertext fails the padding check: the caller answers 400.
    return undefined;
  }
}
