/** The shared services handlers use: identity resolution, the directory, the ALM API and catalog. */
import type { Config } from '../config.js';
import { almApiConfigured } from '../config.js';
import type { Db } from '../db/index.js';
import { systemClock, type Clock } from '../domain/clock.js';
import type { FeishuClient } from '../feishu/client.js';
import type { Logger } from '../logger.js';
import { AlmApi } from '../alm/api.js';
import { ALM_BUDGET, ApiBudget } from '../alm/budget.js';
import { AlmCatalog } from '../alm/catalog.js';
import { FeishuChats } from '../identity/chats.js';
import { FeishuDirectory } from '../identity/directory.js';
import { IdentityResolver } from '../identity/resolver.js';

export interface Services {
  /** Business time: due dates, send windows, "3 days left" (a settable clock in tests and the sandbox). */
  clock: Clock;
  directory: FeishuDirectory;
  /** Group chat names (cached), to show chats by name. */
  chats: FeishuChats;
  resolver: IdentityResolver;
  alm: AlmApi | undefined;
  catalog: AlmCatalog;
  feishu: FeishuClient | undefined;
  /** The bot's own open_id (from bot/v3/info at start), to tell its mentions and its own messages apart. */
  bot: { openId?: string };
  /** Wakes the resolver that releases notifications waiting for a learner (after an admin binds one). */
  wakeWaiting: () => void;
}

export function createServices(deps: {
  db: Db;
  config: Config;
  log: Logger;
  feishu: FeishuClient | undefined;
  fetch?: typeof fetch;
  /** Wakes the waiting resolver; without it (tests without background work) a binding wakes nothing. */
  wakeWaiting?: () => void;
  /** Business time (default: the system clock). */
  clock?: Clock;
}): Services {
  const { db, config, log, feishu } = deps;
  const directory = new FeishuDirectory(db, feishu);
  const alm = almApiConfigured(config)
    ? new AlmApi({
        baseUrl: config.ALM_API_BASE,
        clientId: config.ALM_CLIENT_ID!,
        clientSecret: config.ALM_CLIENT_SECRET!,
        refreshToken: config.ALM_REFRESH_TOKEN!,
        budget: new ApiBudget(db, { ...ALM_BUDGET, limit: config.ALM_API_MAX_PER_HOUR }),
        log,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      })
    : undefined;
  const resolver = new IdentityResolver({ db, directory, alm: alm && { getUser: (id) => alm.getUser(id) }, config });
  return {
    clock: deps.clock ?? systemClock,
    directory,
    chats: new FeishuChats(db, feishu),
    resolver,
    alm,
    catalog: new AlmCatalog(db, alm, deps.clock ?? systemClock),
    feishu,
    bot: {},
    wakeWaiting: deps.wakeWaiting ?? (() => {}),
  };
}
