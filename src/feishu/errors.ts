/**
 * What a failed Feishu Open API call means for a retry. Pure: it looks only at the thrown error or response.
 * From the error tables of im/v1/messages and the rate-limit guide of the Open Platform.
 */
export interface FeishuFailure {
  retryable: boolean;
  /** Drop the cached tenant token before retrying. */
  tokenInvalid?: boolean;
  /** Minimum wait the server asked for. */
  retryAfterMs?: number;
  status?: number;
  code?: number;
  reason: string;
}

const RETRYABLE_CODES = new Set([
  99991400, // gateway frequency limit
  230020, // message frequency limit (per user / per chat / per message)
  11232, // create message trigger rate limit
  11233,
  99991661, // token missing: refetch
  99991663, // token invalid: refetch
  99991671, // tenant token expired-ish variants
  1000040343, // internal error
]);

const PERMANENT_REASONS: Record<number, string> = {
  230001: 'invalid parameter',
  230002: 'the bot is not in the chat',
  230006: 'the bot ability is not enabled for the app',
  230013: "the user is outside the app's availability",
  230022: 'content flagged as sensitive',
  230025: 'content too long',
  230027: 'no permission to send',
  230028: 'DLP check failed',
  230034: 'invalid receive_id',
  230035: 'sending denied',
  230053: 'the user blocked the bot',
  230099: 'failed to create the card content',
  99991672: 'the app lacks the required scope',
  99991676: 'the app lacks the required scope',
  99991679: 'the app lacks the required scope',
  99991543: 'wrong app_id or app_secret',
};

/**
 * 230099 ("failed to create the card content") is permanent, except with the sub-code 11310 (named in the message,
 * e.g. "ErrCode: 11310"): a card cannot be updated while a click on it is being handled, and can be once the
 * callback has been answered.
 */
const CARD_CONTENT_FAILED = 230099;
const CARD_IN_INTERACTION = /\b11310\b/;

interface AxiosLike {
  isAxiosError?: boolean;
  code?: string;
  message?: string;
  response?: { status?: number; data?: unknown; headers?: Record<string, unknown> };
}

export function classifyFeishuResponse(
  status: number | undefined,
  data: unknown,
  headers?: Record<string, unknown>,
): FeishuFailure {
  const body = (typeof data === 'object' && data !== null ? data : {}) as { code?: unknown; msg?: unknown };
  const code = typeof body.code === 'number' ? body.code : undefined;
  const msg = typeof body.msg === 'string' ? body.msg.slice(0, 200) : undefined;
  const reset = Number(headers?.['x-ogw-ratelimit-reset']);
  const retryAfterMs = Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined;
  const label = [
    status !== undefined ? `HTTP ${status}` : undefined,
    code !== undefined ? `code ${code}` : undefined,
    msg,
  ]
    .filter(Boolean)
    .join(', ');
  const base = { status, code, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  if (code === CARD_CONTENT_FAILED && typeof body.msg === 'string' && CARD_IN_INTERACTION.test(body.msg)) {
    // The card is held by a click being handled: the same update succeeds once the callback has been answered.
    return { ...base, retryable: true, reason: `the card is being clicked; retrying (${label})` };
  }
  if (code !== undefined && RETRYABLE_CODES.has(code)) {
    return {
      ...base,
      retryable: true,
      tokenInvalid: code === 99991661 || code === 99991663 || code === 99991671,
      reason: label,
    };
  }
  if (status === 429) return { ...base, retryable: true, reason: label };
  if (code !== undefined && PERMANENT_REASONS[code])
    return { ...base, retryable: false, reason: `${PERMANENT_REASONS[code]} (${label})` };
  if (status !== undefined && status >= 500) return { ...base, retryable: true, reason: label };
  return { ...base, retryable: false, reason: label || 'unknown Feishu error' };
}

/** Classifies what the SDK threw: an AxiosError for non-2xx answers, or a network-level error. */
export function classifyFeishuError(err: unknown): FeishuFailure {
  const e = err as AxiosLike;
  if (e?.response) return classifyFeishuResponse(e.response.status, e.response.data, e.response.headers);
  const message = (e?.message ?? String(err)).slice(0, 200);
  // No response at all: connection refused or reset, DNS, timeout. The request may or may not have landed,
  // which the message uuid makes safe to retry.
  return { retryable: true, reason: `network error: ${e?.code ?? ''} ${message}`.trim() };
}
