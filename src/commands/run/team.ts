/**
 * `team` (managers): the team digest now, at any time and not counted against any cap, with the same "Nudge"
 * buttons as the weekly one. Someone with no reports is told so.
 */
import { t, weekdayText, type I18nText } from '../../../cards/kit.js';
import { DIGEST_MAX_PEOPLE, teamDigestCard } from '../../../cards/team.js';
import { buildDigest, hasNews } from '../../team/digest.js';
import { readPolicy } from '../../reminders/policy.js';
import { digestCardInput, saveDigest } from '../../team/store.js';
import { readTeamPolicy, TEAM_SETTINGS, type TeamPolicy } from '../../team/settings.js';
import { replanAfterTeamPolicy } from '../../team/policy-change.js';
import type { ParsedCommand } from '../parse.js';
import type { CommandContext } from '../context.js';
import { actorTimeZone, audited, nowOf } from './common.js';
import { receiptCard, type Card } from './replies.js';
import { writeSetting } from '../../settings/store.js';

export async function runTeam(ctx: CommandContext): Promise<Card> {
  const manager = ctx.actor.openId;
  const now = nowOf(ctx);
  const zone = await actorTimeZone(ctx);
  return ctx.db.$transaction(async (tx) => {
    const model = await buildDigest(tx, manager, {
      now,
      zone,
      stalledDays: (await readPolicy(tx)).stalledDays,
      maxPeople: DIGEST_MAX_PEOPLE,
    });
    if (model.reports === 0)
      return receiptCard(
        t('团队学习情况', 'Team learning'),
        t(
          '没有找到你的团队成员（飞书通讯录中以你为上级的人，或管理员用「经理」命令指定的人）。',
          'No one reports to you as far as the bot knows (people whose leader in the Feishu directory is you, ' +
            'or whom an admin gave you with "manager").',
        ),
      );
    if (!hasNews(model))
      return receiptCard(
        t('团队学习情况', 'Team learning'),
        t(
          `你的 ${model.reports} 位团队成员目前没有进行中或逾期的学习，本周也没有完成记录。`,
          `Your ${model.reports} ${model.reports === 1 ? 'report has' : 'reports have'} no open or overdue ` +
            'learning, and nothing was completed this week.',
        ),
      );
    // One stored digest per request: a repeated delivery of the same message shows the same card.
    const key = `team:${manager}:${ctx.requestId ?? now.toISOString()}`;
    const stored = await saveDigest(tx, key, manager, model, true);
    return teamDigestCard(digestCardInput(stored, []));
  });
}

/** `digest day|time|escalate|skip-level <value>` (admins): when digests go, and when escalations do. */
export async function runTeamPolicy(
  ctx: CommandContext,
  command: Extract<ParsedCommand, { name: 'digest' }>,
): Promise<Card> {
  const key = {
    day: TEAM_SETTINGS.digestDay,
    time: TEAM_SETTINGS.digestTime,
    escalate: TEAM_SETTINGS.escalateDays,
    'skip-level': TEAM_SETTINGS.skipLevelDays,
  }[command.field];
  const { card } = await audited(ctx, command.name, async (tx, now) => {
    const before = await readTeamPolicy(tx);
    await writeSetting(tx, key, command.value, ctx.actor.openId);
    await replanAfterTeamPolicy(tx, before, await readTeamPolicy(tx), now);
    return {
      card: receiptCard(t('团队设置已修改', 'Team setting changed'), teamPolicyText(await readTeamPolicy(tx))),
      detail: { key, value: command.value },
    };
  });
  return card;
}

/** The team policies in force, in words (also for `settings`). */
export function teamPolicyText(p: TeamPolicy): I18nText {
  const digest = p.digestOn
    ? t(
        `经理周报：每${weekdayText(p.digestDay).zh} ${p.digestTime}（经理所在时区，遇休息日顺延到下一个工作日）。`,
        `Weekly digest: ${weekdayText(p.digestDay).en} at ${p.digestTime} in each manager's zone ` +
          '(a day off moves it to the next working day).',
      )
    : t('经理周报：已关闭。', 'Weekly digest: off.');
  const skip = p.skipLevelDays > 0;
  const esc = p.escalationsOn
    ? t(
        `逾期升级：逾期 ${p.escalateDays} 天告知经理` + (skip ? `，${p.skipLevelDays} 天告知经理的上级。` : '。'),
        `Escalation: the manager after ${p.escalateDays} days overdue` +
          (skip ? `, the manager's manager after ${p.skipLevelDays}.` : '.'),
      )
    : t('逾期升级：已关闭。', 'Escalation: off.');
  return t(`${digest.zh}\n${esc.zh}`, `${digest.en}\n${esc.en}`);
}
