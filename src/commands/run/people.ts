/**
 * The people a command names, checked against Feishu's directory: an open_id typed by hand may name nobody, and a
 * binding or a manager set for nobody would silently never reach anyone. Mentions need no check (Feishu resolved
 * them). Without Feishu credentials nothing can be checked, and the command goes ahead as typed.
 */
import { t } from '../../../cards/kit.js';
import type { CommandContext } from '../context.js';
import type { UserRef } from '../parse.js';
import { errorCard, refusalCard, type Card } from './replies.js';

/** A card saying which typed open_ids the directory does not know, or null when every one is known. */
export async function unknownPeopleCard(ctx: CommandContext, refs: readonly (UserRef | null)[]): Promise<Card | null> {
  const typed = [...new Set(refs.filter((r) => r?.kind === 'open_id').map((r) => r!.openId))];
  const directory = ctx.services.directory;
  if (typed.length === 0 || directory.available === false) return null;
  let missing: string[];
  try {
    const found = await Promise.all(typed.map((openId) => directory.user(openId)));
    missing = typed.filter((_, i) => found[i] === null);
  } catch {
    return errorCard(
      t('暂时无法查找用户', 'Could not look the user up'),
      t(
        '暂时无法连接飞书通讯录确认这个用户，什么都没有改变。请稍后再试，或改用 @用户。',
        'Feishu could not be reached to check this user in the directory, and nothing was changed. ' +
          'Please try again later, or @mention the user instead.',
      ),
    );
  }
  if (missing.length === 0) return null;
  const ids = missing.map((id) => `\`${id}\``).join(', ');
  return refusalCard(
    t('找不到用户', 'User not found'),
    t(
      `飞书通讯录中没有 open_id 为 ${ids} 的用户（或机器人无权查看），什么都没有改变。请 @ 这个人，或检查 open_id。`,
      `No user with the open_id ${ids} is in the Feishu directory (or the bot may not see them), and nothing was ` +
        'changed. @mention the person instead, or check the open_id.',
    ),
  );
}
