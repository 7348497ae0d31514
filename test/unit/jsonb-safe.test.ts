import { describe, expect, it } from 'vitest';
import {
  MAX_JSON_DEPTH,
  jsonTextDepth,
  jsonTextStorable,
  storablePayload,
  storableString,
  valueDepth,
} from '../../src/util/jsonb-safe.js';
import { parseJson } from '../../src/http/read-json.js';

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
