/**
 * A course's due date changed by an admin (typed or from a form): stored, and the course's escalations and
 * reminders planned again for it by a chain of jobs, one page of records per job, each in its own transaction.
 *
 * The admin's transaction only stores the date and schedules the chain's first step, so its time does not grow
 * with the course: a course every employee must take (tens of thousands of records) is re-planned in the
 * background, a page at a time, never inside one transaction that would outlive its timeout. A later change of the
 * same course cancels the chain still under way and starts a new one from the first page, so every record ends
 * up planned for the latest date.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import type { Tx } from '../db/tx.js';
import { cancelJobs, scheduleJob, type JobPlan } from '../jobs/store.js';
import type { JobKind } from '../jobs/types.js';
import { setCourseDue } from '../learning/courses.js';
import { COURSE_PAGE, coursePage, countCourseRecords } from '../learning/store.js';
import { planRecordsReminders } from '../reminders/schedule.js';
import { planRecordsEscalations } from './escalation.js';

export const COURSE_REPLAN_JOB = 'course-replan';

interface ReplanPayload {
  course: string;
  /** One chain of steps: a new change starts a new chain. */
  chain: string;
  /** The last record of the previous page (null: the first page). */
  after: string | null;
}

const chainPrefix = (courseId: string) => `${COURSE_REPLAN_JOB}:${courseId}:`;

const replanStep = (payload: ReplanPayload, runAt: Date): JobPlan => ({
  kind: COURSE_REPLAN_JOB,
  key: `${chainPrefix(payload.course)}${payload.chain}:${payload.after ?? 'first'}`,
  subject: `course:${payload.course}`,
  runAt,
  payload: { ...payload },
});

/**
 * Sets or clears (null) the due date. Returns the previous one and how many records the course has: when the date
 * changed, their reminders and escalations are re-planned by the jobs this schedules (they run as soon as a job
 * runner is free; the caller may wake one).
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
  await cancelJobs(tx, { keyPrefix: chainPrefix(courseId) }, 'the due date changed again');
  await scheduleJob(tx, replanStep({ course: courseId, chain: randomUUID(), after: null }, now));
  return { previous, records: await countCourseRecords(tx, courseId) };
}

/**
 * Plans one page of the course's records again, escalations and reminders, in the caller's transaction. Returns the
 * last record of the page when another page may follow, else null.
 */
export async function replanCoursePage(
  tx: Tx,
  config: Config,
  courseId: string,
  after: string | null,
  now: Date,
): Promise<{ records: number; next: string | null }> {
  const records = await coursePage(tx, courseId, after);
  if (records.length > 0) {
    await planRecordsEscalations(tx, records, config.DEFAULT_TIME_ZONE);
    await planRecordsReminders(tx, config, records, now);
  }
  return { records: records.length, next: records.length === COURSE_PAGE ? records.at(-1)!.id : null };
}

/** One step of a chain: a page re-planned, and the next step scheduled in the same transaction. */
export function courseReplanJob(config: Config): JobKind<ReplanPayload> {
  return {
    kind: COURSE_REPLAN_JOB,
    // It writes no message, only plans: nothing to wait for.
    windowed: false,
    async run(tx, job, ctx) {
      const { course, chain, after } = job.payload;
      const { next } = await replanCoursePage(tx, config, course, after, ctx.now);
      if (next) await ctx.schedule(replanStep({ course, chain, after: next }, ctx.now));
      return { status: 'done' };
    },
  };
}
