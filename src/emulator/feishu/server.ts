/**
 * Request pipeline: route -> tenant token -> helpdesk credential (helpdesk routes only) ->
 * JSON body -> scripted failure -> handler, then one RequestRecord per request. Unknown
 * routes get 404 before auth is looked at; a scripted failure only replaces the answer to a
 * request that passed both credential checks.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { TokenStore } from './auth.js';
import { botInfoReply, type BotIdentity } from './bot.js';
import { ERR } from './codes.js';
import type { Directory } from './contact.js';
import type { FailureQueue } from './failures.js';
import { HELPDESK_AUTH_HEADER, type HelpdeskService } from './helpdesk.js';
import { ApiError, parseJsonBody, readBody, sendJson, type ApiReply, type ApiRequest } from './http.js';
import type { LongConnectionService } from './long-connection.js';
import type { MessageService } from './messages.js';
import type { ScopeGrants } from './scopes.js';
import type { RequestRecord, ScriptedFailure } from './types.js';

interface ServerDeps {
  clock: () => number;
  tokens: TokenStore;
  directory: Directory;
  messages: MessageService;
  helpdesk: HelpdeskService;
  bot: BotIdentity;
  scopes: ScopeGrants;
  longConnection: LongConnectionService;
  failures: FailureQueue;
  /** x-ogw-ratelimit-limit for scripted 429s that give no headers of their own. */
  appRatePerSecond: number;
  record: (r: RequestRecord) => void;
  /** Wait `ms` (cut short when the emulator stops). */
  delay: (ms: number) => Promise<void>;
}

interface Route {
  method: string;
  pattern: RegExp;
  auth: boolean;
  /** Also needs X-Lark-Helpdesk-Authorization (checked after the tenant token). */
  helpdesk?: boolean;
  handle: (req: ApiRequest, param: string) => ApiReply;
}

function routes(d: ServerDeps): Route[] {
  return [
    {
      method: 'POST',
      pattern: /^\/open-apis\/auth\/v3\/tenant_access_token\/internal$/,
      auth: false,
      handle: (req) => d.tokens.handleIssue(req),
    },
    // Long connection endpoint discovery: outside /open-apis, authenticated by the app id and secret in the body.
    {
      method: 'POST',
      pattern: /^\/callback\/ws\/endpoint$/,
      auth: false,
      handle: (req) => d.longConnection.handleEndpoint(req),
    },
    {
      method: 'POST',
      pattern: /^\/open-apis\/im\/v1\/messages$/,
      auth: true,
      handle: (req) => d.messages.handleCreate(req),
    },
    {
      method: 'GET',
      pattern: /^\/open-apis\/im\/v1\/chats\/([^/]+)\/members$/,
      auth: true,
      handle: (req, id) => d.messages.handleChatMembers(req, id),
    },
    {
      method: 'GET',
      pattern: /^\/open-apis\/im\/v1\/chats\/([^/]+)$/,
      auth: true,
      handle: (req, id) => d.messages.handleGetChat(req, id),
    },
    {
      method: 'POST',
      pattern: /^\/open-apis\/ephemeral\/v1\/send$/,
      auth: true,
      handle: (req) => d.messages.handleEphemeral(req),
    },
    {
      method: 'POST',
      pattern: /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/,
      auth: true,
      handle: (req, id) => d.messages.handleReply(req, id),
    },
    {
      method: 'PATCH',
      pattern: /^\/open-apis\/im\/v1\/messages\/([^/]+)\/urgent_app$/,
      auth: true,
      handle: (req, id) => d.messages.handleUrgentApp(req, id),
    },
    {
      method: 'PATCH',
      pattern: /^\/open-apis\/im\/v1\/messages\/([^/]+)$/,
      auth: true,
      handle: (req, id) => d.messages.handlePatch(req, id),
    },
    {
      method: 'POST',
      pattern: /^\/open-apis\/contact\/v3\/users\/batch_get_id$/,
      auth: true,
      handle: (req) => d.directory.handleBatchGetId(req),
    },
    {
      method: 'GET',
      pattern: /^\/open-apis\/contact\/v3\/users\/([^/]+)$/,
      auth: true,
      handle: (req, id) => d.directory.handleGet(req, id),
    },
    // Some clients call it with a trailing slash.
    { method: 'GET', pattern: /^\/open-apis\/bot\/v3\/info\/?$/, auth: true, handle: () => botInfoReply(d.bot) },
    {
      method: 'GET',
      pattern: /^\/open-apis\/application\/v6\/scopes$/,
      auth: true,
      handle: () => d.scopes.handleList(),
    },
    {
      method: 'POST',
      pattern: /^\/open-apis\/helpdesk\/v1\/events\/subscribe$/,
      auth: true,
      helpdesk: true,
      handle: (req) => d.helpdesk.handleSubscribe(req),
    },
    {
      method: 'POST',
      pattern: /^\/open-apis\/helpdesk\/v1\/events\/unsubscribe$/,
      auth: true,
      helpdesk: true,
      handle: (req) => d.helpdesk.handleUnsubscribe(req),
    },
    {
      method: 'GET',
      pattern: /^\/open-apis\/helpdesk\/v1\/tickets\/([^/]+)$/,
      auth: true,
      helpdesk: true,
      handle: (req, id) => d.helpdesk.handleGetTicket(req, id),
    },
  ];
}

