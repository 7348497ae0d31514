/**
 * "Remind me tomorrow" and "Stop reminders for this course" on a reminder card. Only the learner the reminder is
 * for may click; a repeated click changes nothing more. The clicked card changes in place to say what was done.
 */
import { t } from '../../cards/kit.js';
import { toast } from '../../cards/reply.js';
import { windowPolicy, type Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { Clock } from '../domain/clock.js';
import { recordSubject } from '../domain/keys.js';
import { loadCalendar } from '../jobs/calendar-days.js';
import { patchMessage } from '../outbox/card-updates.js';
import { reminderCardFor } from '../reminders/card.js';
import { planRecordReminders, reminderFacts } from '../reminders/schedule.js';
import { snoozeReminders, stopReminders } from '../reminders/store.js';
import type { CardAction, CardActionResult } from './callback.js';
import { recordAction } from './record.js';

export interface ReminderClickDeps {
  db: Db;
  config: Config;
  clock: Clock;
  onQueued: () => void;
}

export async function reminderClick(
  deps: ReminderClickDeps,
  action: CardAction,
  recordId: string,
  what: 'snooze' | 'stop',
): Promise<CardActionResult> {
  const { db, config } = deps;
  const now = deps.clock.now();
  const name = `reminder_${what}`;
  const subject = recordSubject(recordId);
  const outcome = await db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM learning_record WHERE id = ${recordId}::uuid FOR UPDATE`;
    const facts = locked.length ? await reminderFacts(tx, config, recordId) : null;
    if (!facts || facts.openId !== action.operatorOpenId) {
      await recordAction(tx, action, name, subject, facts ? 'not_yours' : 'unknown_record');
      return null;
    }
    let until: Date | null = null;
    if (what === 'stop') {
      await stopReminders(tx, recordId, now);
    } else if (facts.state.stoppedAt === null) {
      const calendar = await loadCalendar(tx, windowPolicy(config));
      const zone = calendar.zoneFor(facts.zone);
      // Tomorrow, or the next working day after it: a reminder never lands on a day off.
      until =
        facts.state.snoozedUntil && facts.state.snoozedUntil > now
          ? facts.state.snoozedUntil
          : calendar.nextWorkingDayOpening(now, zone);
      await snoozeReminders(tx, recordId, until);
    }
    await planRecordReminders(tx, config, recordId, now);
    await recordAction(tx, action, name, subject, what === 'stop' ? 'stopped' : 'snoozed');
    const after = (await reminderFacts(tx, config, recordId))!;
    const reason = after.dueOn ? ('due' as const) : ('stalled' as const);
    const card =
      what === 'stop' || !until
        ? reminderCardFor(after, reason, now, { type: 'stopped' })
        : reminderCardFor(after, reason, now, { type: 'snoozed', until: localDay(until, after.zone) });
    return { card, stopped: what === 'stop' || !until };
  });
  if (!outcome) return { toast: toast('error', t('无法操作这条提醒。', 'This reminder cannot be changed by you.')) };
  const clicked = action.style === 'v1' ? action.messageId : undefined;
  return {
    toast: outcome.stopped
      ? toast('success', t('已停止这门课程的提醒。', 'Reminders for this course are stopped.'))
      : toast('success', t('好的，明天再提醒你。', 'OK: you will be reminded on the next working day.')),
    card: outcome.card,
    ...(clicked && { afterAnswer: () => patchClicked(deps, clicked, outcome.card) }),
  };
}

const localDay = (at: Date, zone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

/** The older callback's clicked card, patched once the answer has gone back. */
async function patchClicked(deps: ReminderClickDeps, messageId: string, card: Record<string, unknown>) {
  const queued = await deps.db.$transaction(async (tx) => {
    const copy = await tx.notification.findFirst({ where: { messageId, operation: 'send' }, select: { id: true } });
    if (!copy) return false;
    await patchMessage(tx, copy.id, card, `reminder-${messageId.slice(-8)}-${Date.now()}`);
    return true;
  });
  if (queued) deps.onQueued();
}
