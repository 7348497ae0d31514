/**
 * A course's due date changed by an admin (typed or from a form): stored, and its records' escalations and
 * reminders re-planned for it in the background (see replan.ts).
 */
import type { Tx } from '../db/tx.js';
import { setCourseDue } from '../learning/courses.js';
import { countCourseRecords } from '../learning/store.js';
import { scheduleReplan } from './replan.js';

/**
 * Sets or clears (null) the due date. Returns the previous one and, when the date changed, how many records the
 * course has: their re-planning is scheduled in the caller's transaction (0 and nothing scheduled when unchanged).
 */
export async function changeCourseDue(
  tx: Tx,
  courseId: string,
  dueOn: string | null,
  by: string,
  now: Date,
): Promise<{ previous: string | null; records: number }> {
  const previous = await setCourseDue(tx, courseId, dueOn, by);
  if (previous === dueOn) return { previous, records: 0 };
  await scheduleReplan(tx, courseId, now);
  return { previous, records: await countCourseRecords(tx, courseId) };
}
