/** AlmEmulator: owns the HTTP server and runs each request through the pipeline below. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listen } from '../listen.js';
import { readBody, sendJson } from '../feishu/http.js';
import { SlidingWindowLimiter } from '../feishu/rate-limit.js';
import { AlmCatalog, AlmFailures, AlmTokens, errorReply, type Reply } from './state.js';
import type {
  AlmEmulatorOptions,
  AlmRequestRecord,
  AlmScriptedFailure,
  EmulatedAlmUser,
  EmulatedInstance,
  EmulatedLearningObject,
} from './types.js';

export const DEFAULT_CLIENT_ID = 'alm-emulator-client';
export const DEFAULT_CLIENT_SECRET = 'alm-emulator-secret';
export const DEFAULT_REFRESH_TOKEN = 'alm-emulator-refresh-token';

const HOUR_MS = 60 * 60 * 1000;
const JSON_API = 'application/vnd.api+json;charset=UTF-8';

export class AlmEmulator {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;

  private readonly server: Server;
  private readonly clock: () => number;
  private readonly tokens: AlmTokens;
  private readonly catalog = new AlmCatalog();
  private readonly failures = new AlmFailures();
  private readonly limiter: SlidingWindowLimiter | undefined;
  private readonly log: AlmRequestRecord[] = [];
  private readonly pendingDelays = new Set<() => void>();
  private baseUrl = '';

  private constructor(opts: AlmEmulatorOptions) {
    this.clientId = opts.clientId ?? DEFAULT_CLIENT_ID;
    this.clientSecret = opts.clientSecret ?? DEFAULT_CLIENT_SECRET;
    this.refreshToken = opts.refreshToken ?? DEFAULT_REFRESH_TOKEN;
    this.clock = opts.clock ?? Date.now;
    const rate = opts.ratePerHour === undefined ? 500 : opts.ratePerHour;
    this.limiter = rate === null ? undefined : new SlidingWindowLimiter(rate, HOUR_MS);
    this.tokens = new AlmTokens(this, opts.tokenTtlSeconds ?? 604_800);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        // Only an emulator bug lands here; answer so the client does not hang.
        if (!res.headersSent && !res.destroyed)
          sendJson(res, { status: 500, body: { detail: `emulator error: ${String(err)}` } });
      });
    });
  }

  /** Start listening on 127.0.0.1 and a random port (unless `opts.port`). */
  static async start(opts: AlmEmulatorOptions = {}): Promise<AlmEmulator> {
    const emu = new AlmEmulator(opts);
    const host = opts.host ?? '127.0.0.1';
    emu.baseUrl = await listen(emu.server, host, opts.port ?? 0);
    return emu;
  }

  /** 'http://127.0.0.1:PORT', the ALM base URL. */
  get url(): string {
    return this.baseUrl;
  }

  /** Every request received, rejected ones included. */
  get requests(): ReadonlyArray<AlmRequestRecord> {
    return this.log;
  }

  /** Only the /primeapi calls (what the admin rate limit counts), not token refreshes. */
  primeRequests(): AlmRequestRecord[] {
    return this.log.filter((r) => r.path.startsWith('/primeapi/'));
  }

  /** Token refresh calls. */
  refreshRequests(): AlmRequestRecord[] {
    return this.log.filter((r) => r.path === '/oauth/token/refresh');
  }

  addUser(user: EmulatedAlmUser): void {
    this.catalog.addUser(user);
  }

  addLearningObject(lo: EmulatedLearningObject): void {
    this.catalog.addLearningObject(lo);
  }

  /** A course instance of a learning object added with addLearningObject. */
  addInstance(instance: EmulatedInstance): void {
    this.catalog.addInstance(instance);
  }

  /** Sets (null: removes) an instance's completion deadline, an ISO date-time. */
  setCompletionDeadline(instanceId: string, deadline: string | null): void {
    if (!this.catalog.setCompletionDeadline(instanceId, deadline)) throw new Error(`no instance ${instanceId}`);
  }

  /** Script the answer to the next matching request(s) (default: any /primeapi call). */
  failNext(failure: AlmScriptedFailure): void {
    this.failures.push(failure);
  }

  /** Every access token issued so far stops working (401), as if it had expired. */
  expireTokens(): void {
    this.tokens.expireAll();
  }

  /** Clear requests, queued failures and the rate-limit window. Users, learning objects and tokens stay. */
  reset(): void {
    this.log.length = 0;
    this.failures.clear();
    this.limiter?.reset();
  }

  /** Close the server and every open connection; delayed replies are dropped. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
    this.server.closeAllConnections();
    for (const wake of [...this.pendingDelays]) wake();
    await closed;
  }

  /**
   * Pipeline. /primeapi: rate limit (every admitted call counts, whatever its answer) -> scripted failure ->
   * access token -> route. /oauth/token/refresh: scripted failure -> credentials. Anything else is 404.
   */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = this.clock();
    const method = (req.method ?? 'GET').toUpperCase();
    const path = new URL(req.url ?? '/', 'http://emulator.invalid').pathname;
    const prime = path.startsWith('/primeapi/');
    const rec: AlmRequestRecord = {
      method,
      path,
      at,
      status: 0,
      ...(req.headers.accept && { accept: req.headers.accept }),
    };
    const raw = await readBody(req);
    let delayMs = 0;
    let reply = prime ? this.rateLimit(path, at) : undefined;
    if (!reply) {
      const failure = this.failures.take(method, path);
      if (failure && 'status' in failure) {
        rec.scripted = 'status';
        reply = {
          status: failure.status,
          body: failure.body ?? scriptedBody(failure.status),
          ...(failure.headers && { headers: failure.headers }),
        };
      } else {
        if (failure) {
          rec.scripted = 'delay';
          delayMs = failure.delayMs;
        }
        reply = this.route(method, path, raw, req.headers.authorization, at);
      }
    }
    rec.status = reply.status;
    this.log.push(rec);
    if (delayMs > 0) await this.delay(delayMs);
    if (res.destroyed) return;
    const json: Record<string, string> = prime ? { 'content-type': JSON_API } : {};
    sendJson(res, {
      status: reply.status,
      body: reply.body as Record<string, unknown>,
      headers: { ...json, ...reply.headers },
    });
  }

  /** A 429 with Retry-After (whole seconds) when the call's API has used up its hour; else the call is counted. */
  private rateLimit(path: string, at: number): Reply | undefined {
    const wait = this.limiter?.tryAcquire(limitKey(path), at) ?? 0;
    if (wait === 0) return undefined;
    return errorReply(429, 'TOO_MANY_REQUESTS', 'admin rate limit exceeded', {
      'retry-after': String(Math.ceil(wait / 1000)),
    });
  }

  private route(method: string, path: string, raw: string, authorization: string | undefined, at: number): Reply {
    if (path === '/oauth/token/refresh' && method === 'POST')
      return this.tokens.handleRefresh(new URLSearchParams(raw), at);
    if (!path.startsWith('/primeapi/')) return errorReply(404, 'NOT_FOUND', 'no such endpoint');
    if (!this.tokens.check(authorization, at))
      return errorReply(401, 'UNAUTHORIZED', 'access token missing, invalid or expired');
    const instance = /^\/primeapi\/v2\/learningObjects\/([^/]+)\/instances\/([^/]+)$/.exec(path);
    if (instance && method === 'GET')
      return this.catalog.getInstance(decodeURIComponent(instance[1]!), decodeURIComponent(instance[2]!));
    const m = /^\/primeapi\/v2\/(users|learningObjects)\/([^/]+)$/.exec(path);
    if (!m || method !== 'GET') return errorReply(404, 'NOT_FOUND', 'no such endpoint');
    const id = decodeURIComponent(m[2]!);
    return m[1] === 'users' ? this.catalog.getUser(id) : this.catalog.getLearningObject(id);
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.pendingDelays.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.pendingDelays.add(wake);
    });
  }
}

/** The rate limit is per API: /primeapi/v2/users/... and /primeapi/v2/learningObjects/... count separately. */
function limitKey(path: string): string {
  return path.split('/')[3] ?? '';
}

function scriptedBody(status: number): unknown {
  return errorReply(status, status === 429 ? 'TOO_MANY_REQUESTS' : 'SCRIPTED_FAILURE', 'scripted failure').body;
}
