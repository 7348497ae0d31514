/**
 * `team` (managers): the team digest now, at any time and not counted against any cap, with the same "Nudge"
 * buttons as the weekly one. Someone with no reports is told so.
 */
import { t } from '../../../cards/kit.js';
import { DIGEST_MAX_PEOPLE, teamDigestCard } from '../../../cards/team.js';
import { buildDigest, hasNews } from '../../team/digest.js';
import { readPolicy } from '../../reminders/policy.js';
import { digestCardInput, saveDigest } from '../../team/store.js';
import type { CommandContext } from '../context.js';
import { actorTimeZone, nowOf } from './common.js';
import { receiptCard, type Card } from './replies.js';

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
