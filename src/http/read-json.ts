import type { Context } from 'koa';
import getRawBody from 'raw-body';
import contentType from 'content-type';
import { badRequest, payloadTooLarge, unsupportedMediaType } from './errors.js';
import { clientGone } from './client-gone.js';
import { MAX_JSON_DEPTH, jsonTextDepth } from '../util/jsonb-safe.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface JsonRequest {
  raw: Buffer;
  /** `raw` as UTF-8 text: what `body` was parsed from. */
  text: string;
  body: unknown;
}

/**
 * Reads the exact request bytes (signatures are checked over them, never over a re-serialised body)
 * and parses them as JSON. 415 for a non-JSON content type, 413 over 1 MiB, 400 for malformed JSON or JSON nested
 * deeper than MAX_JSON_DEPTH (`payload_too_deep`).
 */
export async function readJson(ctx: Context, limit = MAX_BODY_BYTES): Promise<JsonRequest> {
  const header = ctx.get('content-type');
  let type: string;
  try {
    type = contentType.parse(header).type;
  } catch {
    throw unsupportedMediaType(
      `Content-Type must be application/json (got ${header ? JSON.stringify(header) : 'none'}).`,
    );
  }
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw unsupportedMediaType(`Content-Type must be application/json (got ${JSON.stringify(type)}).`);
  }
  const declared = Number(ctx.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    throw payloadTooLarge(`Body is ${declared} bytes; the limit is ${limit}.`);
  }
  let raw: Buffer;
  try {
    raw = await getRawBody(ctx.req, { limit });
  } catch (e) {
    if ((e as { type?: string }).type === 'entity.too.large')
      throw payloadTooLarge(`Body exceeds the limit of ${limit} bytes.`);
    if (clientGone(e, ctx)) throw e;
    throw badRequest(`Could not read the request body: ${(e as Error).message}`);
  }
  const text = raw.toString('utf8');
  return { raw, text, body: parseJson(text) };
}

export function parseJson(raw: Buffer | string): unknown {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  if (text.trim() === '') throw badRequest('Body is empty; expected a JSON object.', 'malformed_json');
  // Counted over the text before parsing, in one pass without recursion: a deeper value is never built.
  if (jsonTextDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw badRequest(`The JSON nests deeper than ${MAX_JSON_DEPTH} levels.`, 'payload_too_deep');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`Body is not valid JSON: ${(e as Error).message}`, 'malformed_json');
  }
}
