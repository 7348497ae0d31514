/** tenant_access_token issuing and checking. */
import { randomBytes } from 'node:crypto';
import { ERR, TOKEN_REFRESH_BELOW_MS } from './codes.js';
import { ApiError, isRecord, type ApiReply, type ApiRequest } from './http.js';

export class TokenStore {
  /** token -> expiry (clock ms). Tokens stay valid until they expire, even once replaced. */
  private readonly valid = new Map<string, number>();
  private current: { token: string; expiresAt: number } | undefined;

  constructor(
    private readonly appId: string,
    private readonly appSecret: string,
    private readonly ttlSeconds: number,
  ) {}

  /** POST /open-apis/auth/v3/tenant_access_token/internal */
  handleIssue(req: ApiRequest): ApiReply {
    const body = isRecord(req.body) ? req.body : {};
    const { app_id: appId, app_secret: appSecret } = body;
    if (typeof appId !== 'string' || typeof appSecret !== 'string' || !appId || !appSecret) {
      throw new ApiError(ERR.tokenInvalidParam);
    }
    if (appId !== this.appId) throw new ApiError(ERR.appIdNotExists);
    if (appSecret !== this.appSecret) throw new ApiError(ERR.appSecretInvalid);
    const { token, expire } = this.issue(req.at);
    // Top level, no `data`.
    return { status: 200, body: { code: 0, msg: 'ok', tenant_access_token: token, expire } };
  }

  /**
   * The current token while at least 30 min of it remain (with its remaining lifetime),
   * otherwise a new one; the old one stays valid until it expires.
   */
  issue(now: number): { token: string; expire: number } {
    const cur = this.current;
    if (cur && cur.expiresAt - now >= TOKEN_REFRESH_BELOW_MS) {
      return { token: cur.token, expire: Math.floor((cur.expiresAt - now) / 1000) };
    }
    const token = `t-${randomBytes(20).toString('hex')}`;
    const expiresAt = now + this.ttlSeconds * 1000;
    this.current = { token, expiresAt };
    this.valid.set(token, expiresAt);
    return { token, expire: this.ttlSeconds };
  }

  /** Throws 99991661 (no bearer token) or 99991663 (unknown or expired). */
  check(authorization: string | undefined, now: number): void {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m) throw new ApiError(ERR.tokenMissing);
    const expiresAt = this.valid.get(m[1]!);
    if (expiresAt === undefined || expiresAt <= now) throw new ApiError(ERR.tokenInvalid);
  }

  /** Invalidate every token handed out so far (as if all had expired). */
  revokeAll(): void {
    this.valid.clear();
    this.current = undefined;
  }
}
