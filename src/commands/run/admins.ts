/** `admin add|remove <@user>` and `admins`. ADMIN_OPEN_IDS admins are set in the environment, not by command. */
import { formatTime, t } from '../../../cards/kit.js';
import { listAdmins } from '../../recipients/admins.js';
import type { CommandContext } from '../context.js';
import type { ParsedCommand } from '../parse.js';
import { actorTimeZone, audited } from './common.js';
import { unknownPeopleCard } from './people.js';
import { infoCard, listCard, mention, receiptCard, refusalCard, type Card } from './replies.js';

/** Serialises admin changes, so two removals at once cannot leave no admin. */
const ADMIN_LOCK = 0x61646d696en; // "admin"

export async function runAdmin(ctx: CommandContext, command: Extract<ParsedCommand, { name: 'admin' }>): Promise<Card> {
  const openId = command.user.openId;
  const who = mention(openId);
  if (command.action === 'add') {
    const unknown = await unknownPeopleCard(ctx, [command.user]);
    if (unknown) return unknown;
  }
  if (ctx.config.ADMIN_OPEN_IDS.includes(openId)) {
    return command.action === 'add'
      ? receiptCard(
          t('已经是管理员', 'Already an admin'),
          t(
            `${who} 已经是管理员（在环境变量 ADMIN_OPEN_IDS 中设置），没有改变。`,
            `${who} is already an admin (set in ADMIN_OPEN_IDS); nothing changed.`,
          ),
        )
      : refusalCard(
          t('无法移除', 'Cannot remove'),
          t(
            `${who} 是在环境变量 ADMIN_OPEN_IDS 中设置的管理员，不能用命令移除。请修改该环境变量并重启机器人。`,
            `${who} is an admin set in the environment (ADMIN_OPEN_IDS) and cannot be removed by command. ` +
              'Change that setting and restart the bot.',
          ),
        );
  }
  const { card } = await audited(ctx, 'admin', async (tx, now) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_LOCK})`;
    const row = await tx.admin.findUnique({ where: { openId } });
    const detail = { action: command.action, openId };
    if (command.action === 'add') {
      if (row)
        return {
          card: receiptCard(
            t('已经是管理员', 'Already an admin'),
            t(`${who} 已经是管理员，没有改变。`, `${who} is already an admin; nothing changed.`),
          ),
          detail: { ...detail, changed: false },
        };
      await tx.admin.create({ data: { openId, addedBy: ctx.actor.openId, addedAt: now } });
      return {
        card: receiptCard(t('已添加管理员', 'Admin added'), t(`${who} 现在是管理员了。`, `${who} is now an admin.`)),
        detail: { ...detail, changed: true },
      };
    }
    if (!row)
      return {
        card: receiptCard(
          t('不是管理员', 'Not an admin'),
          t(`${who} 不是管理员，没有改变。`, `${who} is not an admin; nothing changed.`),
        ),
        detail: { ...detail, changed: false },
      };
    const others =
      new Set(ctx.config.ADMIN_OPEN_IDS).size +
      (await tx.admin.count({ where: { openId: { notIn: [openId, ...ctx.config.ADMIN_OPEN_IDS] } } }));
    if (others === 0) {
      return {
        card: refusalCard(
          t('无法移除', 'Cannot remove'),
          t(
            `${who} 是最后一位管理员，不能移除。请先添加另一位管理员。`,
            `${who} is the last admin and cannot be removed. Add another admin first.`,
          ),
        ),
        detail: null,
      };
    }
    await tx.admin.delete({ where: { openId } });
    return {
      card: receiptCard(
        t('已移除管理员', 'Admin removed'),
        t(`${who} 不再是管理员。`, `${who} is no longer an admin.`),
      ),
      detail: { ...detail, changed: true },
    };
  });
  return card;
}

export async function runAdmins(ctx: CommandContext): Promise<Card> {
  const [admins, zone] = await Promise.all([listAdmins(ctx.db, ctx.config), actorTimeZone(ctx)]);
  const title = t('管理员', 'Admins');
  if (admins.length === 0) return infoCard(title, t('还没有管理员。', 'There are no admins.'));
  const line = (a: (typeof admins)[number], lang: 'zh' | 'en') => {
    if (a.fromEnv)
      return `- ${mention(a.openId)} · ${lang === 'zh' ? '环境变量 ADMIN_OPEN_IDS' : 'ADMIN_OPEN_IDS (environment)'}`;
    const parts = [mention(a.openId)];
    if (a.addedBy) parts.push(lang === 'zh' ? `由 ${mention(a.addedBy)} 添加` : `added by ${mention(a.addedBy)}`);
    if (a.addedAt) parts.push(formatTime(a.addedAt, zone, lang));
    return `- ${parts.join(' · ')}`;
  };
  const head = t(`共 ${admins.length} 位`, `${admins.length} ${admins.length === 1 ? 'admin' : 'admins'}`);
  return listCard(
    title,
    head,
    admins.map((a) => t(line(a, 'zh'), line(a, 'en'))),
    admins.length,
  );
}
