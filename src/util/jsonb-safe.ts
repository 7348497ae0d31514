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
 * A payload `jsonb` can hold, and the payload as it came when that differs. The raw copy is written by
 * JSON.stringify, which recurses: the caller bounds the depth first (`valueDepth`), as the inbox does.
 */
export function storablePayload(payload: unknown): StorablePayload {
  const value = storableValue(payload);
  return value === payload ? { value, raw: undefined } : { value, raw: JSON.stringify(payload) };
}

/**
 * `value` with every string and key in it made storable, found and copied without recursion (a payload's depth
 * comes from its sender; a recursive walk of a deep one would exhaust the stack). A value with nothing to replace is
 * returned as it is, not copied. In a copy, `undefined` values and functions are kept; JSON.stringify drops them.
 */
export function storableValue(value: unknown): unknown {
  return needsReplacing(value) ? storableCopy(value) : value;
}

/** Whether any string or key anywhere in `payload` holds what `jsonb` refuses. */
function needsReplacing(payload: unknown): boolean {
  const stack: unknown[] = [payload];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (UNSTORABLE_TEST.test(v)) return true;
    } else if (Array.isArray(v)) {
      for (const child of v) stack.push(child);
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        if (UNSTORABLE_TEST.test(k)) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

/**
 * A copy of `payload` with every string and key made storable. Children are copied in their order, so of two keys
 * that become the same (`"a\u0000"` and `"a\ud800"`) the later one wins, as in JSON.parse.
 */
function storableCopy(payload: unknown): unknown {
  const root: Record<string, unknown> = {};
  // Each entry: a value to copy, and where its copy goes.
  const stack: [unknown, Record<string, unknown> | unknown[], string | number][] = [[payload, root, 'value']];
  while (stack.length > 0) {
    const [v, parent, key] = stack.pop()!;
    let copy: unknown = v;
    if (typeof v === 'string') {
      copy = storableString(v);
    } else if (Array.isArray(v)) {
      const out = new Array<unknown>(v.length);
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], out, i]);
      copy = out;
    } else if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      const entries = Object.entries(v);
      // Keys are placed now, in their order; their values are filled in as the stack unwinds.
      for (const [k] of entries) setOwn(out, storableString(k), undefined);
      for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i]![1], out, storableString(entries[i]![0])]);
      copy = out;
    }
    if (Array.isArray(parent)) parent[key as number] = copy;
    else setOwn(parent, key as string, copy);
  }
  return root.value;
}

/** Sets an own property, `__proto__` included (a plain assignment of `__proto__` would set the prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}
