/** Public types of the Adobe Learning Manager (primeapi v2) emulator. */

export interface AlmEmulatorOptions {
  /** Defaults: DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN. */
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  /**
   * Admin rate limit per API (users, learningObjects, ...), sliding 1 h window. Default 500 (the webhook guide's
   * figure); null disables it.
   */
  ratePerHour?: number | null;
  /** expires_in of issued access tokens. Default 604800 (7 days). */
  tokenTtlSeconds?: number;
  /** Default 0 (a random free port). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Time source in ms (default Date.now): token expiry, rate-limit window, request times. */
  clock?: () => number;
}

export interface EmulatedAlmUser {
  id: string | number;
  email: string;
  name: string;
}

export interface EmulatedLearningObject {
  /** e.g. 'course:12345678' */
  id: string;
  name: string;
  /** Default: the id's prefix ('course', 'learningProgram', 'certification', ...). */
  loType?: string;
  /** Locale of `name`. Default 'en-US'. */
  locale?: string;
  /** More localizedMetadata entries, after the first: locale -> name. */
  names?: Record<string, string>;
  /** Default 'Published'. */
  state?: string;
}

export interface EmulatedInstance {
  /** e.g. 'course:12345678_14450088': the learning object's id, '_', the instance number. */
  id: string;
  /** Default: the id before its last '_'. */
  loId?: string;
  /** ISO date-time; absent when the instance has no completion deadline. */
  completionDeadline?: string;
  /** Default 'Active'. */
  state?: string;
}

export interface AlmRequestRecord {
  method: string;
  /** Path without the query string, as sent (not URL-decoded). */
  path: string;
  /** Arrival time (clock ms). */
  at: number;
  /** HTTP status answered. */
  status: number;
  /** The Accept header, when sent. */
  accept?: string;
  /** Set when a scripted failure decided the answer or its timing. */
  scripted?: 'status' | 'delay';
}

export interface AlmFailureMatch {
  /** Default: any method. */
  method?: string;
  /** Exact path or a RegExp tested against the path. Default: any /primeapi/ path. */
  path?: string | RegExp;
}

export type AlmScriptedFailure = {
  match?: AlmFailureMatch;
  /** How many matching requests it applies to. Default 1. */
  times?: number;
} & (
  | {
      status: number;
      /** Default: a JSON:API-style error body for the status. */
      body?: unknown;
      headers?: Record<string, string>;
    }
  /** Answer normally, but only after this delay. */
  | { delayMs: number }
);
