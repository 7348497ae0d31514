/**
 * The admins' day overrides (`holiday add|remove`, `workday add|remove`), the working hours they set over the
 * configured ones (SEND_WINDOW_START / SEND_WINDOW_END / WORKING_WEEKDAYS), and the calendar built with them.
 */
import type { Db } from '../db/index.js';
import type { Tx } from '../db/tx.js';
import { isTimeOfDay, WorkCalendar, type WindowPolicy } from '../domain/calendar.js';

export type DayKind = 'holiday' | 'workday';

/** The setting keys of the working hours an admin set (each absent: the configuration's value holds). */
export const HOURS_SETTINGS = {
  start: 'calendar.window_start',
  end: 'calendar.window_end',
  weekdays: 'calendar.weekdays',
} as const;

export interface WorkingHours {
  start: string;
  end: string;
  weekdays: number[];
}

/** A time of day "HH:mm" that opens or closes a window (24:00 closes one at midnight). */
export const isWindowTime = (v: unknown): v is string =>
  typeof v === 'string' && /^\d{2}:\d{2}$/.test(v) && isTimeOfDay(v);
/** A set of ISO weekdays, at least one. */
export const isWeekdays = (v: unknown): v is number[] =>
  Array.isArray(v) && v.length > 0 && v.length <= 7 && v.every((d) => Number.isInteger(d) && d >= 1 && d <= 7);

/** The working hours in force: the admins' settings over the configured ones (a value that does not fit is ignored). */
export async function workingHours(db: Pick<Db, 'setting'> | Tx, policy: WindowPolicy): Promise<WorkingHours> {
  const rows = await db.setting.findMany({ where: { key: { in: Object.values(HOURS_SETTINGS) } } });
  const value = (key: string) => rows.find((r) => r.key === key)?.value;
  const start = value(HOURS_SETTINGS.start);
  const end = value(HOURS_SETTINGS.end);
  const weekdays = value(HOURS_SETTINGS.weekdays);
  const hours = {
    start: isWindowTime(start) ? start : policy.start,
    end: isWindowTime(end) ? end : policy.end,
    weekdays: isWeekdays(weekdays) ? [...new Set(weekdays)].sort((a, b) => a - b) : [...policy.weekdays],
  };
  // A stored pair that does not open before it closes is not used: the configured window holds.
  return hours.start < hours.end ? hours : { ...hours, start: policy.start, end: policy.end };
}

/** The calendar with the overrides and working hours as stored now (small tables, read once per pass). */
export async function loadCalendar(
  db: Pick<Db, 'calendarDay' | 'setting'> | Tx,
  policy: WindowPolicy,
): Promise<WorkCalendar> {
  const days = await db.calendarDay.findMany({ select: { date: true, kind: true } });
  const hours = await workingHours(db, policy);
  const holidays = new Set(days.filter((d) => d.kind === 'holiday').map((d) => d.date));
  const workdays = new Set(days.filter((d) => d.kind === 'workday').map((d) => d.date));
  return new WorkCalendar({ ...policy, ...hours }, { holidays, workdays });
}

/** Declares `date` a holiday or a working day (replacing the other); returns what it was before, if anything. */
export async function addCalendarDay(tx: Tx, date: string, kind: DayKind, setBy: string): Promise<DayKind | null> {
  const before = await tx.calendarDay.findUnique({ where: { date } });
  await tx.calendarDay.upsert({
    where: { date },
    create: { date, kind, setBy },
    update: { kind, setBy, setAt: new Date() },
  });
  return (before?.kind as DayKind | undefined) ?? null;
}

/** Removes the override of `kind` on `date`; false when there was none. */
export async function removeCalendarDay(tx: Tx, date: string, kind: DayKind): Promise<boolean> {
  const { count } = await tx.calendarDay.deleteMany({ where: { date, kind } });
  return count === 1;
}

/** Every override, in date order. */
export function listCalendarDays(db: Pick<Db, 'calendarDay'> | Tx) {
  return db.calendarDay.findMany({ orderBy: { date: 'asc' } });
}
