import * as lark from '@larksuiteoapi/node-sdk';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

/**
 * A token cache of this client's own. The SDK's default cache is shared by every Client in the process and is
 * never invalidated on 99991663 (invalid token); this one can be cleared when Feishu says the token is bad.
 */
export class TokenCache {
  private readonly entries = new Map<string, { value: unknown; expiresAt: number | undefined }>();

  async get(key: unknown, options?: { namespace?: string }): Promise<unknown> {
    const entry = this.entries.get(this.k(key, options));
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) return undefined;
    return entry.value;
  }

  async set(key: unknown, value: unknown, expiresAt?: number, options?: { namespace?: string }): Promise<boolean> {
    this.entries.set(this.k(key, options), { value, expiresAt });
    return true;
  }

  clear(): void {
    this.entries.clear();
  }

  private k(key: unknown, options?: { namespace?: string }): string {
    return `${options?.namespace ?? ''}:${String(key)}`;
  }
}

/** The SDK logs whole axios errors (request headers included); only its plain-text messages are kept. */
export function sdkLogger(log: Logger): lark.Logger {
  const text = (msg: unknown[]) => msg.filter((m) => typeof m === 'string').join(' ').slice(0, 500);
  return {
    error: (...m: unknown[]) => log.error({ sdk: text(m) }, 'feishu sdk'),
    warn: (...m: unknown[]) => log.warn({ sdk: text(m) }, 'feishu sdk'),
    info: (...m: unknown[]) => log.debug({ sdk: text(m) }, 'feishu sdk'),
    debug: () => {},
    trace: () => {},
  };
}

export interface FeishuClient {
  client: lark.Client;
  tokens: TokenCache;
}

/** The SDK client for FEISHU_DOMAIN, or undefined when the app credentials are not configured. */
export function createFeishuClient(config: Config, log: Logger): FeishuClient | undefined {
  if (!config.FEISHU_APP_ID || !config.FEISHU_APP_SECRET) return undefined;
  const tokens = new TokenCache();
  // A Feishu call that hangs must not hold a notification forever; the outbox retries it.
  lark.defaultHttpInstance.defaults.timeout = 15_000;
  const client = new lark.Client({
    appId: config.FEISHU_APP_ID,
    appSecret: config.FEISHU_APP_SECRET,
    domain: config.FEISHU_DOMAIN,
    appType: lark.AppType.SelfBuild,
    cache: tokens,
    logger: sdkLogger(log),
    loggerLevel: lark.LoggerLevel.error,
    ...(config.FEISHU_HELPDESK_ID && config.FEISHU_HELPDESK_TOKEN
      ? { helpDeskId: config.FEISHU_HELPDESK_ID, helpDeskToken: config.FEISHU_HELPDESK_TOKEN }
      : {}),
  });
  return { client, tokens };
}
