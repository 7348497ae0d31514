/** `notify <kind> on|off` (a kind on or off for everyone) and `settings` (the admin forms). */
import { t, type I18nText } from '../../../cards/kit.js';
import { coursesFormCard } from '../../../cards/courses-form.js';
import { peopleFormCard } from '../../../cards/people-form.js';
import { settingsFormCard } from '../../../cards/settings-form.js';
import { coursesFormInput } from '../../forms/courses.js';
import { MAX_PEOPLE_DESKS, peopleFormInput } from '../../forms/people.js';
import { firstIn, MAX_FORM_DESKS, settingsFormInput } from '../../forms/settings.js';
import { routedChats } from '../../recipients/routes.js';
import { almApiConfigured, type Config } from '../../config.js';
import { notifySettingKey } from '../../domain/keys.js';
import { listAdmins } from '../../recipients/admins.js';
import { KIND_NAMES } from '../../domain/notifications.js';
import type { CommandContext } from '../context.js';
import type { ParsedCommand } from '../parse.js';
import { audited, nowOf } from './common.js';
import { writeSetting } from '../../settings/store.js';
import { readTeamPolicy } from '../../team/settings.js';
import { replanAfterTeamPolicy } from '../../team/policy-change.js';
import { capital, join, receiptCard, type Card } from './replies.js';

export async function runNotify(
  ctx: CommandContext,
  command: Extract<ParsedCommand, { name: 'notify' }>,
): Promise<Card> {
  const key = notifySettingKey(command.kind);
  const kind = KIND_NAMES[command.kind];
  const { card: reply } = await audited(ctx, 'notify', async (tx, now) => {
    const before = await tx.setting.findUnique({ where: { key } });
    const wasOn = before?.value !== false;
    const team = await readTeamPolicy(tx);
    await writeSetting(tx, key, command.on, ctx.actor.openId);
    await replanAfterTeamPolicy(tx, team, await readTeamPolicy(tx), now);
    const state = command.on ? t('开启', 'on') : t('关闭', 'off');
    const same = wasOn === command.on;
    const body = same
      ? t(
          `「${kind.zh}」通知已经是${state.zh}的，没有改变。`,
          `${capital(kind.en)} notifications were already ${state.en}; nothing changed.`,
        )
      : command.on
        ? t(`已为所有人开启「${kind.zh}」通知。`, `Turned ${kind.en} notifications on for everyone.`)
        : t(
            `已为所有人关闭「${kind.zh}」通知，之后不会再发送这类通知。`,
            `Turned ${kind.en} notifications off for everyone; none will be sent until they are turned on again.`,
          );
    return {
      card: receiptCard(t(`通知已${state.zh}`, `Notifications ${state.en}`), body),
      detail: { kind: command.kind, on: command.on, previous: wasOn },
    };
  });
  return reply;
}

/** `settings`: every setting as a form; `settings routes` and `settings courses`: the other two forms. */
export async function runSettings(
  ctx: CommandContext,
  command: Extract<ParsedCommand, { name: 'settings' }>,
): Promise<Card> {
  const now = nowOf(ctx);
  // Asked in a chat: that chat's settings come first.
  const here = ctx.chat.chatType === 'group' ? ctx.chat.chatId : undefined;
  if (command.part === 'courses') return coursesFormCard(await coursesFormInput(ctx.db));
  if (command.part === 'routes') {
    // The people in the helpdesk chats listed, to offer on the person pickers.
    const deskChats = firstIn(await routedChats(ctx.db, 'tickets'), here).slice(0, MAX_PEOPLE_DESKS);
    const members = new Map(
      await Promise.all(deskChats.map(async (c) => [c, await ctx.services.chats.members(c)] as const)),
    );
    const input = await peopleFormInput(ctx.db, ctx.config, new Map(), here, members);
    const names = await ctx.services.chats.names(input.chats.map((c) => c.chatId));
    const named = <C extends { chatId: string }>(c: C) => ({ ...c, name: names.get(c.chatId) ?? null });
    return peopleFormCard({ ...input, chats: input.chats.map(named), desks: input.desks.map(named) });
  }
  const chats = firstIn(await routedChats(ctx.db, 'tickets'), here);
  const names = await ctx.services.chats.names(chats.slice(0, MAX_FORM_DESKS));
  const input = await settingsFormInput(ctx.db, ctx.config, ctx.actor.openId, now, names, here);
  const admins = await listAdmins(ctx.db, ctx.config);
  const envAdmins = admins.filter((a) => a.fromEnv).length;
  const adminLine = t(
    `共 ${admins.length} 位管理员（${envAdmins} 位来自环境变量 ADMIN_OPEN_IDS）。发送「管理员列表」查看。`,
    `${admins.length} ${admins.length === 1 ? 'admin' : 'admins'} (${envAdmins} from ADMIN_OPEN_IDS). ` +
      'Send "admins" to list them.',
  );
  const sourceLines = sourceStates(ctx.config).map(([name, on]) =>
    t(`- ${name.zh}：${on ? '✅ 已配置' : '未配置'}`, `- ${name.en}: ${on ? '✅ configured' : 'not configured'}`),
  );
  const info = join([t('**管理员**', '**Admins**'), adminLine, t('**来源**', '**Sources**'), ...sourceLines]);
  return settingsFormCard({ ...input, info });
}

/** Which sources and integrations are configured, from the settings' presence only (never their values). */
function sourceStates(config: Config): [I18nText, boolean][] {
  return [
    [t('飞书应用', 'Feishu app'), Boolean(config.FEISHU_APP_ID && config.FEISHU_APP_SECRET)],
    [t('ALM 事件推送', 'ALM webhook'), Boolean(config.ALM_WEBHOOK_USER && config.ALM_WEBHOOK_PASSWORD)],
    [t('ALM API', 'ALM API'), almApiConfigured(config)],
    [t('轻速云', 'Qingsuyun'), Boolean(config.QINGSUYUN_SECRET_KEY)],
    [t('飞书服务台', 'Helpdesk'), Boolean(config.FEISHU_HELPDESK_ID && config.FEISHU_HELPDESK_TOKEN)],
  ];
}
