/** `manager <@learner> <@manager|clear>`: an admin's choice of manager, instead of Feishu's leader. */
import { t } from '../../../cards/kit.js';
import type { CommandContext } from '../context.js';
import type { ParsedCommand } from '../parse.js';
import { audited } from './common.js';
import { unknownPeopleCard } from './people.js';
import { mention, receiptCard, type Card } from './replies.js';

export async function runManager(
  ctx: CommandContext,
  command: Extract<ParsedCommand, { name: 'manager' }>,
): Promise<Card> {
  const unknown = await unknownPeopleCard(ctx, [command.learner, command.manager]);
  if (unknown) return unknown;
  const learnerOpenId = command.learner.openId;
  const managerOpenId = command.manager?.openId ?? null;
  const learner = mention(learnerOpenId);
  const { card } = await audited(ctx, 'manager', async (tx, now) => {
    const before = await tx.managerOverride.findUnique({ where: { learnerOpenId } });
    const previous = before?.managerOpenId ?? null;
    const detail = { learnerOpenId, managerOpenId, previousManagerOpenId: previous };
    if (!managerOpenId) {
      if (before) await tx.managerOverride.delete({ where: { learnerOpenId } });
      const body = before
        ? t(
            `已清除 ${learner} 的经理设置（之前是 ${mention(previous)}）。之后将使用飞书通讯录中的上级。`,
            `Cleared the manager set for ${learner} (was ${mention(previous)}). ` +
              'Their leader in the Feishu directory is used from now on.',
          )
        : t(
            `${learner} 没有设置经理，没有改变。将使用飞书通讯录中的上级。`,
            `No manager was set for ${learner}; nothing changed. Their leader in the Feishu directory is used.`,
          );
      return { card: receiptCard(t('经理设置已清除', 'Manager cleared'), body), detail };
    }
    const data = { managerOpenId, setBy: ctx.actor.openId, setAt: now };
    await tx.managerOverride.upsert({ where: { learnerOpenId }, create: { learnerOpenId, ...data }, update: data });
    const was =
      previous && previous !== managerOpenId
        ? t(`（之前是 ${mention(previous)}）`, ` (was ${mention(previous)})`)
        : t('', '');
    const body = t(
      `${learner} 的经理已设为 ${mention(managerOpenId)}${was.zh}。关于 ${learner} 的完成通知将发给这位经理。`,
      `The manager of ${learner} is now ${mention(managerOpenId)}${was.en}. ` +
        `Completion notices about ${learner} go to this manager.`,
    );
    return { card: receiptCard(t('经理已设置', 'Manager set'), body), detail };
  });
  return card;
}
