/**
 * `duty`, `lead` and `escalation` (admins, in a helpdesk chat): who is on duty (every day, or a weekday's rota),
 * who leads, and how the chat's unclaimed tickets escalate. The `settings` forms show and change them too.
 */
import { ageText } from '../../../cards/escalation.js';
import { t, userText, weekdayText, type I18nText } from '../../../cards/kit.js';
import { changeDesk, desksOf, type DeskChange } from '../../recipients/desks.js';
import { routedChats } from '../../recipients/routes.js';
import type { CommandContext } from '../context.js';
import type { ParsedCommand } from '../parse.js';
import type { EscalationChange } from '../parse/parsers.js';
import { audited } from './common.js';
import { join, receiptCard, refusalCard, type Card } from './replies.js';

const mentions = (ids: readonly string[]) =>
  ids.map((id) => (/^[A-Za-z0-9_-]{1,100}$/.test(id) ? `<at id=${id}></at>` : userText(id, 64))).join(' ');

const inGroupOnly = (what: I18nText): Card =>
  refusalCard(
    t('请在服务台群里发送', 'Send this in the helpdesk chat'),
    t(
      `${what.zh}按群设置：请在接收工单的群里 @我 发送这个命令。`,
      `${what.en} are set per chat: @mention me with this command in the chat that receives the tickets.`,
    ),
  );

/** A note when the chat receives no tickets yet (the setting is kept, and applies once it does). */
async function routeNote(ctx: CommandContext): Promise<I18nText[]> {
  const chats = await routedChats(ctx.db, 'tickets');
  if (chats.includes(ctx.chat.chatId)) return [];
  return [
    t(
      '注意：本群还没有接收工单，设置会在发送「路由 工单 这里」之后生效。',
      'Note: this chat does not receive tickets yet; the setting applies once "route tickets here" is sent here.',
    ),
  ];
}

async function change(ctx: CommandContext, command: string, what: DeskChange, body: I18nText): Promise<Card> {
  const chatId = ctx.chat.chatId;
  const notes = await routeNote(ctx);
  const { card } = await audited(ctx, command, async (tx, now) => {
    await changeDesk(tx, chatId, what, ctx.actor.openId, now);
    return {
      card: receiptCard(t('服务台设置已更新', 'Helpdesk chat updated'), join([body, ...notes])),
      detail: { chatId, ...what },
    };
  });
  return card;
}

export async function runDuty(ctx: CommandContext, command: Extract<ParsedCommand, { name: 'duty' }>): Promise<Card> {
  if (ctx.chat.chatType !== 'group') return inGroupOnly(t('值班人', 'People on duty'));
  const ids = command.people.map((p) => p.openId);
  if (command.weekday !== null) {
    const desk = (await desksOf(ctx.db, ctx.config, [ctx.chat.chatId]))[0]!;
    const day = weekdayText(command.weekday);
    const rota = { ...desk.rota, [String(command.weekday)]: ids };
    if (ids.length === 0) delete rota[String(command.weekday)];
    const body =
      ids.length > 0
        ? t(`${day.zh}值班：${mentions(ids)}。`, `On duty on ${day.en}: ${mentions(ids)}.`)
        : t(
            `已清除${day.zh}的排班，当天由日常值班人值班。`,
            `${day.en}'s rota cleared: the everyday people are on duty.`,
          );
    return change(ctx, 'duty', { rota }, body);
  }
  const body =
    ids.length > 0
      ? t(
          `值班人：${mentions(ids)}。工单无人认领时会在本群提醒他们。`,
          `On duty: ${mentions(ids)}. They are pinged here about unclaimed tickets.`,
        )
      : t('已清除值班人。', 'Nobody is on duty now.');
  return change(ctx, 'duty', { duty: ids }, body);
}

export async function runLead(ctx: CommandContext, command: Extract<ParsedCommand, { name: 'lead' }>): Promise<Card> {
  if (ctx.chat.chatType !== 'group') return inGroupOnly(t('负责人', 'Leads'));
  const ids = command.people.map((p) => p.openId);
  const body =
    ids.length > 0
      ? t(
          `负责人：${mentions(ids)}。工单长时间无人认领时会直接发给他们。`,
          `Leads: ${mentions(ids)}. Tickets unclaimed for long go to them directly.`,
        )
      : t('已清除负责人。', 'This chat has no leads now.');
  return change(ctx, 'lead', { leads: ids }, body);
}

function escalationChange(c: EscalationChange): { what: DeskChange; body: I18nText } {
  switch (c.setting) {
    case 'remind':
      return {
        what: { remindAfter: c.minutes },
        body:
          c.minutes > 0
            ? t(
                `工单无人认领 ${ageText(c.minutes).zh} 后提醒值班人（对之后的新工单生效）。`,
                `On-duty people are pinged after ${ageText(c.minutes).en} unclaimed (for tickets from now on).`,
              )
            : t('不再提醒值班人。', 'On-duty people are no longer pinged.'),
      };
    case 'lead':
      return {
        what: { leadAfter: c.minutes },
        body:
          c.minutes > 0
            ? t(
                `工单无人认领 ${ageText(c.minutes).zh} 后发给负责人（对之后的新工单生效）。`,
                `Leads are told after ${ageText(c.minutes).en} unclaimed (for tickets from now on).`,
              )
            : t('不再升级给负责人。', 'Leads are no longer told.'),
      };
    case 'clock':
      return {
        what: { clock: c.clock },
        body:
          c.clock === 'working'
            ? t('只计算工作时间（发送时段内的分钟）。', 'Only working time counts (minutes inside the send windows).')
            : t('全天计时，包括夜间和休息日。', 'Time counts around the clock, nights and days off included.'),
      };
    case 'urgent':
      return {
        what: { urgent: c.on },
        body: c.on
          ? t(
              '发给负责人的工单会加急（应用内），需要应用有 im:message.urgent 权限。',
              'Tickets sent to the leads are marked urgent (in-app); the app needs the scope im:message.urgent.',
            )
          : t('不再加急。', 'No urgent notifications.'),
      };
    case 'summary':
      return {
        what: { summary: c.on },
        body: c.on
          ? t('工作日早上发送未关闭工单的晨报。', 'A morning summary of open tickets comes on working days.')
          : t('不再发送晨报。', 'No morning summary.'),
      };
  }
}

export async function runEscalation(
  ctx: CommandContext,
  command: Extract<ParsedCommand, { name: 'escalation' }>,
): Promise<Card> {
  if (ctx.chat.chatType !== 'group') return inGroupOnly(t('升级规则', 'Escalation rules'));
  const { what, body } = escalationChange(command.change);
  return change(ctx, 'escalation', what, body);
}
