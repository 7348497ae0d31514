/** `bind`, `unbind`, `bindings`: which Feishu user a learning-platform account belongs to, as an admin says. */
import { formatTime, t, userText, type I18nText } from '../../../cards/kit.js';
import { learnerKey } from '../../domain/keys.js';
import { isSource, SOURCE_NAMES } from '../../domain/sources.js';
import type { CommandContext } from '../context.js';
import type { BindTarget, ParsedCommand } from '../parse.js';
import { actorTimeZone, audited } from './common.js';
import { unknownPeopleCard } from './people.js';
import { errorCard, infoCard, join, listCard, mention, receiptCard, refusalCard, type Card } from './replies.js';

/** A source's short name for receipts; an unknown one is shown as it is (escaped). */
export const sourceName = (source: string): I18nText =>
  isSource(source) ? SOURCE_NAMES[source] : t(userText(source, 40), userText(source, 40));

/** `ALM 账号 123` / `ALM account 123`, escaped. */
export function accountText(source: string, externalUserId: string): I18nText {
  const name = sourceName(source);
  const id = userText(externalUserId, 128);
  return t(`${name.zh} 账号 ${id}`, `${name.en} account ${id}`);
}

const MAX_LISTED = 50;

/** The open_id a bind target names, or the card explaining why there is none. */
async function targetOpenId(ctx: CommandContext, target: BindTarget): Promise<{ openId: string } | { card: Card }> {
  if (target.kind !== 'email') {
    const unknown = await unknownPeopleCard(ctx, [target]);
    return unknown ? { card: unknown } : { openId: target.openId };
  }
  const directory = ctx.services.directory;
  const title = t('无法绑定', 'Could not bind');
  if (directory.available === false) {
    return {
      card: refusalCard(
        title,
        t(
          '机器人没有配置飞书应用凭据，无法按邮箱查找用户。请改用 @用户 或 open_id。',
          'Feishu app credentials are not configured, so users cannot be found by email. ' +
            'Use an @mention or an open_id instead.',
        ),
      ),
    };
  }
  let openId: string | null;
  try {
    openId = await directory.openIdFor('email', target.email);
  } catch {
    return {
      card: errorCard(
        title,
        t(
          '暂时无法连接飞书查找这个邮箱，什么都没有改变。请稍后再试。',
          'Feishu could not be reached to look up this email, and nothing was changed. Please try again.',
        ),
      ),
    };
  }
  if (!openId)
    return {
      card: refusalCard(
        title,
        t(
          `没有飞书用户使用邮箱 ${userText(target.email)}。`,
          `No Feishu user has the email ${userText(target.email)}.`,
        ),
      ),
    };
  return { openId };
}

/** `bind <source> <id> <target>`: a binding wins over any lookup; waiting notifications are released after commit. */
export async function runBind(ctx: CommandContext, command: Extract<ParsedCommand, { name: 'bind' }>): Promise<Card> {
  const found = await targetOpenId(ctx, command.target);
  if ('card' in found) return found.card;
  const { source, externalUserId } = command;
  const openId = found.openId;
  const key = { source, externalUserId };
  const { card } = await audited(ctx, 'bind', async (tx) => {
    const before = await tx.learnerIdentity.findUnique({ where: { source_externalUserId: key } });
    const data = { status: 'resolved', origin: 'binding', openId, boundBy: ctx.actor.openId, lastError: null };
    await tx.learnerIdentity.upsert({
      where: { source_externalUserId: key },
      create: { ...key, ...data },
      update: data,
    });
    const waiting = await tx.notification.count({
      where: { waitFor: learnerKey(source, externalUserId), status: 'waiting' },
    });
    const previous = before?.status === 'resolved' && before.openId && before.openId !== openId ? before.openId : null;
    const account = accountText(source, externalUserId);
    const lines: I18nText[] = [
      t(`已把 ${account.zh} 绑定到 ${mention(openId)}。`, `Bound the ${account.en} to ${mention(openId)}.`),
    ];
    if (previous) lines.push(t(`它之前对应 ${mention(previous)}。`, `It was matched to ${mention(previous)} before.`));
    lines.push(
      waiting > 0
        ? t(
            `有 ${waiting} 条通知在等待这位学员，现在会发出。`,
            `${waiting} ${waiting === 1 ? 'notification was' : 'notifications were'} ` +
              'waiting for this learner and will be sent now.',
          )
        : t('没有等待这位学员的通知。', 'No notifications were waiting for this learner.'),
    );
    return {
      card: receiptCard(t('已绑定', 'Bound'), join(lines)),
      detail: {
        source,
        externalUserId,
        target: targetDetail(command.target),
        openId,
        previousOpenId: before?.openId ?? null,
        waiting,
      },
    };
  });
  ctx.wakeWaiting();
  return card;
}

