/**
 * Feishu's contact directory, through the SDK: who a user is, who their manager is (`leader_user_id`) and, where
 * the app may read it, their own time zone (`time_zone`, an IANA name). Answers are cached in the `feishu_user`
 * table, shared by every instance; a cached user is refreshed after `ttlMs`.
 *
 * The contact v3 user object carries `time_zone` in the SDK's types, but the documentation of
 * `GET /open-apis/contact/v3/users/:user_id` lists neither the field nor a scope for it: it is taken when present
 * and a valid zone, and its absence is never an error (the tenant's zone applies).
 */
import { IANAZone } from 'luxon';
import type { Db } from '../db/index.js';
import type { FeishuClient } from '../feishu/client.js';
import { classifyFeishuError, classifyFeishuResponse } from '../feishu/errors.js';

interface DirectoryUser {
  openId: string;
  userId: string | null;
  name: string | null;
  leaderOpenId: string | null;
  /** Their own time zone from Feishu, when given and valid. */
  timeZone: string | null;
}

/** A lookup that may work later (network, rate limit, 5xx): the caller retries the whole event. */
class DirectoryUnavailable extends Error {
  constructor(reason: string) {
    super(`Feishu contact lookup failed: ${reason}`);
  }
}

/** Codes meaning "no such user for this app", an answer and not a failure. */
const NOT_FOUND_CODES = new Set([41050, 40001, 99992360, 99992361, 99992402]);

export class FeishuDirectory {
  constructor(
    private readonly db: Db,
    private readonly feishu: FeishuClient | undefined,
    private readonly ttlMs = 24 * 60 * 60_000,
  ) {}

  get available(): boolean {
    return this.feishu !== undefined;
  }

  /** The user with this open_id; null when Feishu does not know them (or no credentials are configured). */
  async user(openId: string): Promise<DirectoryUser | null> {
    const cached = await this.db.feishuUser.findUnique({ where: { openId } });
    if (cached && Date.now() - cached.fetchedAt.getTime() < this.ttlMs) return cached;
    const fetched = await this.fetch(openId, 'open_id');
    if (!fetched) return cached ?? null;
    return fetched;
  }

  /** The open_id of the user with this Feishu user_id (employee id). */
  async openIdForUserId(userId: string): Promise<string | null> {
    const cached = await this.db.feishuUser.findFirst({ where: { userId } });
    if (cached) return cached.openId;
    const user = await this.fetch(userId, 'user_id');
    return user?.openId ?? null;
  }

  /** The open_id of the user with this email or mobile number (contact/v3/users/batch_get_id). */
  async openIdFor(kind: 'email' | 'mobile', value: string): Promise<string | null> {
    if (!this.feishu) return null;
    try {
      const res = await this.feishu.client.contact.v3.user.batchGetId({
        params: { user_id_type: 'open_id' },
        data: kind === 'email' ? { emails: [value] } : { mobiles: [value] },
      });
      if (res.code !== 0) throw new DirectoryUnavailable(classifyFeishuResponse(200, res).reason);
      const match = res.data?.user_list?.find((u) => u.user_id);
      return match?.user_id ?? null;
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  /**
   * The person's own time zone from the directory (cached, else fetched), or null. Never throws: a send must not
   * fail because Feishu could not say where someone lives (the cached answer, or none, stands).
   */
  async timeZoneOf(openId: string): Promise<string | null> {
    try {
      return (await this.user(openId))?.timeZone ?? null;
    } catch {
      const cached = await this.db.feishuUser.findUnique({ where: { openId }, select: { timeZone: true } });
      return cached?.timeZone ?? null;
    }
  }

  /** The learner's manager, as an open_id, from Feishu's leader_user_id. */
  async managerOf(openId: string): Promise<string | null> {
    return (await this.user(openId))?.leaderOpenId ?? null;
  }

  private async fetch(id: string, idType: 'open_id' | 'user_id'): Promise<DirectoryUser | null> {
    if (!this.feishu) return null;
    let user:
      { open_id?: string; user_id?: string; name?: string; leader_user_id?: string; time_zone?: string } | undefined;
    try {
      const res = await this.feishu.client.contact.v3.user.get({
        path: { user_id: id },
        params: { user_id_type: idType },
      });
      if (res.code !== 0) {
        if (NOT_FOUND_CODES.has(res.code ?? -1)) return null;
        throw new DirectoryUnavailable(classifyFeishuResponse(200, res).reason);
      }
      user = res.data?.user;
    } catch (err) {
      const code = (err as { response?: { data?: { code?: number } } }).response?.data?.code;
      if (code !== undefined && NOT_FOUND_CODES.has(code)) return null;
      throw this.unavailable(err);
    }
    if (!user?.open_id) return null;
    // leader_user_id comes in the id type asked for and the cache keeps open_ids: ask again by open_id.
    if (idType !== 'open_id') return this.fetch(user.open_id, 'open_id');
    const row = {
      userId: user.user_id ?? null,
      name: user.name ?? null,
      leaderOpenId: user.leader_user_id ?? null,
      timeZone: validZone(user.time_zone),
      fetchedAt: new Date(),
    };
    return this.db.feishuUser.upsert({
      where: { openId: user.open_id },
      create: { openId: user.open_id, ...row },
      update: row,
    });
  }

  private unavailable(err: unknown): Error {
    if (err instanceof DirectoryUnavailable) return err;
    return new DirectoryUnavailable(classifyFeishuError(err).reason);
  }
}

/** An IANA zone luxon knows, else null (an empty or unknown value means "not given"). */
function validZone(zone: string | undefined): string | null {
  if (!zone) return null;
  return IANAZone.isValidZone(zone) ? zone : null;
}
