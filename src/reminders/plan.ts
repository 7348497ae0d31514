/**
 * Which reminders a learning record calls for, and when: a pure function of the record, its reminder state, its due
 * date, the policy, the learner's zone and the clock's now. Each planned reminder has a key unique for all time, so
 * it fires at most once; planning again after any change yields the same keys for the same reasons.
 *
 * - Stalled assigned learning: no progress for `stalledDays` → reminder 1; each next one `repeatDays` after the
 *   previous was sent, at most `maxStalled`. Progress starts a new stall (its keys carry the progress time).
 * - Due date: on each of `dueDays` calendar days before it (negative: after it), from the start of that local day
 *   (the send window then places it). Days already past are not planned.
 * - "Remind me tomorrow": one reminder at the time the learner chose.
 */
import { DateTime } from 'luxon';
import type { ReminderPolicy } from './policy.js';

export type ReminderType = 'stalled' | 'due' | 'snooze';

/** What planning looks at. */
export interface PlanInput {
  recordId: string;
  state: string;
  enrollSource: 'self' | 'admin' | null;
  /** When the learner last made progress (else when they enrolled, else when the record was first seen). */
  progressAt: Date;
  stalledSent: number;
  lastSentAt: Date | null;
  stopped: boolean;
  snoozedUntil: Date | null;
  /** The due date, a local calendar date `YYYY-MM-DD`. */
  dueOn: string | null;
  zone: string;
  now: Date;
}

export interface PlannedReminder {
  key: string;
  type: ReminderType;
  runAt: Date;
  /** Lower is more urgent: days left for a due date, stalled ones after. */
  priority: number;
  /** For a due-date reminder: how many days before the due date it is (negative: after). */
  offset?: number;
}

/** States in which a learner still has something to do. */
const ACTIVE = new Set(['enrolled', 'in_progress']);

export const reminderKeyPrefix = (recordId: string): string => `reminder:${recordId}:`;

export function planReminders(input: PlanInput, policy: ReminderPolicy): PlannedReminder[] {
  if (!ACTIVE.has(input.state) || input.stopped) return [];
  const out: PlannedReminder[] = [];
  const prefix = reminderKeyPrefix(input.recordId);
  const stalled = nextStalled(input, policy);
  if (stalled) out.push({ ...stalled, key: `${prefix}stalled:${input.progressAt.getTime()}:${stalled.n}` });
  if (input.dueOn) out.push(...dueReminders(input, policy, prefix));
  if (input.snoozedUntil)
    out.push({
      key: `${prefix}snooze:${input.snoozedUntil.getTime()}`,
      type: 'snooze',
      runAt: input.snoozedUntil,
      priority: 0,
    });
  return out;
}

function nextStalled(input: PlanInput, policy: ReminderPolicy) {
  const assigned = input.enrollSource === 'admin' || (input.enrollSource === 'self' && policy.selfEnrolled);
  if (!assigned || input.stalledSent >= policy.maxStalled) return null;
  const stalledFrom = DateTime.fromJSDate(input.progressAt).plus({ days: policy.stalledDays });
  const repeat =
    input.stalledSent > 0 && input.lastSentAt
      ? DateTime.fromJSDate(input.lastSentAt).plus({ days: policy.repeatDays })
      : stalledFrom;
  const runAt = DateTime.max(stalledFrom, repeat).toJSDate();
  return { type: 'stalled' as const, runAt, priority: 1000, n: input.stalledSent + 1 };
}

function dueReminders(input: PlanInput, policy: ReminderPolicy, prefix: string): PlannedReminder[] {
  const due = DateTime.fromISO(input.dueOn!, { zone: input.zone });
  if (!due.isValid) return [];
  const today = DateTime.fromJSDate(input.now, { zone: input.zone }).startOf('day');
  const out: PlannedReminder[] = [];
  for (const offset of policy.dueDays) {
    const day = due.minus({ days: offset }).startOf('day');
    if (day < today) continue; // that day is over: nothing to catch up
    out.push({
      key: `${prefix}due:${input.dueOn}:${offset}`,
      type: 'due',
      runAt: day.toJSDate(),
      priority: offset,
      offset,
    });
  }
  return out;
}

/** Calendar days from the local date of `now` to `dueOn` (0: due today, negative: overdue). */
export function daysLeft(dueOn: string, now: Date, zone: string): number {
  const due = DateTime.fromISO(dueOn, { zone }).startOf('day');
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  return Math.round(due.diff(today, 'days').days);
}