export function createRequestListener(deps: ServerDeps): RequestListener {
  const table = routes(deps);
  return (req, res) => {
    handle(deps, table, req, res).catch((err: unknown) => {
      // Only a bug in the emulator lands here; answer so the client does not hang.
      if (!res.headersSent && !res.destroyed) {
        sendJson(res, { status: 500, body: { code: -1, msg: `emulator error: ${String(err)}` } });
      }
    });
  };
}

async function handle(deps: ServerDeps, table: Route[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const at = deps.clock();
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const rec: RequestRecord = { method, path: url.pathname, query: url.search, status: 0, at };
  const raw = await readBody(req);

  let reply: ApiReply;
  let delayMs = 0;
  try {
    let param = '';
    const route = table.find((r) => {
      const m = r.method === method ? r.pattern.exec(url.pathname) : null;
      if (m) param = decodeURIComponent(m[1] ?? '');
      return m !== null;
    });
    if (!route) throw new ApiError(ERR.notFound);
    if (route.auth) deps.tokens.check(req.headers.authorization, at);
    const helpdeskId = route.helpdesk ? deps.helpdesk.authenticate(req.headers[HELPDESK_AUTH_HEADER]) : undefined;
    const apiReq: ApiRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: parseJsonBody(raw),
      at,
      ...(helpdeskId !== undefined && { helpdeskId }),
    };
    const failure = deps.failures.take(apiReq);
    if (failure && 'networkError' in failure) {
      rec.scripted = 'networkError';
      deps.record(rec);
      req.socket.destroy();
      return;
    }
    if (failure && 'status' in failure) {
      rec.scripted = 'status';
      reply = scriptedReply(failure, deps.appRatePerSecond);
    } else {
      if (failure && 'delayMs' in failure) {
        // The request is processed now and answered late, like a server whose reply is
        // slow: a client that times out may retry something that already happened.
        rec.scripted = 'delay';
        delayMs = failure.delayMs;
      }
      reply = route.handle(apiReq, param);
    }
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    reply = err.reply();
  }
  rec.status = reply.status;
  if (typeof reply.body.code === 'number') rec.code = reply.body.code;
  deps.record(rec);
  if (delayMs > 0) await deps.delay(delayMs);
  if (!res.destroyed) sendJson(res, reply);
}

function scriptedReply(f: Extract<ScriptedFailure, { status: number }>, rateLimit: number): ApiReply {
  const is429 = f.status === 429;
  const headers = is429
    ? { 'x-ogw-ratelimit-limit': String(rateLimit), 'x-ogw-ratelimit-reset': '1', ...f.headers }
    : { ...f.headers };
  const code = f.code ?? (is429 ? ERR.rateLimited.code : f.status);
  const msg = f.msg ?? (is429 ? ERR.rateLimited.msg : 'scripted failure');
  return { status: f.status, body: { code, msg }, headers };
}
