/**
 * Planning reminders and escalations again after what they depend on changed for many records at once: a course's
 * due date, or a rule (reminder days, escalation days). A chain of jobs does it, one page of records per job, each
 * in its own transaction, so the change itself stays one short transaction however many records it touches: a
 * course every employee must take (tens of thousands of records) is re-planned in the background, a page at a
 * time, never inside one transaction that would outlive its timeout.
 *
 * Planning a record is idempotent (it reads the record, its course and the rules as they are now, re-plans its
 * pending jobs and cancels those no longer called for; what already ran stays done), so a page planned twice does
 * no harm. A new change of the same scope cancels the chain still under way and starts over from the first page,
 * so every record ends up planned by the latest change.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import type { Tx } from '../db/tx.js';
import { cancelChain, scheduleJob, type JobPlan } from '../jobs/store.js';
import type { JobKind } from '../jobs/types.js';
import { RECORD_PAGE, recordPage } from '../learning/store.js';
import { planRecordsReminders } from '../reminders/schedule.js';
import { planRecordsEscalations } from './escalation.js';

export const REPLAN_JOB = 'replan';

interface ReplanPayload {
  /** A course's records (its id), or null for every record. */
  course: string | null;
  /** One chain of steps: a new change starts a new chain. */
  chain: string;
  /** The last record of the previous page (null: the first page). */
  after: string | null;
}

/** What a chain is about: every chain of one scope has this subject, so a new one cancels the one under way. */
const scopeSubject = (course: string | null) => (course === null ? 'replan:all' : `replan:course:${course}`);

const step = (payload: ReplanPayload, runAt: Date): JobPlan => ({
  kind: REPLAN_JOB,
  key: `${REPLAN_JOB}:${payload.chain}:${payload.after ?? 'first'}`,
  subject: scopeSubject(payload.course),
  runAt,
  payload: { ...payload },
});

/**
 * Starts re-planning a course's records (or every record: null), in the caller's transaction, from the first page;
 * a chain of the same scope still under way is cancelled, including a step running on another instance meanwhile
 * and the next step it schedules (see cancelChain). The steps run as soon as a job runner is free.
 */
export async function scheduleReplan(tx: Tx, course: string | null, now: Date): Promise<void> {
  await cancelChain(tx, { subject: scopeSubject(course) }, 'started over after a newer change');
  await scheduleJob(tx, step({ course, chain: randomUUID(), after: null }, now));
}

/**
 * Plans one page of records again, escalations and reminders, in the caller's transaction. Returns how many records
 * it planned and the last one when another page may follow, else null.
 */
export async function replanPage(
  tx: Tx,
  config: Config,
  course: string | null,
  after: string | null,
  now: Date,
): Promise<{ records: number; next: string | null }> {
  const records = await recordPage(tx, course, after);
  if (records.length > 0) {
    await planRecordsEscalations(tx, records, config.DEFAULT_TIME_ZONE);
    await planRecordsReminders(tx, config, records, now);
  }
  return { records: records.length, next: records.length === RECORD_PAGE ? records.at(-1)!.id : null };
}

/** One step of a chain: a page re-planned, and the next step scheduled in the same transaction. */
export function replanJob(config: Config): JobKind<ReplanPayload> {
  return {
    kind: REPLAN_JOB,
    // It writes no message, only plans: nothing to wait for.
    windowed: false,
    async run(tx, job, ctx) {
      const { course, chain, after } = job.payload;
      const { next } = await replanPage(tx, config, course, after, ctx.now);
      if (next) await ctx.schedule(step({ course, chain, after: next }, ctx.now));
      return { status: 'done' };
    },
  };
}
