/**
 * `whoami`: the sender's own Feishu ids (and the chat's in a group), so an admin can fill ADMIN_OPEN_IDS or find
 * a chat for `route` without the developer console.
 */
import { escapeMd, t } from '../../../cards/kit.js';
import { USER_ID_SCOPE } from '../../feishu/scopes.js';
import type { CommandContext } from '../context.js';
import { infoCard, join, same, type Card } from './replies.js';

/** An id as inline code (Feishu ids are letters, digits, `_` and `-`); anything else is shown escaped. */
function code(id: string | undefined): string {
  if (!id) return '-';
  return /^[A-Za-z0-9_-]{1,100}$/.test(id) ? `\`${id}\`` : escapeMd(id.slice(0, 100));
}

export async function runWhoami(ctx: CommandContext): Promise<Card> {
  const { openId, userId, unionId } = ctx.actor;
  const lines = [
    same(`open_id: ${code(openId)}`),
    userId
      ? same(`user_id: ${code(userId)}`)
      : t(
          `user_id：-（应用需要「获取用户 user ID」权限 \`${USER_ID_SCOPE}\`）`,
          `user_id: - (the app needs the "Obtain user ID" scope, \`${USER_ID_SCOPE}\`)`,
        ),
    same(`union_id: ${code(unionId)}`),
  ];
  if (ctx.chat.chatType === 'group')
    lines.push(t(`本群 chat_id：${code(ctx.chat.chatId)}`, `This chat's chat_id: ${code(ctx.chat.chatId)}`));
  lines.push(
    t(
      '管理员：把 open_id 填入 ADMIN_OPEN_IDS（逗号分隔），或由现有管理员发送「管理员 添加 @你」。',
      'Admins: put the open_id in ADMIN_OPEN_IDS (comma separated), or have an admin send "admin add @you".',
    ),
  );
  return infoCard(t('你的飞书 ID', 'Your Feishu ids'), join(lines));
}
