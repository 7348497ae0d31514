/** `route <kind> here|off`: a group chat that also receives one kind of notification. */
import { escapeMd, t, type I18nText } from '../../../cards/kit.js';
import { notifySettingKey } from '../../domain/keys.js';
import { KIND_NAMES, type RouteKind } from '../../domain/notifications.js';
import type { CommandContext } from '../context.js';
import type { ParsedCommand } from '../parse.js';
import { addRoute, removeRoutes } from '../../recipients/routes.js';
import { audited } from './common.js';
import { capital, join, receiptCard, refusalCard, type Card } from './replies.js';

/** What a routed chat receives, per kind. */
const ROUTE_EFFECT: Record<RouteKind, I18nText> = {
  tickets: t('本群将收到服务台工单卡片。', 'This chat will receive helpdesk ticket cards.'),
  completions: t(
    '本群将收到完成动态（团队动态，学员的经理仍会单独收到通知）。',
    "This chat will receive a team feed of completions (in addition to the manager's card).",
  ),
  exams: t(
    '本群将收到考试结果动态（团队动态，学员的经理仍会单独收到通知）。',
    "This chat will receive a team feed of exam results (in addition to the manager's card).",
  ),
  enrollments: t('本群将收到报名动态。', 'This chat will receive enrollment news.'),
  seats: t('本群将收到 ALM 课程名额统计（CI_STATS）。', 'This chat will receive ALM seat statistics (CI_STATS).'),
  failures: t('本群将收到最终发送失败的通知。', 'This chat will receive the deliveries that failed for good.'),
};

export async function runRoute(ctx: CommandContext, command: Extract<ParsedCommand, { name: 'route' }>): Promise<Card> {
  const kind = KIND_NAMES[command.kind];
  if (ctx.chat.chatType !== 'group') {
    return refusalCard(
      t('请在群里发送', 'Send this in a group'),
      t(
        `路由把通知发到发送命令的群。请在要接收「${kind.zh}」通知的群里 @我 并发送这个命令。`,
        'A route sends notifications to the chat the command is sent in. ' +
          `@mention me with this command in the group that should receive ${kind.en}.`,
      ),
    );
  }
  if (command.helpdesk) {
    const unknown = await unknownHelpdeskCard(ctx, command.helpdesk);
    if (unknown) return unknown;
  }
  const chatId = ctx.chat.chatId;
  const { card } = await audited(ctx, 'route', async (tx, now) => {
    const detail = {
      kind: command.kind,
      chatId,
      on: command.on,
      ...(command.helpdesk ? { helpdesk: command.helpdesk } : {}),
    };
    if (!command.on) {
      const count = await removeRoutes(tx, command.kind, chatId);
      const body =
        count > 0
          ? t(`本群将不再收到「${kind.zh}」通知。`, `This chat will no longer receive ${kind.en}.`)
          : t(
              `本群没有路由「${kind.zh}」通知，没有改变。`,
              `${capital(kind.en)} were not routed to this chat; nothing changed.`,
            );
      return { card: receiptCard(t('路由已关闭', 'Route off'), body), detail: { ...detail, removed: count } };
    }
    // Tickets may be routed per helpdesk; everything else (and tickets without an id) for all.
    const key = { kind: command.kind, chatId, scope: command.helpdesk ?? '*' };
    const existed = !(await addRoute(tx, key, ctx.actor.openId, now));
    const off = (await tx.setting.findUnique({ where: { key: notifySettingKey(command.kind) } }))?.value === false;
    const lines = [
      existed
        ? t(`本群已经在接收「${kind.zh}」通知，没有改变。`, `This chat already receives ${kind.en}; nothing changed.`)
        : ROUTE_EFFECT[command.kind],
    ];
    if (command.helpdesk)
      lines.push(t(`仅限服务台 ${command.helpdesk} 的工单。`, `Only tickets of helpdesk ${command.helpdesk}.`));
    if (off)
      lines.push(
        t(
          `注意：「${kind.zh}」通知目前对所有人关闭，发送「通知 ${kind.zh} 开」开启。`,
          `Note: ${kind.en} are turned off for everyone; send "notify ${kind.en} on" to turn them on.`,
        ),
      );
    return {
      card: receiptCard(t('路由已开启', 'Route on'), join(lines)),
      detail: { ...detail, existed },
    };
  });
  return card;
}

/**
 * A refusal when the helpdesk id names none the bot knows: the helpdesk it is configured with (FEISHU_HELPDESK_ID)
 * and those whose tickets it has received. Feishu has no call to look up another helpdesk by id (each helpdesk's API
 * needs that helpdesk's own token), so when the bot knows of no helpdesk at all, the route is made as asked.
 */
async function unknownHelpdeskCard(ctx: CommandContext, helpdesk: string): Promise<Card | null> {
  const seen = await ctx.db.helpdeskTicket.findMany({
    where: { helpdeskId: { not: null } },
    distinct: ['helpdeskId'],
    select: { helpdeskId: true },
    take: 20,
  });
  const known = [
    ...new Set([ctx.config.FEISHU_HELPDESK_ID, ...seen.map((r) => r.helpdeskId)].filter((id): id is string => !!id)),
  ];
  if (known.length === 0 || known.includes(helpdesk)) return null;
  const list = known.map((id) => escapeMd(id)).join(', ');
  return refusalCard(
    t('找不到服务台', 'Helpdesk not found'),
    t(
      `没有 ID 为 ${escapeMd(helpdesk)} 的服务台，什么都没有改变。机器人知道的服务台：${list}。` +
        '不带服务台 ID 时，本群接收所有服务台的工单。',
      `There is no helpdesk with the id ${escapeMd(helpdesk)}, and nothing was changed. ` +
        `Helpdesks the bot knows: ${list}. Without a helpdesk id, this chat receives the tickets of every helpdesk.`,
    ),
  );
}
