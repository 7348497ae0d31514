/** GET /open-apis/bot/v3/info: the bot's own identity. */
import type { ApiReply } from './http.js';

export interface BotIdentity {
  openId: string;
  appName: string;
}

/** `bot` is at the top level, not under `data`, as on the real endpoint. */
export function botInfoReply(bot: BotIdentity): ApiReply {
  return {
    status: 200,
    body: {
      code: 0,
      msg: 'ok',
      bot: {
        activate_status: 2,
        app_name: bot.appName,
        avatar_url: 'https://emulator.invalid/bot-avatar.png',
        ip_white_list: [],
        open_id: bot.openId,
      },
    },
  };
}
