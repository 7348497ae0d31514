import { describe, expect, it } from 'vitest';
import {
  MAX_JSON_DEPTH,
  jsonTextDepth,
  jsonTextStorable,
  storablePayload,
  storableString,
  storableValue,
  valueDepth,
} from '../../src/util/jsonb-safe.js';
import { parseJson } from '../../src/http/read-json.js';
import { depthRefusal, parseJsonBytes } from '../../src/verify/result.js';

describe('what jsonb cannot hold', () => {
  it('replaces NUL and lone surrogates with U+FFFD, keeps pairs', () => {
    expect(storableString('a\u0000b\ud800c\udc00d\ud83d\ude00')).toBe('a\ufffdb\ufffdc\ufffdd\ud83d\ude00');
    expect(storableString('plain')).toBe('plain');
  });

  it('keeps the original as JSON text only when something was replaced', () => {
    const payload = { a: ['x\u0000'], ['k\ud800']: { b: 1 } };
    const { value, raw } = storablePayload(payload);
    expect(value).toEqual({ a: ['x\ufffd'], ['k\ufffd']: { b: 1 } });
    expect(JSON.parse(raw!)).toEqual(payload);
    expect(raw).toContain('\\u0000');
    expect(storablePayload({ a: 'ok' })).toEqual({ value: { a: 'ok' }, raw: undefined });
  });

  it('JSON text goes into jsonb as it is unless an escape could be NUL or a surrogate', () => {
    expect(jsonTextStorable('{"a":"plain, 中文 and 😀","b":"\\u4e2d \\n"}')).toBe(true);
    // An escaped backslash followed by "u0000" is a false alarm: the cleaning path then finds nothing to replace.
    for (const text of ['{"a":"\\u0000"}', '{"\\ud800":1}', '["\\uDC00"]', '"\\ud83d\\ude00"', '"\\\\u0000"']) {
      expect(jsonTextStorable(text)).toBe(false);
      expect(() => JSON.parse(text) as unknown).not.toThrow();
    }
  });

  it('walks and copies a value of any depth without recursion', () => {
    const depth = 100_000;
    const clean = JSON.parse('['.repeat(depth) + '"x"' + ']'.repeat(depth)) as unknown;
    expect(storableValue(clean) === clean).toBe(true);
    const dirty = JSON.parse('['.repeat(depth) + '"x\\u0000"' + ']'.repeat(depth)) as unknown;
    const copy = storableValue(dirty);
    expect(valueDepth(copy)).toBe(depth);
    let leaf: unknown = copy;
    while (Array.isArray(leaf)) leaf = leaf[0];
    expect(leaf).toBe('x\ufffd');
  });

  it('copies keys in order, the later of two that become the same wins, and "__proto__" stays a key', () => {
    const payload = JSON.parse('{"a\\u0000":1,"b":[2,{"c":"\\ud800"}],"a\\ud800":3,"__proto__":{"p":"\\u0000"}}');
    const { value } = storablePayload(payload);
    expect(Object.keys(value as object)).toEqual(['a\ufffd', 'b', '__proto__']);
    expect(value).toMatchObject({ 'a\ufffd': 3, b: [2, { c: '\ufffd' }] });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ p: '\ufffd' });
  });

  it('decrypted text and values pushed already parsed are measured too: too deep is a refusal', () => {
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    expect(parseJsonBytes(deep)).toMatchObject({ ok: false, code: 'payload_too_deep' });
    expect(parseJsonBytes('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toMatchObject({ ok: true });
    expect(depthRefusal(JSON.parse('['.repeat(10_000) + ']'.repeat(10_000)))).toMatchObject({
      code: 'payload_too_deep',
    });
    expect(depthRefusal({ a: [1] })).toBeUndefined();
  });

  it('counts nesting over text without recursion, ignoring brackets inside strings', () => {
    expect(jsonTextDepth('1')).toBe(0);
    expect(jsonTextDepth('{"a":[{"b":"[[[{{{\\"]]]"}]}')).toBe(3);
    expect(jsonTextDepth('['.repeat(200_000) + ']'.repeat(200_000))).toBe(200_000);
    expect(jsonTextDepth('['.repeat(1000), 64)).toBe(65);
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown;
    expect(valueDepth(deep)).toBe(100_000);
    expect(valueDepth({ a: [{}] })).toBe(3);
  });

  it('parseJson refuses more than MAX_JSON_DEPTH levels with payload_too_deep', () => {
    expect(() => parseJson('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => parseJson('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1))).toThrow(
      expect.objectContaining({ status: 400, code: 'payload_too_deep' }),
    );
  });
});
