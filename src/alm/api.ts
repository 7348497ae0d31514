import type { Logger } from '../logger.js';
import type { ApiBudget } from './budget.js';

/**
 * The ALM admin budget or ALM itself (429) refuses calls until `retryAt`. The caller defers its work until then;
 * nothing is dropped.
 */
export class AlmBudgetExhausted extends Error {
  override readonly name = 'AlmBudgetExhausted';
  constructor(
    readonly retryAt: Date,
    /** 'budget': our own budget is spent, nothing was sent; 'rate-limited': ALM answered 429. */
    readonly source: 'budget' | 'rate-limited' = 'budget',
  ) {
    super(`ALM API budget exhausted (${source}) until ${retryAt.toISOString()}`);
  }
}

/** Any other failure of an ALM call. `retryable`: a later attempt may succeed (5xx, network, timeout). */
export class AlmApiError extends Error {
  override readonly name = 'AlmApiError';
  readonly retryable: boolean;
  readonly status?: number;
  constructor(message: string, opts: { retryable: boolean; status?: number; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.retryable = opts.retryable;
    if (opts.status !== undefined) this.status = opts.status;
  }
}

export interface AlmApiOptions {
  /** e.g. https://learningmanager.adobe.com */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** Every /primeapi request takes one call from it (token refreshes do not). */
  budget: ApiBudget;
  fetch?: typeof fetch;
  log?: Logger;
  /** Per request, reading the body included. Default 10 s. */
  timeoutMs?: number;
  /** Clock in ms (default Date.now): token expiry and 429 back-off. */
  now?: () => number;
}

interface AlmUser {
  id: string;
  email?: string;
  name?: string;
}

interface AlmLearningObject {
  id: string;
  name?: string;
  loType?: string;
  state?: string;
}

interface AlmInstance {
  id: string;
  /** ISO date-time by which an enrolled learner is to complete it; absent when the instance sets none. */
  completionDeadline?: string;
  state?: string;
}

type Json = Record<string, unknown>;

const DEFAULT_RETRY_AFTER_MS = 60_000;
const NAME_LOCALES = ['zh-cn', 'en-us'];

/** A small client for the ALM primeapi v2 lookups the bot needs: users and learning objects. */
export class AlmApi {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private refreshToken: string;
  private token: { value: string; renewAt: number } | undefined;
  private refreshing: Promise<string> | undefined;
  /** After a 429, no call is sent before this clock time. */
  private blockedUntil = 0;

  constructor(private readonly opts: AlmApiOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.fetchFn = opts.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.now = opts.now ?? Date.now;
    this.refreshToken = opts.refreshToken;
  }

  /** The user's email and name; null when ALM does not know the id. */
  async getUser(id: string | number): Promise<AlmUser | null> {
    const data = await this.getData(`/primeapi/v2/users/${encodeURIComponent(String(id))}`);
    if (!data) return null;
    const a = attributes(data);
    return { id: str(data.id) ?? String(id), email: str(a.email), name: str(a.name) };
  }

  /** A learning object (`course:…`, `learningProgram:…`, `certification:…`); null when unknown. */
  async getLearningObject(id: string): Promise<AlmLearningObject | null> {
    const data = await this.getData(`/primeapi/v2/learningObjects/${encodeURIComponent(id)}`);
    if (!data) return null;
    const a = attributes(data);
    return { id: str(data.id) ?? id, name: pickName(a.localizedMetadata), loType: str(a.loType), state: str(a.state) };
  }

  /**
   * A course instance (`course:123_456`) of a learning object; null when either is unknown. Its completion deadline
   * is the date an admin set for learners of that instance.
   */
  async getInstance(loId: string, instanceId: string): Promise<AlmInstance | null> {
    const path = `/primeapi/v2/learningObjects/${encodeURIComponent(loId)}/instances/${encodeURIComponent(instanceId)}`;
    const data = await this.getData(path);
    if (!data) return null;
    const a = attributes(data);
    const deadline = str(a.completionDeadline);
    return {
      id: str(data.id) ?? instanceId,
      ...(deadline && !Number.isNaN(Date.parse(deadline)) ? { completionDeadline: deadline } : {}),
      ...(str(a.state) ? { state: str(a.state) } : {}),
    };
  }

