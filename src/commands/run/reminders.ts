/** `reminders` (a learner's coming reminders) and `reminder <policy> <value>` (an admin changes a rule). */
import { t, timeText, userText, type I18nText } from '../../../cards/kit.js';
import { itemTypeName } from '../../../cards/learning.js';
import { isSource, SOURCE_NAMES } from '../../domain/sources.js';
import { preferencesFor } from '../../recipients/preferences.js';
import { policySettingKey, readPolicy, showPolicy } from '../../reminders/policy.js';
import { scheduleReplan } from '../../team/replan.js';
import { REMINDER_JOB } from '../../reminders/schedule.js';
import type { CommandContext } from '../context.js';
import type { ParsedCommand } from '../parse.js';
import { audited } from './common.js';
import { writeSetting } from '../../settings/store.js';
import { infoCard, join, receiptCard, type Card } from './replies.js';

/** At most this many reminders are listed. */
const MAX_LISTED = 20;

const TYPES: Record<string, I18nText> = {
  stalled: t('未继续学习提醒', 'not progressing'),
  due: t('截止日期提醒', 'due date'),
  snooze: t('你要求的再次提醒', 'you asked to be reminded'),
};

export async function runReminders(ctx: CommandContext): Promise<Card> {
  const openId = ctx.actor.openId;
  const pref = await preferencesFor(ctx.db, ctx.config, openId);
  const jobs = await ctx.db.job.findMany({
    where: { kind: REMINDER_JOB, recipient: openId, status: { in: ['pending', 'running'] } },
    orderBy: [{ runAt: 'asc' }, { priority: 'asc' }],
    take: MAX_LISTED + 1,
  });
  const ids = [...new Set(jobs.map((j) => (j.payload as { record?: string }).record).filter(Boolean))] as string[];
  const records = await ctx.db.learningRecord.findMany({ where: { id: { in: ids } } });
  const title = t('接下来的学习提醒', 'Coming reminders');
  const muted = pref.mutedKinds.includes('reminders')
    ? [
        t(
          '你已静音学习提醒：以下提醒不会发给你。发送「取消静音 提醒」恢复。',
          'You muted reminders: none of these will reach you. Send "unmute reminders" to get them again.',
        ),
      ]
    : [];
  if (jobs.length === 0)
    return infoCard(
      title,
      join([...muted, t('目前没有安排任何学习提醒。', 'No learning reminders are planned for you.')]),
    );
  const lines = jobs.slice(0, MAX_LISTED).map((j) => {
    const p = j.payload as { record?: string; type?: string; offset?: number };
    const r = records.find((x) => x.id === p.record);
    const type = itemTypeName(r?.itemType ?? 'course');
    const place = r && isSource(r.source) ? SOURCE_NAMES[r.source] : t('学习平台', 'the learning platform');
    const name = r?.itemName
      ? t(`**${userText(r.itemName, 60)}**`, `**${userText(r.itemName, 60)}**`)
      : t(`${place.zh}中的一门${type.zh}`, `a ${type.en} in ${place.en}`);
    const when = timeText(j.runAt, pref.timeZone);
    const why = TYPES[p.type ?? ''] ?? t('提醒', 'reminder');
    return t(`- ${when.zh} · ${name.zh} · ${why.zh}`, `- ${when.en} · ${name.en} · ${why.en}`);
  });
  const more = jobs.length > MAX_LISTED ? [t('……还有更多', '…and more')] : [];
  const hint = t(
    '提醒只在工作日的工作时间发送，每天最多 2 条。发送「静音 提醒」不再接收。',
    'Reminders come on working days in working hours, at most 2 a day. Send "mute reminders" to stop them.',
  );
  return infoCard(title, join([...muted, ...lines, ...more, hint]));
}

export async function runReminderPolicy(
  ctx: CommandContext,
  command: Extract<ParsedCommand, { name: 'reminder' }>,
): Promise<Card> {
  const key = policySettingKey(command.policy);
  const { card } = await audited(ctx, 'reminder', async (tx, now) => {
    const before = showPolicy(await readPolicy(tx), command.policy);
    await writeSetting(tx, key, command.value, ctx.actor.openId);
    const after = showPolicy(await readPolicy(tx), command.policy);
    const changed = after !== before;
    if (changed) await scheduleReplan(tx, null, now);
    const body = changed
      ? t(
          `提醒规则 ${command.policy} 已设为 **${after}**（之前是 ${before}）。已安排的提醒正在后台按新规则重新安排。`,
          `The reminder rule ${command.policy} is now **${after}** (was ${before}). Planned reminders are being ` +
            're-planned by it in the background.',
        )
      : t(
          `提醒规则 ${command.policy} 已经是 **${after}**，没有改变。`,
          `The reminder rule ${command.policy} is already **${after}**; nothing changed.`,
        );
    return {
      card: receiptCard(t('提醒规则已修改', 'Reminder rule changed'), body),
      detail: { policy: command.policy, value: command.value, previous: before },
    };
  });
  return card;
}
