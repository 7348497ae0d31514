/**
 * What PostgreSQL's `jsonb` (and `text`) cannot hold, found and replaced before a payload is stored. Valid JSON
 * may carry a NUL character (`\u0000`) or a lone UTF-16 surrogate (`"\ud800"`) in any string or key; `jsonb`
 * refuses both, and so would refuse the whole insert. Such a string is stored with U+FFFD in their place, and the
 * payload exactly as it came is kept beside it as JSON text (which escapes both, so `text` holds it losslessly).
 * Pure functions.
 */

/** Real payloads nest under 20 levels; deeper ones are refused (400 `payload_too_deep`), never stored. */
export const MAX_JSON_DEPTH = 64;

// NUL is exactly what is looked for here.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// eslint-disable-next-line no-control-regex
const UNSTORABLE_TEST = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function storableString(s: string): string {
  return UNSTORABLE_TEST.test(s) ? s.replace(UNSTORABLE, '\uFFFD') : s;
}

// In JSON text (which JSON.parse accepted) NUL and surrogates can only appear escaped: decoded UTF-8 holds no lone
// surrogate, and a raw control character is not valid JSON. Valid surrogate pairs match too (harmlessly).
const UNSTORABLE_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

/**
 * True when JSON text (already accepted by JSON.parse) can go into a `jsonb` column as it is: it has no escape that
 * could stand for NUL or a lone surrogate. False may be a false alarm; then `storablePayload` decides.
 */
export function jsonTextStorable(text: string): boolean {
  return !UNSTORABLE_ESCAPE.test(text);
}

/**
 * The nesting depth of JSON text (1 for `{}` or `[]`, 0 for a scalar), counted in one pass without recursion; stops
 * counting as soon as it passes `limit`. Brackets inside strings do not count. Meant for text that JSON.parse
 * accepts (or will reject anyway).
 */
export function jsonTextDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return max;
}

/** The nesting depth of a parsed value, counted without recursion; stops once it passes `limit`. */
export function valueDepth(value: unknown, limit = Infinity): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    const depth = d + 1;
    if (depth > max) {
      max = depth;
      if (max > limit) return max;
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth]);
  }
  return max;
}

export interface StorablePayload {
  /** The value to put in the jsonb column: equal to the input unless `raw` is set. */
  value: unknown;
  /** The input as JSON text, when `value` had to differ from it; undefined otherwise. */
  raw: string | undefined;
}

/**
 * A payload `jsonb` can hold. The caller checks the depth first (`valueDepth`), so the recursion here is bounded.
 * `undefined` values and functions vanish as in JSON.stringify.
 */
export function storablePayload(payload: unknown): StorablePayload {
  let altered = false;
  const clean = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const s = storableString(v);
      if (s !== v) altered = true;
      return s;
    }
    if (typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) return v.map(clean);
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) {
      const key = storableString(k);
      if (key !== k) altered = true;
      out[key] = clean(child);
    }
    return out;
  };
  const value = clean(payload);
  return altered ? { value, raw: JSON.stringify(payload) } : { value: payload, raw: undefined };
}