  /** GET a JSON:API resource's `data`; null on 404. Renews the token and retries once on a 401. */
  private async getData(path: string): Promise<Json | null> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.accessToken();
      await this.takeBudget();
      const res = await this.send(path, {
        headers: { Authorization: `oauth ${token}`, Accept: 'application/vnd.api+json' },
      });
      if (res.status === 401 && attempt === 1) {
        await discard(res);
        if (this.token?.value === token) this.token = undefined;
        this.opts.log?.info({ path }, 'ALM rejected the access token; renewing it');
        continue;
      }
      if (res.status === 404) {
        await discard(res);
        return null;
      }
      if (!res.ok) throw await this.failure(res, `GET ${path}`);
      const body = await this.readJson(res, `GET ${path}`);
      const data = body.data;
      if (!isJson(data))
        throw new AlmApiError(`GET ${path}: response has no data object`, { retryable: false, status: res.status });
      return data;
    }
  }

  private async takeBudget(): Promise<void> {
    const now = this.now();
    if (now < this.blockedUntil) throw new AlmBudgetExhausted(new Date(this.blockedUntil), 'rate-limited');
    const take = await this.opts.budget.tryTake();
    if (!take.ok) {
      this.opts.log?.debug({ retryAt: take.retryAt }, 'ALM API budget spent');
      throw new AlmBudgetExhausted(take.retryAt, 'budget');
    }
  }

  /** Checks the credentials by getting an access token (token refreshes are not counted against the budget). */
  async checkCredentials(): Promise<void> {
    await this.accessToken();
  }

  /** The cached access token, or a fresh one; concurrent callers share one refresh. */
  private accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.renewAt) return Promise.resolve(this.token.value);
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refresh(): Promise<string> {
    const form = new URLSearchParams({
      refresh_token: this.refreshToken,
      client_id: this.opts.clientId,
      client_secret: this.opts.clientSecret,
    });
    const res = await this.send('/oauth/token/refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: form.toString(),
    });
    if (!res.ok) throw await this.failure(res, 'ALM token refresh');
    const body = await this.readJson(res, 'ALM token refresh');
    const value = str(body.access_token);
    if (!value)
      throw new AlmApiError('ALM token refresh: no access_token in the response', {
        retryable: false,
        status: res.status,
      });
    const ttlMs = (typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600) * 1000;
    // Renew a little early: 10% of the lifetime, at most 5 minutes.
    this.token = { value, renewAt: this.now() + ttlMs - Math.min(ttlMs / 10, 5 * 60_000) };
    const rotated = str(body.refresh_token);
    if (rotated) this.refreshToken = rotated;
    this.opts.log?.info({ expiresInS: ttlMs / 1000 }, 'ALM access token renewed');
    return value;
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    const what = `${init.method ?? 'GET'} ${path}`;
    try {
      return await this.fetchFn(this.baseUrl + path, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw networkError(err, what, this.timeoutMs);
    }
  }

  private async readJson(res: Response, what: string): Promise<Json> {
    let body: unknown;
    try {
      body = await res.json();
    } catch (err) {
      if (isAbort(err)) throw networkError(err, what, this.timeoutMs);
      throw new AlmApiError(`${what}: response is not JSON`, { retryable: false, status: res.status });
    }
    if (!isJson(body))
      throw new AlmApiError(`${what}: response is not a JSON object`, { retryable: false, status: res.status });
    return body;
  }

  /** The error for a non-2xx answer. A 429 blocks every call of this client until its Retry-After. */
  private async failure(res: Response, what: string): Promise<Error> {
    await discard(res);
    if (res.status === 429) {
      const retryAt = this.now() + retryAfterMs(res.headers.get('retry-after'), this.now());
      this.blockedUntil = Math.max(this.blockedUntil, retryAt);
      this.opts.log?.warn({ retryAt: new Date(retryAt) }, `${what}: ALM rate limit reached (429)`);
      return new AlmBudgetExhausted(new Date(retryAt), 'rate-limited');
    }
    const retryable = res.status >= 500 || res.status === 408;
    this.opts.log?.warn({ status: res.status, retryable }, `${what} failed`);
    return new AlmApiError(`${what}: HTTP ${res.status}`, { retryable, status: res.status });
  }
}

/** Retry-After in seconds or as an HTTP date; 60 s when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number {
  if (header === null || header.trim() === '') return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? DEFAULT_RETRY_AFTER_MS : Math.max(0, date - now);
}

/** The name in zh-CN, else en-US, else the first locale that has one. */
function pickName(meta: unknown): string | undefined {
  if (!Array.isArray(meta)) return undefined;
  const entries = meta.filter(isJson).filter((m) => str(m.name));
  for (const locale of NAME_LOCALES) {
    const hit = entries.find((m) => str(m.locale)?.toLowerCase() === locale);
    if (hit) return str(hit.name);
  }
  return entries[0] ? str(entries[0].name) : undefined;
}

function networkError(err: unknown, what: string, timeoutMs: number): AlmApiError {
  const reason = isAbort(err)
    ? `timed out after ${timeoutMs} ms`
    : `network error: ${(err as Error)?.message ?? String(err)}`;
  return new AlmApiError(`${what}: ${reason}`, { retryable: true, cause: err });
}

function isAbort(err: unknown): boolean {
  const name = (err as Error | undefined)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}

function attributes(data: Json): Json {
  return isJson(data.attributes) ? data.attributes : {};
}

function str(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
