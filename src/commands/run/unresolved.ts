/** `unresolved`: learners the bot cannot find in Feishu, each with the `bind` command that fixes it. */
import { clip, escapeMd, t, userText, type I18nText } from '../../../cards/kit.js';
import type { CommandContext } from '../context.js';
import { learnerKey } from '../../domain/keys.js';
import { accountText } from './bindings.js';
import { infoCard, listCard, type Card } from './replies.js';

const MAX_LISTED = 30;
/** How each bindable source is typed in a `bind` command, per language. */
const BIND_WORDS: Record<string, I18nText> = { alm: t('alm', 'alm'), qingsuyun: t('轻速云', 'qingsuyun') };

export async function runUnresolved(ctx: CommandContext): Promise<Card> {
  const where = { status: 'unresolved' };
  const [rows, total] = await Promise.all([
    ctx.db.learnerIdentity.findMany({
      where,
      orderBy: [{ updatedAt: 'desc' }, { externalUserId: 'asc' }],
      take: MAX_LISTED,
    }),
    ctx.db.learnerIdentity.count({ where }),
  ]);
  const title = t('未找到的学员', 'Learners not found');
  if (rows.length === 0)
    return infoCard(title, t('所有学员都已对应到飞书用户。', 'Every learner has been matched to a Feishu user.'));
  const waits = await ctx.db.notification.groupBy({
    by: ['waitFor'],
    where: { status: 'waiting', waitFor: { in: rows.map((r) => learnerKey(r.source, r.externalUserId)) } },
    _count: { _all: true },
  });
  const waitingFor = (key: string) => waits.find((w) => w.waitFor === key)?._count._all ?? 0;
  const entries = rows.map((r): I18nText => {
    const account = accountText(r.source, r.externalUserId);
    const name = r.displayName ? userText(r.displayName, 40) : null;
    const reason = r.lastError ? userText(r.lastError, 160) : null;
    const waiting = waitingFor(learnerKey(r.source, r.externalUserId));
    const word = BIND_WORDS[r.source];
    const id = escapeMd(clip(r.externalUserId, 128));
    const fix = word
      ? t(
          `修复：绑定 ${word.zh} ${id} ${escapeMd('<@用户 | 邮箱>')}`,
          `Fix: bind ${word.en} ${id} ${escapeMd('<@user | email>')}`,
        )
      : t('这个来源的账号不能用命令绑定。', 'Accounts of this source cannot be bound by command.');
    return t(
      [
        `- **${account.zh}**${name ? `（${name}）` : ''}`,
        `  原因：${reason ?? '未知'}`,
        `  等待中的通知：${waiting}`,
        `  ${fix.zh}`,
      ].join('\n'),
      [
        `- **${account.en}**${name ? ` (${name})` : ''}`,
        `  Reason: ${reason ?? 'unknown'}`,
        `  Notifications waiting: ${waiting}`,
        `  ${fix.en}`,
      ].join('\n'),
    );
  });
  return listCard(title, t(`共 ${total} 位`, `${total} ${total === 1 ? 'learner' : 'learners'}`), entries, total);
}
