import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as lark from '@larksuiteoapi/node-sdk';
import {
  checkFeishuSignature,
  checkOldCardSignature,
  decryptFeishu,
  feishuSignature,
} from '../../src/verify/feishu.js';
import { safeEqual, sameDigest } from '../../src/verify/equal.js';

const key = 'test-encrypt-key';

function encrypt(plain: string, encryptKey: string, iv: Buffer = randomBytes(16)): string {
  const k = createHash('sha256').update(encryptKey).digest();
  const c = createCipheriv('aes-256-cbc', k, iv);
  return Buffer.concat([iv, c.update(plain, 'utf8'), c.final()]).toString('base64');
}

describe('Feishu signature', () => {
  const raw = Buffer.from('{"schema":"2.0","header":{"event_id":"e1"}}');
  const sig = createHash('sha256')
    .update('1700000000' + 'nonce-1' + key + raw.toString())
    .digest('hex');

  it('is sha256(timestamp + nonce + encryptKey + raw body) in hex', () => {
    expect(feishuSignature('1700000000', 'nonce-1', key, raw)).toBe(sig);
  });

  it('accepts the right signature and refuses a wrong or missing one', () => {
    expect(checkFeishuSignature({ timestamp: '1700000000', nonce: 'nonce-1', signature: sig }, key, raw)).toBe('ok');
    expect(
      checkFeishuSignature({ timestamp: '1700000000', nonce: 'nonce-1', signature: sig.toUpperCase() }, key, raw),
    ).toBe('ok');
    expect(checkFeishuSignature({ timestamp: '1700000001', nonce: 'nonce-1', signature: sig }, key, raw)).toBe(
      'mismatch',
    );
    expect(checkFeishuSignature({ timestamp: '1700000000', nonce: 'nonce-1', signature: sig }, 'other-key', raw)).toBe(
      'mismatch',
    );
    expect(
      checkFeishuSignature(
        { timestamp: '1700000000', nonce: 'nonce-1', signature: sig },
        key,
        Buffer.from(raw.toString() + ' '),
      ),
    ).toBe('mismatch');
    expect(checkFeishuSignature({ timestamp: '1700000000', signature: sig }, key, raw)).toBe('missing');
    expect(
      checkFeishuSignature({ timestamp: '1700000000', nonce: 'nonce-1', signature: sig.slice(0, 63) }, key, raw),
    ).toBe('mismatch');
    expect(checkFeishuSignature({ timestamp: '1700000000', nonce: 'nonce-1', signature: sig + '0' }, key, raw)).toBe(
      'mismatch',
    );
  });

  it('checks old card callbacks with sha1 over the verification token', () => {
    const s1 = createHash('sha1')
      .update('1' + 'n' + 'vtoken' + raw.toString())
      .digest('hex');
    expect(checkOldCardSignature({ timestamp: '1', nonce: 'n', signature: s1 }, 'vtoken', raw)).toBe('ok');
    expect(checkOldCardSignature({ timestamp: '1', nonce: 'n', signature: s1 }, 'other', raw)).toBe('mismatch');
  });
});

describe('decryptFeishu', () => {
  it('decrypts what Feishu encrypts, and agrees with the SDK', () => {
    const plain = JSON.stringify({ type: 'url_verification', challenge: 'c-1', token: 't' });
    const encrypted = encrypt(plain, key);
    expect(decryptFeishu(encrypted, key)).toBe(plain);
    expect(new lark.AESCipher(key).decrypt(encrypted)).toBe(plain);
  });

  it('returns undefined for the wrong key or garbage', () => {
    // A fixed IV: with a random one, a wrong key passes the padding check about once in 256 runs.
    const encrypted = encrypt('{"a":1}', key, Buffer.alloc(16));
    expect(decryptFeishu(encrypted, 'wrong-key')).toBeUndefined();
    expect(decryptFeishu('not base64 at all!', key)).toBeUndefined();
    expect(decryptFeishu('', key)).toBeUndefined();
  });
});

describe('sameDigest', () => {
  it('compares hex digests whatever the case of the one given, and refuses another length', () => {
    expect(sameDigest('ab12', 'AB12')).toBe(true);
    expect(sameDigest('ab12', 'ab13')).toBe(false);
    expect(sameDigest('ab12', 'ab1')).toBe(false);
    expect(sameDigest('ab12', '')).toBe(false);
    expect(sameDigest('ab12', 'ab1é')).toBe(false); // as long in characters, longer in bytes
  });
});

describe('safeEqual', () => {
  it('compares strings', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
  });
});
