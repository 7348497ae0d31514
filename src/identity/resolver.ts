/**
 * Who a learner from a learning source is in Feishu, and who their manager is.
 *
 * The persistent identity map (`learner_identity`) is filled in this order: an explicit binding made by an admin;
 * then the source's own route: Feishu eLearning ids are Feishu's already; ALM's user email (ALM API) is looked
 * up with contact batch_get_id; Qingsuyun's account code is matched as QINGSUYUN_USER_MATCH says. A learner who
 * cannot be found is recorded as unresolved, and is tried again after IDENTITY_RETRY_MINUTES at the earliest.
 */
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { LearnerRef } from '../domain/learner.js';
import { managerOf } from '../recipients/managers.js';
import type { FeishuDirectory } from './directory.js';

type Resolution = { resolved: true; openId: string; origin: string } | { resolved: false; reason: string };

/** The part of the ALM API the resolver needs. */
interface AlmUserLookup {
  getUser(id: string): Promise<{ email?: string | undefined; name?: string | undefined } | null>;
}

export class IdentityResolver {
  constructor(
    private readonly deps: {
      db: Db;
      directory: FeishuDirectory;
      alm?: AlmUserLookup | undefined;
      config: Pick<Config, 'QINGSUYUN_USER_MATCH' | 'IDENTITY_RETRY_MINUTES'>;
    },
  ) {}

  /**
   * Resolves the learner. Throws only for failures that may pass (the ALM budget, Feishu unavailable): the
   * caller retries later. `force` ignores the retry pause for a learner who was not found recently.
   */
  async resolve(ref: LearnerRef, opts: { force?: boolean } = {}): Promise<Resolution> {
    const { db, config } = this.deps;
    const key = { source: ref.source, externalUserId: ref.externalUserId };
    const row = await db.learnerIdentity.findUnique({ where: { source_externalUserId: key } });
    if (row?.status === 'resolved' && row.openId)
      return { resolved: true, openId: row.openId, origin: row.origin ?? 'lookup' };

    if (ref.source === 'feishu') {
      const openId = ref.hints?.openId ?? ref.externalUserId;
      if (!openId.startsWith('ou_')) return this.unresolved(key, 'the event carries no open_id');
      await this.save(key, {
        status: 'resolved',
        origin: 'native',
        openId,
        displayName: ref.hints?.name ?? null,
        lastError: null,
      });
      return { resolved: true, openId, origin: 'native' };
    }

    const pauseMs = config.IDENTITY_RETRY_MINUTES * 60_000;
    if (
      !opts.force &&
      row?.status === 'unresolved' &&
      row.lastAttemptAt &&
      Date.now() - row.lastAttemptAt.getTime() < pauseMs
    ) {
      return { resolved: false, reason: row.lastError ?? 'not found' };
    }

    const found = await this.lookup(ref);
    if ('reason' in found) return this.unresolved(key, found.reason, ref.hints?.name);
    await this.save(key, {
      status: 'resolved',
      origin: 'lookup',
      openId: found.openId,
      displayName: found.name ?? ref.hints?.name ?? null,
      lastError: null,
    });
    return { resolved: true, openId: found.openId, origin: 'lookup' };
  }

  /** The manager who gets completion notices: an admin's override, else Feishu's leader_user_id. */
  async managerOf(learnerOpenId: string): Promise<string | null> {
    return managerOf(this.deps.db, (openId) => this.deps.directory.managerOf(openId), learnerOpenId);
  }

  /** A display name for cards: Feishu's, else the source's, else the id. */
  async displayName(ref: LearnerRef, openId: string | null): Promise<string> {
    if (openId) {
      const user = await this.deps.directory.user(openId).catch(() => null);
      if (user?.name) return user.name;
    }
    const row = await this.deps.db.learnerIdentity.findUnique({
      where: { source_externalUserId: { source: ref.source, externalUserId: ref.externalUserId } },
    });
    return ref.hints?.name ?? row?.displayName ?? ref.externalUserId;
  }

  private async lookup(ref: LearnerRef): Promise<{ openId: string; name?: string | undefined } | { reason: string }> {
    const { directory, alm, config } = this.deps;
    if (!directory.available)
      return { reason: 'FEISHU_APP_ID / FEISHU_APP_SECRET are not set, so Feishu cannot be searched' };
    if (ref.source === 'alm') {
      if (!alm)
        return { reason: 'the ALM API is not configured (ALM_CLIENT_ID, ALM_CLIENT_SECRET, ALM_REFRESH_TOKEN)' };
      const user = await alm.getUser(ref.externalUserId);
      if (!user) return { reason: `ALM has no user ${ref.externalUserId}` };
      if (!user.email) return { reason: 'the ALM user has no email' };
      const openId = await directory.openIdFor('email', user.email);
      return openId ? { openId, name: user.name } : { reason: 'no Feishu user has the email of this ALM user' };
    }
    const code = ref.externalUserId;
    switch (config.QINGSUYUN_USER_MATCH) {
      case 'user_id': {
        const openId = await directory.openIdForUserId(code);
        return openId ? { openId } : { reason: `no Feishu user has the user_id ${code}` };
      }
      case 'email':
      case 'mobile': {
        const openId = await directory.openIdFor(config.QINGSUYUN_USER_MATCH, code);
        return openId ? { openId } : { reason: `no Feishu user has this ${config.QINGSUYUN_USER_MATCH}` };
      }
      default:
        return { reason: 'QINGSUYUN_USER_MATCH is none: Qingsuyun learners are found only through bind' };
    }
  }

  private async unresolved(
    key: { source: string; externalUserId: string },
    reason: string,
    name?: string,
  ): Promise<Resolution> {
    await this.deps.db.learnerIdentity.upsert({
      where: { source_externalUserId: key },
      create: {
        ...key,
        status: 'unresolved',
        lastError: reason,
        attempts: 1,
        lastAttemptAt: new Date(),
        displayName: name ?? null,
      },
      update: {
        status: 'unresolved',
        lastError: reason,
        attempts: { increment: 1 },
        lastAttemptAt: new Date(),
        ...(name ? { displayName: name } : {}),
      },
    });
    return { resolved: false, reason };
  }

  private async save(
    key: { source: string; externalUserId: string },
    data: { status: string; origin: string; openId: string; displayName: string | null; lastError: null },
  ): Promise<void> {
    const now = new Date();
    await this.deps.db.learnerIdentity.upsert({
      where: { source_externalUserId: key },
      create: { ...key, ...data, attempts: 1, lastAttemptAt: now },
      update: { ...data, attempts: { increment: 1 }, lastAttemptAt: now },
    });
  }
}
