/**
 * What a verification says: the verified value, or why the request is refused. Pure data: the receivers map each
 * refusal code to an HTTP status in one table (src/receivers/refusals.ts); the long connection logs it.
 */
import { MAX_JSON_DEPTH, jsonTextDepth, valueDepth } from '../util/jsonb-safe.js';

export type RefusalCode =
  | 'malformed_json'
  | 'payload_too_deep'
  | 'not_a_feishu_event'
  | 'not_a_card_callback'
  | 'bad_encryption'
  | 'encryption_not_configured'
  | 'bad_signature'
  | 'missing_signature'
  | 'bad_token'
  | 'not_configured'
  | 'bad_credentials'
  | 'bad_secret_key';

export interface Refusal {
  ok: false;
  code: RefusalCode;
  message: string;
}

export type Verified<T> = { ok: true; value: T } | Refusal;

export const refuse = (code: RefusalCode, message: string): Refusal => ({ ok: false, code, message });
export const accept = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

/**
 * JSON from bytes, or the refusal that says why not. The nesting is counted over the text first, in one pass
 * without recursion, so a value deeper than MAX_JSON_DEPTH is never built (nor walked by anything after).
 */
export function parseJsonBytes(raw: Buffer | string): Verified<unknown> {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  if (text.trim() === '') return refuse('malformed_json', 'Body is empty; expected a JSON object.');
  if (jsonTextDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) return tooDeep();
  try {
    return accept(JSON.parse(text) as unknown);
  } catch (e) {
    return refuse('malformed_json', `Body is not valid JSON: ${(e as Error).message}`);
  }
}

/** The refusal of a value nested deeper than MAX_JSON_DEPTH, else undefined. Counted without recursion. */
export function depthRefusal(value: unknown): Refusal | undefined {
  return valueDepth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH ? tooDeep() : undefined;
}

function tooDeep(): Refusal {
  return refuse('payload_too_deep', `The JSON nests deeper than ${MAX_JSON_DEPTH} levels.`);
}
