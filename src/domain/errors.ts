/**
 * The one shape of an error that crosses modules: a stable `code` to act on and to log, and whether trying the
 * same work again may succeed (`retryable`). The inbox worker fails an event at once on a non-retryable error,
 * retries a retryable one with backoff, and postpones on `RetryLater` without counting an attempt.
 */
interface Coded {
  readonly code: string;
  readonly retryable: boolean;
}

export class CodedError extends Error implements Coded {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'CodedError';
  }
}

export function isCoded(err: unknown): err is Error & Coded {
  return (
    err instanceof Error &&
    typeof (err as Partial<Coded>).code === 'string' &&
    typeof (err as Partial<Coded>).retryable === 'boolean'
  );
}

/** A stored payload that does not fit its event type's schema: processing it again would fail the same way. */
export class InvalidPayload extends CodedError {
  constructor(message: string) {
    super('invalid_payload', message, false);
    this.name = 'InvalidPayload';
  }
}

/**
 * Work that cannot be done yet (an API budget is spent until `until`). The event goes back to pending until then,
 * without counting as a failed attempt: it waits, it is not dropped.
 */
export class RetryLater extends CodedError {
  constructor(
    readonly until: Date,
    reason: string,
  ) {
    super('retry_later', reason, true);
    this.name = 'RetryLater';
  }
}

/**
 * A payload nested deeper than the bot stores (MAX_JSON_DEPTH): refused, never stored. Storage throws it; a
 * receiver answers it as a client's error (400 `payload_too_deep`).
 */
export class PayloadTooDeep extends CodedError {
  constructor(limit: number) {
    super('payload_too_deep', `The payload nests deeper than ${limit} levels.`, false);
    this.name = 'PayloadTooDeep';
  }
}
