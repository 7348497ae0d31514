/**
 * Working days and send windows: when the bot may send what it sends on its own (reminders, digests,
 * escalations). Pure: the policy and the admins' day overrides are passed in.
 *
 * A working day is, in order: a day an admin declared a holiday (off) or a working day (on); with the Chinese
 * calendar, a public holiday (off) or a make-up working day on a weekend (on), as published by the State Council
 * and packaged by `chinese-days`; otherwise one of the policy's weekdays. Days are the person's local dates.
 * `chinese-days` knows the published years only: a later year reads as plain weekdays until its data is added.
 */
import chineseDays from 'chinese-days';
import { DateTime } from 'luxon';

export type HolidayCalendar = 'cn' | 'none';

export interface WindowPolicy {
  /** The tenant's time zone (IANA), for people whose own zone is unknown. */
  zone: string;
  /** Local opening and closing time, "HH:mm" (the window is [start, end)). */
  start: string;
  end: string;
  /** ISO weekdays that are working days unless the calendar says otherwise (1 = Monday … 7 = Sunday). */
  weekdays: readonly number[];
  holidays: HolidayCalendar;
}

/** Days admins declared off or on ("YYYY-MM-DD"); they win over every calendar. */
export interface DayOverrides {
  holidays: ReadonlySet<string>;
  workdays: ReadonlySet<string>;
}

export const NO_OVERRIDES: DayOverrides = { holidays: new Set(), workdays: new Set() };

export const DEFAULT_WINDOW: WindowPolicy = {
  zone: 'Asia/Shanghai',
  start: '09:00',
  end: '18:00',
  weekdays: [1, 2, 3, 4, 5],
  holidays: 'cn',
};

/** Sends at a window's opening (or at a scheduled :00 / :30) are spread over this many minutes after it. */
export const SPREAD_MINUTES = 30;

const minutesOf = (hhmm: string): number => {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new Error(`not a time of day: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
};

/** "HH:mm" with hours 0–24 and minutes 0–59. */
export function isTimeOfDay(value: string): boolean {
  const m = /^(\d{1,2}):(\d{2})$/.exec(value);
  return Boolean(m && Number(m[1]) <= 24 && Number(m[2]) < 60 && Number(m[1]) * 60 + Number(m[2]) <= 24 * 60);
}

/** "YYYY-MM-DD" that names a real date. */
export function isIsoDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value).isValid;
}

/** Whether the Chinese calendar data covers `year` (the State Council publishes a year around November before). */
export function chineseCalendarCovers(year: number): boolean {
  return chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
}

export class WorkCalendar {
  private readonly open: number;
  private readonly close: number;

  constructor(
    readonly policy: WindowPolicy = DEFAULT_WINDOW,
    private readonly overrides: DayOverrides = NO_OVERRIDES,
  ) {
    this.open = minutesOf(policy.start);
    this.close = minutesOf(policy.end);
    if (this.close <= this.open) throw new Error(`the send window must close after it opens (${policy.start})`);
  }

  /** The zone to use for a person: their own when known and valid, else the tenant's. */
  zoneFor(personal?: string | null): string {
    if (personal && DateTime.now().setZone(personal).isValid) return personal;
    return this.policy.zone;
  }

  /** Whether the local date "YYYY-MM-DD" is a working day. */
  isWorkingDay(date: string): boolean {
    if (this.overrides.holidays.has(date)) return false;
    if (this.overrides.workdays.has(date)) return true;
    if (this.policy.holidays === 'cn') {
      const detail = chineseDays.getDayDetail(date);
      // Listed days carry the festival's name ("National Day,国庆节,3"); ordinary days only the weekday's.
      if (detail.name.includes(',')) return detail.work;
    }
    return this.policy.weekdays.includes(DateTime.fromISO(date).weekday);
  }

  /** The local date of `at` in `zone`. */
  localDate(at: Date, zone: string): string {
    return DateTime.fromJSDate(at, { zone }).toISODate()!;
  }

  /** Whether the window is open at `at` for someone in `zone`. */
  isOpen(at: Date, zone: string): boolean {
    const local = DateTime.fromJSDate(at, { zone });
    const minute = local.hour * 60 + local.minute;
    return minute >= this.open && minute < this.close && this.isWorkingDay(local.toISODate()!);
  }

  /** `at` itself when the window is open then, else the next opening. */
  nextOpen(at: Date, zone: string): Date {
    if (this.isOpen(at, zone)) return at;
    const local = DateTime.fromJSDate(at, { zone });
    const before = local.hour * 60 + local.minute < this.open;
    return this.openingFrom(before ? local : local.plus({ days: 1 }), zone);
  }

  /** The opening of the first working day after the local date of `at` (a "tomorrow" that skips days off). */
  nextWorkingDayOpening(at: Date, zone: string): Date {
    return this.openingFrom(DateTime.fromJSDate(at, { zone }).plus({ days: 1 }), zone);
  }

  /** The end of the working window on the local date of `at` (whether or not that date is a working day). */
  closingOf(at: Date, zone: string): Date {
    return this.atMinute(DateTime.fromJSDate(at, { zone }), this.close).toJSDate();
  }

  /** The window's opening on the first working day from `day` on (looks at most two years ahead). */
  private openingFrom(day: DateTime, zone: string): Date {
    let d = day.setZone(zone).startOf('day');
    for (let i = 0; i < 731; i++, d = d.plus({ days: 1 })) {
      if (this.isWorkingDay(d.toISODate()!)) return this.atMinute(d, this.open).toJSDate();
    }
    throw new Error('no working day within two years: check the working days and the day overrides');
  }

  /** The local wall-clock minute `minute` of the day of `d`; a time skipped by daylight saving moves on. */
  private atMinute(d: DateTime, minute: number): DateTime {
    return d.startOf('day').set({ hour: Math.floor(minute / 60), minute: minute % 60 });
  }
}

/**
 * Where a send planned for `at` lands. A time on a whole or half hour in `zone` (a window's opening, a scheduled
 * 09:30) is the earliest moment: the send moves to a point in the following SPREAD_MINUTES chosen by `key`, never
 * on a whole or half minute-hour itself, so a crowd of sends planned for one moment leaves evenly spread and off
 * the minutes everyone else's scheduled messages crowd. Any other time stays as it is.
 */
export function spreadSend(at: Date, key: string, zone: string): Date {
  const local = DateTime.fromJSDate(at, { zone });
  if (local.minute % 30 !== 0) return at;
  const start = local.startOf('minute').toMillis();
  // 1 minute to SPREAD_MINUTES - 1 minutes (+ 59.999 s) after: minutes 1–29 past the mark, never 0 or 30.
  const span = (SPREAD_MINUTES - 1) * 60_000 - 1;
  return new Date(start + 60_000 + (hash32(key) % span));
}

/** FNV-1a: a stable spread of keys over an interval. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
