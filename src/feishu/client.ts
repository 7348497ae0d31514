import * as lark from '@larksuiteoapi/node-sdk';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

/**
 * A token cache of this client's own. The SDK's default cache is shared by every Client in the process and is
 * never invalidated on 99991663 (invalid token); this one can be cleared when Feishu says the token is bad.
 */
class TokenCache {
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

/**
 * The text of one SDK log call. The SDK's logger proxy passes its arguments as one array (`logger.warn([...msg])`),
 * so that array is unpacked. The SDK also logs whole axios errors (request headers included): only the plain-text
 * parts are kept.
 */
export function sdkLogText(args: unknown[]): string {
  const parts = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  return parts
    .filter((m) => typeof m === 'string' || typeof m === 'number')
    .join(' ')
    .slice(0, 500);
}

/** A logger for the SDK: each message at its own level, as text. */
export function sdkLogger(log: Logger): lark.Logger {
  return {
    error: (...m: unknown[]) => log.error({ sdk: sdkLogText(m) }, 'feishu sdk'),
    warn: (...m: unknown[]) => log.warn({ sdk: sdkLogText(m) }, 'feishu sdk'),
    info: (...m: unknown[]) => log.info({ sdk: sdkLogText(m) }, 'feishu sdk'),
    debug: (...m: unknown[]) => log.debug({ sdk: sdkLogText(m) }, 'feishu sdk'),
    trace: (...m: unknown[]) => log.trace({ sdk: sdkLogText(m) }, 'feishu sdk'),
  };
}

/** The instance the SDK uses by default: typed as axios, it answers with the response's data (its interceptor). */
const sdkHttpInstance = () => lark.defaultHttpInstance as unknown as lark.HttpInstance;

/** How long one Open API call may take before it counts as failed (the outbox retries it). */
const FEISHU_CALL_TIMEOUT_MS = 15_000;

/**
 * The SDK's HTTP instance with a timeout on each request of this client (unless the request sets its own), so a
 * call that hangs cannot hold a notification forever. The SDK's shared instance itself is left as it is: it keeps
 * its interceptors, and no other client in the process is affected.
 */
export function timedHttpInstance(timeoutMs: number, base: lark.HttpInstance = sdkHttpInstance()): lark.HttpInstance {
  const timed = <O extends { timeout?: number | undefined }>(opts?: O) => ({
    ...opts,
    timeout: opts?.timeout ?? timeoutMs,
  });
  return {
    request: (opts) => base.request(timed(opts)),
    get: (url, opts) => base.get(url, timed(opts)),
    delete: (url, opts) => base.delete(url, timed(opts)),
    head: (url, opts) => base.head(url, timed(opts)),
    options: (url, opts) => base.options(url, timed(opts)),
    post: (url, data, opts) => base.post(url, data, timed(opts)),
    put: (url, data, opts) => base.put(url, data, timed(opts)),
    patch: (url, data, opts) => base.patch(url, data, timed(opts)),
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
  const client = new lark.Client({
    appId: config.FEISHU_APP_ID,
    appSecret: config.FEISHU_APP_SECRET,
    domain: config.FEISHU_DOMAIN,
    appType: lark.AppType.SelfBuild,
    cache: tokens,
    httpInstance: timedHttpInstance(FEISHU_CALL_TIMEOUT_MS),
    logger: sdkLogger(log),
    loggerLevel: lark.LoggerLevel.error,
    ...(config.FEISHU_HELPDESK_ID && config.FEISHU_HELPDESK_TOKEN
      ? { helpDeskId: config.FEISHU_HELPDESK_ID, helpDeskToken: config.FEISHU_HELPDESK_TOKEN }
      : {}),
  });
  return { client, tokens };
}
