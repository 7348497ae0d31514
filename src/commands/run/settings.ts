/** `notify <kind> on|off` (a kind on or off for everyone) and `settings` (everything an admin can see at once). */
import { card, markdown, t, userText, type I18nText } from '../../../cards/kit.js';
import { almApiConfigured, type Config } from '../../config.js';
import { notifySettingKey } from '../../domain/keys.js';
import { listAdmins } from '../../recipients/admins.js';
import { KIND_NAMES, NOTIFICATION_KINDS, ROUTE_KINDS } from '../../domain/notifications.js';
import type { CommandContext } from '../context.js';
import type { ParsedCommand } from '../parse.js';
import { audited } from './common.js';
import { deskLines } from './desks.js';
import { reminderPolicyLines } from './reminders.js';
import { teamPolicyText } from './team.js';
import { readTeamPolicy } from '../../team/settings.js';
import { capital, join, receiptCard, type Card } from './replies.js';

export async function runNotify(
  ctx: CommandContext,
  command: Extract<ParsedCommand, { name: 'notify' }>,
): Promise<Card> {
  const key = notifySettingKey(command.kind);
  const kind = KIND_NAMES[command.kind];
  const { card: reply } = await audited(ctx, 'notify', async (tx) => {
    const before = await tx.setting.findUnique({ where: { key } });
    const wasOn = before?.value !== false;
    const data = { value: command.on, updatedBy: ctx.actor.openId };
    await tx.setting.upsert({ where: { key }, create: { key, ...data }, update: data });
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

/** At most this many chats are listed per route kind. */
const MAX_CHATS = 20;

export async function runSettings(ctx: CommandContext): Promise<Card> {
  const kinds = NOTIFICATION_KINDS;
  const [settings, routes, admins, desks, reminderLines] = await Promise.all([
    ctx.db.setting.findMany({ where: { key: { in: kinds.map(notifySettingKey) } } }),
    ctx.db.route.findMany({ orderBy: [{ kind: 'asc' }, { createdAt: 'asc' }] }),
    listAdmins(ctx.db, ctx.config),
    deskLines(ctx.db, ctx.config, MAX_CHATS),
    reminderPolicyLines(ctx),
  ]);
  const off = new Set(settings.filter((s) => s.value === false).map((s) => s.key));
  const kindLines = kinds.map((k) => {
    const on = !off.has(notifySettingKey(k));
    return t(`- ${KIND_NAMES[k].zh}：${on ? '✅ 开' : '⛔ 关'}`, `- ${KIND_NAMES[k].en}: ${on ? '✅ on' : '⛔ off'}`);
  });
  const names = await ctx.services.chats.names(routes.map((r) => r.chatId));
  /** A routed chat by its name, the id small and grey after it; by its id when Feishu gave no name. */
  const chatLabel = (chatId: string, scope: string, lang: 'zh' | 'en') => {
    const name = names.get(chatId);
    const id = userText(chatId, 100);
    const label = name ? `${userText(name, 60)} <font color='grey'>${id}</font>` : id;
    if (scope === '*') return label;
    return `${label}${lang === 'zh' ? `（服务台 ${userText(scope, 64)}）` : ` (helpdesk ${userText(scope, 64)})`}`;
  };
  const routeLines = ROUTE_KINDS.map((k) => {
    const rows = routes.filter((r) => r.kind === k);
    const list = (lang: 'zh' | 'en') => {
      const shown = rows.slice(0, MAX_CHATS).map((r) => chatLabel(r.chatId, r.scope, lang));
      if (rows.length > MAX_CHATS) shown.push(`+${rows.length - MAX_CHATS}`);
      return shown.length ? shown.join(lang === 'zh' ? '、' : ', ') : null;
    };
    return t(`- ${KIND_NAMES[k].zh}：${list('zh') ?? '无'}`, `- ${KIND_NAMES[k].en}: ${list('en') ?? 'none'}`);
  });
  const envAdmins = admins.filter((a) => a.fromEnv).length;
  const adminLine = t(
    `共 ${admins.length} 位管理员（${envAdmins} 位来自环境变量 ADMIN_OPEN_IDS）。发送「管理员列表」查看。`,
    `${admins.length} ${admins.length === 1 ? 'admin' : 'admins'} (${envAdmins} from ADMIN_OPEN_IDS). ` +
      'Send "admins" to list them.',
  );
  const sourceLines = sourceStates(ctx.config).map(([name, on]) =>
    t(`- ${name.zh}：${on ? '✅ 已配置' : '未配置'}`, `- ${name.en}: ${on ? '✅ configured' : 'not configured'}`),
  );
  const section = (title: I18nText, lines: I18nText[], id: string) =>
    markdown(join([t(`**${title.zh}**`, `**${title.en}**`), ...lines]), id);
  const title = t('设置', 'Settings');
  return card({
    title,
    template: 'blue',
    summary: title,
    elements: [
      section(t('通知（对所有人）', 'Notifications (for everyone)'), kindLines, 'kinds'),
      section(t('群路由', 'Chat routes'), routeLines, 'routes'),
      section(t('服务台群（值班、负责人、升级）', 'Helpdesk chats (duty, leads, escalation)'), desks, 'desks'),
      section(t('学习提醒', 'Learning reminders'), reminderLines, 'reminders'),
      section(
        t('经理周报与逾期升级', 'Team digest and escalation'),
        [teamPolicyText(await readTeamPolicy(ctx.db))],
        'team',
      ),
      section(t('管理员', 'Admins'), [adminLine], 'admins'),
      section(t('来源', 'Sources'), sourceLines, 'sources'),
    ],
  });
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