/** `unbind <source> <id>`: forgets who the account belongs to; the next event looks the learner up again. */
export async function runUnbind(
  ctx: CommandContext,
  command: Extract<ParsedCommand, { name: 'unbind' }>,
): Promise<Card> {
  const { source, externalUserId } = command;
  const { card } = await audited(ctx, 'unbind', async (tx) => {
    const before = await tx.learnerIdentity.findUnique({
      where: { source_externalUserId: { source, externalUserId } },
    });
    if (before) await tx.learnerIdentity.delete({ where: { source_externalUserId: { source, externalUserId } } });
    const account = accountText(source, externalUserId);
    const body = !before
      ? t(`${account.zh} 没有绑定，没有改变。`, `The ${account.en} had no binding; nothing changed.`)
      : before.openId
        ? t(
            `已解除 ${account.zh} 与 ${mention(before.openId)} 的对应。`,
            `Removed the link between the ${account.en} and ${mention(before.openId)}.`,
          )
        : t(`已删除 ${account.zh} 的记录。`, `Removed the record of the ${account.en}.`);
    return {
      card: receiptCard(before ? t('已解绑', 'Unbound') : t('没有绑定', 'No binding'), body),
      detail: {
        source,
        externalUserId,
        existed: before !== null,
        previousOpenId: before?.openId ?? null,
        previousOrigin: before?.origin ?? null,
      },
    };
  });
  return card;
}

/** `bindings [source]`: the bindings admins made, newest first. */
export async function runBindings(
  ctx: CommandContext,
  command: Extract<ParsedCommand, { name: 'bindings' }>,
): Promise<Card> {
  const where = { origin: 'binding', ...(command.source ? { source: command.source } : {}) };
  const [rows, total, zone] = await Promise.all([
    ctx.db.learnerIdentity.findMany({
      where,
      orderBy: [{ updatedAt: 'desc' }, { externalUserId: 'asc' }],
      take: MAX_LISTED,
    }),
    ctx.db.learnerIdentity.count({ where }),
    actorTimeZone(ctx),
  ]);
  const title = command.source
    ? t(`绑定列表（${sourceName(command.source).zh}）`, `Bindings (${sourceName(command.source).en})`)
    : t('绑定列表', 'Bindings');
  if (rows.length === 0) return infoCard(title, t('还没有绑定。', 'There are no bindings yet.'));
  const line = (r: (typeof rows)[number], lang: 'zh' | 'en') => {
    const parts = [
      `${accountText(r.source, r.externalUserId)[lang]} → ${mention(r.openId)}`,
      formatTime(r.updatedAt, zone, lang),
    ];
    if (r.boundBy) parts.push(lang === 'zh' ? `由 ${mention(r.boundBy)} 绑定` : `by ${mention(r.boundBy)}`);
    return `- ${parts.join(' · ')}`;
  };
  const head = t(`共 ${total} 个绑定`, `${total} ${total === 1 ? 'binding' : 'bindings'}`);
  return listCard(
    title,
    head,
    rows.map((r) => t(line(r, 'zh'), line(r, 'en'))),
    total,
  );
}

function targetDetail(target: BindTarget) {
  return target.kind === 'email'
    ? { kind: 'email', email: target.email }
    : { kind: target.kind, openId: target.openId };
}
