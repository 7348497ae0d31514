/**
 * A learner's reminder about a course: stalled assigned learning, or a due date coming (or just passed). It names
 * the course, shows progress and the due date, and offers "Remind me tomorrow" and "Stop reminders for this course";
 * after a click the same card shows what was done instead of the buttons.
 */
import { buttonRow, callbackButton, card, fieldLines, linkButton, markdown, note, t, type I18nText } from './kit.js';
import { itemIdNote, itemPhrase, itemSummary, type ItemNaming } from './item.js';
import { itemTypeName, sourceNote } from './learning.js';

/** The callback values of the reminder card's buttons. */
export interface ReminderActionValue {
  action: 'reminder_snooze' | 'reminder_stop';
  /** The learning record the reminder is about. */
  record: string;
}

export interface ReminderCardInput extends ItemNaming {
  recordId: string;
  itemType: string;
  /** stalled: no progress for a while; due: the due date is coming, is today, or has passed. */
  reason: 'stalled' | 'due';
  /** Days since the last progress (stalled). */
  idleDays?: number;
  /** Compulsory lessons done of all (Feishu eLearning), or a percentage (ALM). */
  progress?: { done: number; total: number } | { percent: number } | null;
  /** YYYY-MM-DD, and calendar days left (0 today, negative overdue). */
  dueOn?: string | null;
  daysLeft?: number | null;
  /** The course's address, when known. */
  url?: string | null;
  sourceLabel: string;
  /** After a click: what the learner chose (the buttons give way to it). */
  done?: { type: 'snoozed'; until: string } | { type: 'stopped' };
}

function progressText(p: ReminderCardInput['progress']): I18nText | null {
  if (!p) return null;
  if ('percent' in p) {
    const v = `${Math.round(Math.min(100, Math.max(0, p.percent)))}%`;
    return t(v, v);
  }
  return t(`已完成 ${p.done} / ${p.total} 节必修课`, `${p.done} of ${p.total} compulsory lessons done`);
}

function dueText(dueOn: string, daysLeft: number | null | undefined): I18nText {
  if (daysLeft == null) return t(dueOn, dueOn);
  if (daysLeft > 0)
    return t(`${dueOn}（还剩 ${daysLeft} 天）`, `${dueOn} (${daysLeft} ${daysLeft === 1 ? 'day' : 'days'} left)`);
  if (daysLeft === 0) return t(`${dueOn}（今天截止）`, `${dueOn} (due today)`);
  const over = -daysLeft;
  return t(`${dueOn}（已逾期 ${over} 天）`, `${dueOn} (${over} ${over === 1 ? 'day' : 'days'} overdue)`);
}

export function reminderCard(input: ReminderCardInput): Record<string, unknown> {
  const type = itemTypeName(input.itemType);
  const item = itemPhrase(input, type);
  const overdue = input.reason === 'due' && input.daysLeft != null && input.daysLeft < 0;
  const title = overdue
    ? t('学习已逾期', 'Learning overdue')
    : input.reason === 'due'
      ? t('学习截止提醒', 'Due date reminder')
      : t('学习提醒', 'Learning reminder');
  const idle = input.idleDays ?? 0;
  const body = overdue
    ? t(`${item.zh}已过截止日期，请尽快完成。`, `${capitalFirst(item.en)} is past its due date: please finish it soon.`)
    : input.reason === 'due'
      ? t(`别忘了按时完成${item.zh}。`, `Remember to finish ${item.en} in time.`)
      : t(
          `你已有 ${idle} 天没有学习${item.zh}了，继续加油！`,
          `You have not made progress on ${item.en} for ${idle} ${idle === 1 ? 'day' : 'days'}. Keep going!`,
        );
  const rows: (readonly [I18nText, I18nText])[] = [];
  const progress = progressText(input.progress);
  if (progress) rows.push([t('进度', 'Progress'), progress]);
  if (input.dueOn) rows.push([t('截止日期', 'Due'), dueText(input.dueOn, input.daysLeft)]);

  const elements: Record<string, unknown>[] = [markdown(body, 'message')];
  if (rows.length > 0) elements.push(fieldLines(rows, 'details'));
  const open = input.url ? [linkButton(t('打开课程', 'Open the course'), input.url, 'primary')] : [];
  if (input.done) {
    const said =
      input.done.type === 'stopped'
        ? t('✅ 已停止这门课程的提醒。', '✅ Reminders for this course are stopped.')
        : t(`⏰ 将在 ${input.done.until} 再次提醒你。`, `⏰ You will be reminded again on ${input.done.until}.`);
    elements.push(markdown(said, 'done'));
    if (open.length) elements.push(buttonRow(open, 'actions'));
  } else {
    const value = (action: ReminderActionValue['action']): ReminderActionValue => ({ action, record: input.recordId });
    elements.push(
      buttonRow(
        [
          ...open,
          callbackButton(t('明天提醒我', 'Remind me tomorrow'), { ...value('reminder_snooze') }),
          callbackButton(t('停止这门课程的提醒', 'Stop reminders for this course'), { ...value('reminder_stop') }),
        ],
        'actions',
      ),
    );
  }
  const idNote = itemIdNote(input, type);
  if (idNote) elements.push(idNote);
  elements.push(
    note(
      t('发送「静音 提醒」不再接收任何学习提醒。', 'Send "mute reminders" to stop all learning reminders.'),
      'mute_hint',
    ),
  );
  elements.push(sourceNote(input.sourceLabel));
  const name = itemSummary(input, type);
  return card({
    title,
    template: overdue ? 'red' : input.reason === 'due' ? 'orange' : 'blue',
    summary: t(`${title.zh}：${name.zh}`, `${title.en}: ${name.en}`),
    elements,
  });
}

const capitalFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
