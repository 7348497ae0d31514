/** `schedule` (the next scheduled jobs and why each waits) and `holiday` / `workday` (the admins' day overrides). */
import { DateTime } from 'luxon';
import { t, userText, type I18nText } from '../../../cards/kit.js';
import { addCalendarDay, removeCalendarDay, type DayKind } from '../../jobs/calendar-days.js';
import { countPendingJobs, upcomingJobs, type UpcomingJob } from '../../jobs/store.js';
import { replanAfterCalendarChange } from '../../team/policy-change.js';
import type { CommandContext } from '../context.js';
import type { ParsedCommand } from '../parse.js';
import { actorTimeZone, audited, nowOf } from './common.js';
import { listCard, mention, receiptCard, type Card } from './replies.js';

/** How many jobs `schedule` lists. */
const SHOWN = 20;

export async function runSchedule(ctx: CommandContext): Promise<Card> {
  const now = nowOf(ctx);
  const [jobs, total, zone] = await Promise.all([
    upcomingJobs(ctx.db, SHOWN),
    countPendingJobs(ctx.db),
    actorTimeZone(ctx),
  ]);
  const title = t('计划任务', 'Scheduled jobs');
  const head =
    total === 0
      ? t('没有等待中的计划任务。', 'No scheduled jobs are waiting.')
      : t(`共 ${total} 个等待中的任务（时间为 ${zone}）：`, `${total} waiting (times in ${zone}):`);
  return listCard(
    title,
    head,
    jobs.map((job) => line(job, now, zone)),
    total,
  );
}

function line(job: UpcomingJob, now: Date, zone: string): I18nText {
  const when = DateTime.fromJSDate(job.runAt, { zone }).toFormat('yyyy-MM-dd HH:mm');
  const to = job.recipient ? ` → ${mention(job.recipient)}` : '';
  const why = reason(job, now);
  const key = userText(job.key, 80);
  return t(`- ${when} \`${job.kind}\` ${key}${to}：${why.zh}`, `- ${when} \`${job.kind}\` ${key}${to}: ${why.en}`);
}

function reason(job: UpcomingJob, now: Date): I18nText {
  if (job.status === 'running') return t('正在运行', 'running now');
  if (job.waiting === 'retry') {
    const error = userText(job.lastError ?? '', 120);
    return t(`出错后等待重试（第 ${job.attempts} 次）：${error}`, `retrying after error ${job.attempts}: ${error}`);
  }
  if (job.runAt <= now) return t('已到期，马上处理', 'due, about to run');
  if (job.waiting === 'window') return t('等待发送时段（工作日工作时间）', 'waits for the send window (working hours)');
  if (job.waiting === 'cap') return t('今天的提醒已达上限，下一个工作日发送', "over today's cap: the next working day");
  return t('按计划时间', 'its scheduled time');
}

const DAY_WORDS: Record<DayKind, I18nText> = {
  holiday: t('休息日', 'a day off'),
  workday: t('工作日', 'a working day'),
};

export async function runCalendarDay(
  ctx: CommandContext,
  command: Extract<ParsedCommand, { name: 'holiday' | 'workday' }>,
): Promise<Card> {
  const kind: DayKind = command.name;
  const { date } = command;
  const word = DAY_WORDS[kind];
  const { card } = await audited(ctx, command.name, async (tx, now) => {
    if (command.action === 'add') {
      const before = await addCalendarDay(tx, date, kind, ctx.actor.openId);
      if (before !== kind) await replanAfterCalendarChange(tx, now);
      const body =
        before === kind
          ? t(`${date} 已经是${word.zh}，没有改变。`, `${date} was already ${word.en}; nothing changed.`)
          : t(
              `${date} 现在是${word.zh}：自动发送的提醒和摘要按此安排。`,
              `${date} is now ${word.en}: reminders and digests are planned accordingly.`,
            );
      return { card: receiptCard(t('日历已更新', 'Calendar updated'), body), detail: { date, kind, before } };
    }
    const removed = await removeCalendarDay(tx, date, kind);
    if (removed) await replanAfterCalendarChange(tx, now);
    const body = removed
      ? t(
          `已取消：${date} 不再被设为${word.zh}，按节假日日历处理。`,
          `Removed: ${date} is no longer set as ${word.en}; the holiday calendar decides again.`,
        )
      : t(`${date} 没有被设为${word.zh}，没有改变。`, `${date} was not set as ${word.en}; nothing changed.`);
    return { card: receiptCard(t('日历已更新', 'Calendar updated'), body), detail: { date, kind, removed } };
  });
  return card;
}
