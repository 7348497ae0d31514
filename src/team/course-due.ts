/**
 * A course's due date changed by an admin (typed or from a form): stored, and the course's escalations and
 * reminders planned again for it.
 */
import type { Config } from '../config.js';
import type { Tx } from '../db/tx.js';
import { planCourseReminders } from '../reminders/schedule.js';
import { planCourseEscalations } from './escalation.js';
import { setCourseDue } from '../learning/courses.js';

/** Sets or clears (null) the due date; returns the previous one and how many records had reminders re-planned. */
export async function changeCourseDue(
  tx: Tx,
  config: Config,
  courseId: string,
  dueOn: string | null,
  by: string,
  now: Date,
): Promise<{ previous: string | null; records: number }> {
  const previous = await setCourseDue(tx, courseId, dueOn, by);
  await planCourseEscalations(tx, courseId, config.DEFAULT_TIME_ZONE);
  const records = previous === dueOn ? 0 : await planCourseReminders(tx, config, courseId, now);
  return { previous, records };
}
