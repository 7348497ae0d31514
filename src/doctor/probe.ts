/** The Feishu calls doctor makes, behind a small interface so the checks can be tested with any implementation. */
import type { Config } from '../config.js';
import type { FeishuClient } from '../feishu/client.js';
import { classifyFeishuError, classifyFeishuResponse, type FeishuFailure } from '../feishu/errors.js';
import { TICKET_EVENTS } from '../feishu/startup.js';
import * as lark from '@larksuiteoapi/node-sdk';

export type Answer<T> = { ok: true; value: T } | { ok: false; failure: FeishuFailure };

export interface BotInfo {
  appName?: string;
  openId?: string;
  /** 2: enabled in the tenant; other values mean installed but not (or no longer) usable. */
  activateStatus?: number;
}

export interface FeishuProbe {
  /** Gets a fresh tenant_access_token with the app id and secret (no cache): the credentials work. */
  tenantToken(): Promise<Answer<true>>;
  botInfo(): Promise<Answer<BotInfo>>;
  /** Every scope the app asked for, and whether the tenant granted it. */
  scopes(): Promise<Answer<{ name: string; granted: boolean }[]>>;
  /** Subscribes the helpdesk ticket events again (harmless when already subscribed). */
  subscribeHelpdesk(): Promise<Answer<true>>;
}

type Reply = { code?: number; msg?: string };

async function call<R extends Reply, T>(fn: () => Promise<R>, read: (r: R) => T): Promise<Answer<T>> {
  try {
    const res = await fn();
    if (res.code === 0) return { ok: true, value: read(res) };
    return { ok: false, failure: classifyFeishuResponse(200, res) };
  } catch (err) {
    return { ok: false, failure: classifyFeishuError(err) };
  }
}

/** The probe over the bot's SDK client; the token check posts the credentials itself so no cache hides a bad secret. */
export function feishuProbe(feishu: FeishuClient, config: Config, fetchFn: typeof fetch = fetch): FeishuProbe {
  const { client } = feishu;
  return {
    tenantToken: () =>
      call(
        async () => {
          const res = await fetchFn(`${config.FEISHU_DOMAIN}/open-apis/auth/v3/tenant_access_token/internal`, {
            method: 'POST',
            headers: { 'content-type': 'application/json; charset=utf-8' },
            body: JSON.stringify({ app_id: config.FEISHU_APP_ID, app_secret: config.FEISHU_APP_SECRET }),
            signal: AbortSignal.timeout(15_000),
          });
          const body = (await res.json().catch(() => ({}))) as Reply;
          return res.ok ? body : Promise.reject({ response: { status: res.status, data: body } });
        },
        () => true as const,
      ),
    botInfo: () =>
      call(
        () =>
          client.request({ method: 'GET', url: '/open-apis/bot/v3/info' }) as Promise<
            Reply & { bot?: Record<string, unknown> }
          >,
        (r) => ({
          ...(typeof r.bot?.app_name === 'string' && { appName: r.bot.app_name }),
          ...(typeof r.bot?.open_id === 'string' && { openId: r.bot.open_id }),
          ...(typeof r.bot?.activate_status === 'number' && { activateStatus: r.bot.activate_status }),
        }),
      ),
    scopes: () =>
      call(
        () => client.application.v6.scope.list(),
        (r) => (r.data?.scopes ?? []).map((s) => ({ name: s.scope_name, granted: s.grant_status === 1 })),
      ),
    subscribeHelpdesk: () =>
      call(
        () => client.helpdesk.v1.event.subscribe({ data: { events: TICKET_EVENTS } }, lark.withHelpDeskCredential()),
        () => true as const,
      ),
  };
}
