/** The reminder card for a record, from what the reminders know about it. */
import { DateTime } from 'luxon';
import { reminderCard, type ReminderCardInput } from '../../cards/reminder.js';
import { isSource, sourceLabel, SOURCE_NAMES } from '../domain/sources.js';
import { daysLeft } from './plan.js';
import type { ReminderFacts } from './schedule.js';

function progressOf(f: ReminderFacts): ReminderCardInput['progress'] {
  const lessons = (f.record.facts as { lessons?: { compulsory?: unknown; learnedCompulsory?: unknown } } | null)
    ?.lessons;
  const total = Number(lessons?.compulsory);
  if (f.record.source === 'feishu' && Number.isInteger(total) && total > 0)
    return { done: Number(lessons?.learnedCompulsory) || 0, total };
  return f.record.progressPercent != null ? { percent: f.record.progressPercent } : null;
}

export function reminderCardFor(
  f: ReminderFacts,
  reason: 'stalled' | 'due',
  now: Date,
  done?: ReminderCardInput['done'],
): Record<string, unknown> {
  const r = f.record;
  const since = f.state.progressAt ?? r.enrolledAt ?? r.createdAt;
  const url = (r.facts as { url?: unknown } | null)?.url;
  return reminderCard({
    recordId: r.id,
    name: r.itemName || null,
    id: r.itemId ?? r.itemKey,
    ...(isSource(r.source) ? { place: SOURCE_NAMES[r.source] } : {}),
    itemType: r.itemType,
    reason,
    idleDays: Math.max(0, Math.floor(DateTime.fromJSDate(now).diff(DateTime.fromJSDate(since), 'days').days)),
    progress: progressOf(f),
    dueOn: f.dueOn,
    daysLeft: f.dueOn ? daysLeft(f.dueOn, now, f.zone) : null,
    url: typeof url === 'string' && /^https:\/\//.test(url) ? url : null,
    sourceLabel: sourceLabel(r.source),
    ...(done ? { done } : {}),
  });
}
