/**
 * Time that counts only inside the send windows ("working minutes"): a ticket that arrives on Friday at 17:55 with
 * a window closing at 18:00 has 5 working minutes by then, and reaches 15 on Monday at 09:10 (or on the next
 * working day after a holiday). Around the clock, every minute counts. Pure: the calendar is passed in.
 */
import type { WorkCalendar } from './calendar.js';

/** How unclaimed time is counted: minutes inside the send windows, or every minute. */
export type CountingClock = 'working' | 'always';

export const COUNTING_CLOCKS: readonly CountingClock[] = ['working', 'always'];

const MINUTE = 60_000;

/** The moment at which `minutes` have been counted from `start`. */
export function addCountedMinutes(
  calendar: WorkCalendar,
  clock: CountingClock,
  start: Date,
  minutes: number,
  zone: string,
): Date {
  let remaining = minutes * MINUTE;
  if (clock === 'always') return new Date(start.getTime() + remaining);
  let at = start;
  // Each pass consumes one window (or what is left of it); two years of windows is far more than any threshold.
  for (let i = 0; i < 800; i++) {
    at = calendar.nextOpen(at, zone);
    const close = calendar.closingOf(at, zone);
    const available = close.getTime() - at.getTime();
    if (remaining <= available) return new Date(at.getTime() + remaining);
    remaining -= available;
    at = close;
  }
  throw new Error('no end to the counted minutes within two years of windows');
}

/** How many minutes were counted between `from` and `to` (0 when `to` is not after `from`). */
export function countedMinutes(
  calendar: WorkCalendar,
  clock: CountingClock,
  from: Date,
  to: Date,
  zone: string,
): number {
  if (to <= from) return 0;
  if (clock === 'always') return Math.floor((to.getTime() - from.getTime()) / MINUTE);
  let total = 0;
  let at = from;
  for (let i = 0; i < 800; i++) {
    at = calendar.nextOpen(at, zone);
    if (at >= to) break;
    const close = calendar.closingOf(at, zone);
    const end = close < to ? close : to;
    total += end.getTime() - at.getTime();
    if (end >= to) break;
    at = close;
  }
  return Math.floor(total / MINUTE);
}
