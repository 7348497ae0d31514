/** The emulator's state: OAuth tokens, the user and learning-object catalog, scripted failures. */
import { randomBytes } from 'node:crypto';
import type {
  AlmFailureMatch,
  AlmScriptedFailure,
  EmulatedAlmUser,
  EmulatedInstance,
  EmulatedLearningObject,
} from './types.js';

/** What a handler answers. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The JSON:API-style error body ALM answers with. */
export function errorReply(status: number, title: string, detail: string, headers?: Record<string, string>): Reply {
  return { status, body: { status: String(status), title, detail }, ...(headers && { headers }) };
}

export class AlmTokens {
  /** token -> expiry (clock ms). */
  private readonly valid = new Map<string, number>();

  constructor(
    private readonly creds: { clientId: string; clientSecret: string; refreshToken: string },
    private readonly ttlSeconds: number,
  ) {}

  /** POST /oauth/token/refresh with a form body. Every refresh issues a new token; older ones stay valid. */
  handleRefresh(form: URLSearchParams, now: number): Reply {
    const refreshToken = form.get('refresh_token');
    const clientId = form.get('client_id');
    const clientSecret = form.get('client_secret');
    if (!refreshToken || !clientId || !clientSecret) {
      return {
        status: 400,
        body: {
          error: 'invalid_request',
          error_description: 'refresh_token, client_id and client_secret are required',
        },
      };
    }
    const c = this.creds;
    if (clientId !== c.clientId || clientSecret !== c.clientSecret || refreshToken !== c.refreshToken) {
      return {
        status: 401,
        body: { error: 'invalid_grant', error_description: 'invalid client credentials or refresh token' },
      };
    }
    const token = randomBytes(16).toString('hex');
    this.valid.set(token, now + this.ttlSeconds * 1000);
    const body = {
      access_token: token,
      refresh_token: c.refreshToken,
      user_role: 'admin',
      account_id: '1234',
      expires_in: this.ttlSeconds,
    };
    return { status: 200, body };
  }

  /** Whether `Authorization: oauth <token>` names a live token. */
  check(authorization: string | undefined, now: number): boolean {
    const m = /^oauth\s+(\S+)\s*$/i.exec(authorization ?? '');
    const expiresAt = m ? this.valid.get(m[1]!) : undefined;
    return expiresAt !== undefined && expiresAt > now;
  }

  expireAll(): void {
    this.valid.clear();
  }
}

export class AlmCatalog {
  private readonly users = new Map<string, EmulatedAlmUser>();
  private readonly los = new Map<string, EmulatedLearningObject>();
  private readonly instances = new Map<string, EmulatedInstance & { loId: string }>();

  addUser(u: EmulatedAlmUser): void {
    this.users.set(String(u.id), { ...u });
  }

  addLearningObject(lo: EmulatedLearningObject): void {
    this.los.set(lo.id, { ...lo });
  }

  addInstance(i: EmulatedInstance): void {
    this.instances.set(i.id, { ...i, loId: i.loId ?? i.id.slice(0, Math.max(0, i.id.lastIndexOf('_'))) });
  }

  /** Sets (or, with null, removes) an instance's completion deadline; false when the instance is unknown. */
  setCompletionDeadline(id: string, deadline: string | null): boolean {
    const i = this.instances.get(id);
    if (!i) return false;
    if (deadline === null) delete i.completionDeadline;
    else i.completionDeadline = deadline;
    return true;
  }

  /** GET /primeapi/v2/learningObjects/{loId}/instances/{instanceId}: 404 unless both exist and belong together. */
  getInstance(loId: string, id: string): Reply {
    const i = this.instances.get(id);
    if (!this.los.has(loId) || !i || i.loId !== loId)
      return errorReply(404, 'NOT_FOUND', `learning object instance ${id} not found`);
    const attributes = {
      state: i.state ?? 'Active',
      isDefault: true,
      ...(i.completionDeadline !== undefined && { completionDeadline: i.completionDeadline }),
    };
    const self = `/primeapi/v2/learningObjects/${encodeURIComponent(loId)}/instances/${encodeURIComponent(id)}`;
    return {
      status: 200,
      body: {
        data: {
          id,
          type: 'learningObjectInstance',
          attributes,
          relationships: { learningObject: { data: { id: loId, type: 'learningObject' } } },
        },
        links: { self },
      },
    };
  }

  /** GET /primeapi/v2/users/{id} */
  getUser(id: string): Reply {
    const u = this.users.get(id);
    if (!u) return errorReply(404, 'NOT_FOUND', `user ${id} not found`);
    const attributes = { email: u.email, name: u.name, state: 'ACTIVE', userType: 'Internal', roles: ['Learner'] };
    return {
      status: 200,
      body: { data: { id: String(u.id), type: 'user', attributes }, links: { self: `/primeapi/v2/users/${u.id}` } },
    };
  }

  /** GET /primeapi/v2/learningObjects/{id} */
  getLearningObject(id: string): Reply {
    const lo = this.los.get(id);
    if (!lo) return errorReply(404, 'NOT_FOUND', `learning object ${id} not found`);
    const meta = [{ locale: lo.locale ?? 'en-US', name: lo.name, description: '', overview: '' }];
    for (const [locale, name] of Object.entries(lo.names ?? {}))
      meta.push({ locale, name, description: '', overview: '' });
    const attributes = {
      loType: lo.loType ?? lo.id.split(':')[0],
      state: lo.state ?? 'Published',
      localizedMetadata: meta,
    };
    return { status: 200, body: { data: { id: lo.id, type: 'learningObject', attributes } } };
  }
}

/** Scripted failures, consumed by matching requests in FIFO order. */
export class AlmFailures {
  private pending: { failure: AlmScriptedFailure; left: number }[] = [];

  push(failure: AlmScriptedFailure): void {
    const times = failure.times ?? 1;
    if (!Number.isInteger(times) || times < 1)
      throw new Error(`failNext: times must be a positive integer, got ${times}`);
    this.pending.push({ failure, left: times });
  }

  take(method: string, path: string): AlmScriptedFailure | undefined {
    const i = this.pending.findIndex((p) => matches(p.failure.match, method, path));
    if (i < 0) return undefined;
    const p = this.pending[i]!;
    if (--p.left === 0) this.pending.splice(i, 1);
    return p.failure;
  }

  clear(): void {
    this.pending = [];
  }
}

function matches(match: AlmFailureMatch | undefined, method: string, path: string): boolean {
  if (match?.method && match.method.toUpperCase() !== method) return false;
  const p = match?.path;
  if (p === undefined) return path.startsWith('/primeapi/');
  if (typeof p === 'string') return p === path;
  p.lastIndex = 0;
  return p.test(path);
}
