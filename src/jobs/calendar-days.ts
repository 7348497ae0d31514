/** The admins' day overrides (`holiday add|remove`, `workday add|remove`) and the calendar built with them. */
import type { Db } from '../db/index.js';
import type { Tx } from '../db/tx.js';
import { WorkCalendar, type WindowPolicy } from '../domain/calendar.js';

export type DayKind = 'holiday' | 'workday';

/** The calendar with the overrides as stored now (a small table, read once per pass). */
export async function loadCalendar(db: Pick<Db, 'calendarDay'> | Tx, policy: WindowPolicy): Promise<WorkCalendar> {
  const days = await db.calendarDay.findMany({ select: { date: true, kind: true } });
  const holidays = new Set(days.filter((d) => d.kind === 'holiday').map((d) => d.date));
  const workdays = new Set(days.filter((d) => d.kind === 'workday').map((d) => d.date));
  return new WorkCalendar(policy, { holidays, workdays });
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
