/** The one table from a verification's refusal to the HTTP answer a webhook gets (`{"error": code, "message"}`). */
import { PayloadTooDeep } from '../domain/errors.js';
import { HttpError } from '../http/errors.js';
import type { Refusal, RefusalCode } from '../verify/result.js';

const HTTP_STATUS: Record<RefusalCode, 400 | 401> = {
  malformed_json: 400,
  payload_too_deep: 400,
  not_a_feishu_event: 400,
  not_a_card_callback: 400,
  bad_encryption: 400,
  encryption_not_configured: 400,
  bad_signature: 401,
  missing_signature: 401,
  bad_token: 401,
  not_configured: 401,
  bad_credentials: 401,
  bad_secret_key: 401,
};

/** The HTTP error for a refusal; the error middleware answers with it. */
export function refusalError(refusal: Refusal): HttpError {
  return new HttpError(HTTP_STATUS[refusal.code], refusal.code, refusal.message);
}

/** The verified value, or throws the refusal's HTTP error. */
export function orRefuse<T>(result: { ok: true; value: T } | Refusal): T {
  if (!result.ok) throw refusalError(result);
  return result.value;
}

/**
 * What storage refused, as the HTTP error a client gets: storage speaks in domain errors, and the ones that are the
 * sender's fault become a 4xx here. Anything else passes through unchanged (the error middleware answers 500).
 */
export function storageRefusal(err: unknown): unknown {
  return err instanceof PayloadTooDeep ? new HttpError(400, err.code, err.message) : err;
}

/** Awaits a write to storage, turning what it refused into the client's HTTP error (`storageRefusal`). */
export async function stored<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (e) {
    throw storageRefusal(e);
  }
}
