/**
 * Overdue escalation: an assigned course still open some days after its due date is escalated once to the
 * learner's manager, and later once to the manager's manager. Both are planned as jobs in the transaction of every
 * change of the record (and of its due date), so a completion cancels them in the transaction that records it,
 * whatever order events arrive in; a run re-checks everything before it sends.
 */
import { DateTime } from 'luxon';
import type { Tx } from '../db/tx.js';
import { recordSubject } from '../domain/keys.js';
import type { LearningRecord } from '../generated/prisma/client.js';
import { cancelJobs, scheduleJob } from '../jobs/store.js';
import { courseDueOn, courseIdsOf } from '../learning/courses.js';
import { readTeamPolicy } from './settings.js';
import { forEachCourseRecord } from '../learning/store.js';

export const ESCALATION_JOB = 'escalation';

export interface EscalationPayload {
  record: string;
  /** 1: the learner's manager; 2: the manager's manager. */
  level: 1 | 2;
  dueOn: string;
}

export interface EscalationFacts {
  /** The learner in Feishu, when known. */
  learner: string | null;
  learnerName: string | null;
  dueOn: string | null;
  /** Calendar days past the due date on the local date of `now` (0 or less: not overdue). */
  overdueDays: number;
}

const ACTIVE = new Set(['enrolled', 'in_progress']);

/** The learner, the due date (an admin's, else the ALM instance's deadline) and how overdue it is. */
export async function escalationFacts(tx: Tx, r: LearningRecord, zone: string, now: Date): Promise<EscalationFacts> {
  let learner: string | null = null;
  let learnerName: string | null = null;
  if (r.source === 'feishu') learner = r.externalUserId;
  else {
    const identity = await tx.learnerIdentity.findUnique({
      where: { source_externalUserId: { source: r.source, externalUserId: r.externalUserId } },
      select: { status: true, openId: true, displayName: true },
    });
    if (identity?.status === 'resolved') learner = identity.openId;
    learnerName = identity?.displayName ?? null;
  }
  let dueOn = await courseDueOn(tx, courseIdsOf(r));
  if (!dueOn && r.source === 'alm') {
    const instance = await tx.almCatalog.findUnique({ where: { id: r.itemKey }, select: { completionDeadline: true } });
    if (instance?.completionDeadline) dueOn = DateTime.fromJSDate(instance.completionDeadline, { zone }).toISODate();
  }
  const overdueDays = dueOn
    ? Math.round(DateTime.fromJSDate(now, { zone }).startOf('day').diff(DateTime.fromISO(dueOn, { zone }), 'days').days)
    : 0;
  return { learner, learnerName, dueOn, overdueDays };
}

const keyPrefix = (recordId: string) => `escalation:${recordId}:`;

/**
 * Plans (or cancels) a record's escalations after a change, in the change's transaction: an open assigned course
 * with a due date gets its two; anything else (completed, passed, unenrolled, no due date any more) has them
 * cancelled with the reason.
 */
export async function planEscalations(tx: Tx, recordId: string, zone: string, now: Date): Promise<void> {
  const r = await tx.learningRecord.findUnique({ where: { id: recordId } });
  const facts = r && ACTIVE.has(r.state) && r.enrollSource === 'admin' ? await escalationFacts(tx, r, zone, now) : null;
  const policy = facts?.dueOn ? await readTeamPolicy(tx) : null;
  const planned: { key: string; level: 1 | 2; days: number }[] = [];
  if (facts?.dueOn && policy) {
    planned.push({ key: `${keyPrefix(recordId)}${facts.dueOn}:1`, level: 1, days: policy.escalateDays });
    if (policy.skipLevelDays > 0)
      planned.push({ key: `${keyPrefix(recordId)}${facts.dueOn}:2`, level: 2, days: policy.skipLevelDays });
  }
  const pending = await tx.job.findMany({
    where: { subject: recordSubject(recordId), kind: ESCALATION_JOB, status: 'pending' },
    select: { key: true },
  });
  const keep = new Set(planned.map((p) => p.key));
  const stale = pending.map((j) => j.key).filter((k) => !keep.has(k));
  if (stale.length > 0)
    await cancelJobs(tx, { keys: stale }, r ? (ACTIVE.has(r.state) ? 'replanned' : r.state) : 'deleted');
  for (const p of planned) {
    const day = DateTime.fromISO(facts!.dueOn!, { zone }).plus({ days: p.days }).startOf('day');
    await scheduleJob(tx, {
      kind: ESCALATION_JOB,
      key: p.key,
      runAt: day.toJSDate(),
      subject: recordSubject(recordId),
      payload: { record: recordId, level: p.level, dueOn: facts!.dueOn! },
    });
  }
}

/** Plans again every record of a course (after its due date changed), in pages. */
export async function planCourseEscalations(tx: Tx, courseId: string, zone: string, now: Date): Promise<number> {
  return forEachCourseRecord(tx, courseId, (id) => planEscalations(tx, id, zone, now));
}
