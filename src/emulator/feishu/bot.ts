/** GET /open-apis/bot/v3/info: the bot's own identity. */
import type { ApiReply } from './http.js';

export interface BotIdentity {
  openId: string;
  appName: string;
  /** 2: enabled in the tenant (default); 0 waiting to be installed, 1 disabled, 3 and 4 waiting to be enabled. */
  activateStatus?: number;
}

/** `bot` is at the top level, not under `data`, as on the real endpoint. */
export function botInfoReply(bot: BotIdentity): ApiReply {
  return {
    status: 200,
    body: {
      code: 0,
      msg: 'ok',
      bot: {
        activate_status: bot.activateStatus ?? 2,
        app_name: bot.appName,
        avatar_url: 'https://emulator.invalid/bot-avatar.png',
        ip_white_list: [],
        open_id: bot.openId,
      },
    },
  };
}
