/**
 * Plans a record's reminders as jobs, in the transaction of the change that calls for it (a learning event, a due
 * date set, a click): jobs no longer called for are cancelled with the reason, the others scheduled or re-planned.
 */
import type { Config } from '../config.js';
import type { Tx } from '../db/tx.js';
import { recordSubject } from '../domain/keys.js';
import { cancelJobs, scheduleJob } from '../jobs/store.js';
import { courseDueOn, courseIdsOf } from '../learning/courses.js';
import { zoneOf } from '../recipients/preferences.js';
import { DateTime } from 'luxon';
import { planReminders, type PlanInput, type PlannedReminder } from './plan.js';
import { readPolicy, type ReminderPolicy } from './policy.js';
import { reminderState, type ReminderStateRow } from './store.js';
import type { LearningRecord } from '../generated/prisma/client.js';
import { forEachCourseRecord } from '../learning/store.js';

export const REMINDER_JOB = 'reminder';

/** Everything a record's reminders depend on, read in the transaction. */
export interface ReminderFacts {
  record: LearningRecord;
  state: ReminderStateRow;
  /** The learner in Feishu; null while the source's account is not matched to anyone. */
  openId: string | null;
  zone: string;
  dueOn: string | null;
  policy: ReminderPolicy;
}

/** The Feishu user a record belongs to, if known. */
async function learnerOpenId(tx: Tx, r: Pick<LearningRecord, 'source' | 'externalUserId'>): Promise<string | null> {
  if (r.source === 'feishu' && r.externalUserId.startsWith('ou_')) return r.externalUserId;
  const identity = await tx.learnerIdentity.findUnique({
    where: { source_externalUserId: { source: r.source, externalUserId: r.externalUserId } },
    select: { status: true, openId: true },
  });
  return identity?.status === 'resolved' ? identity.openId : null;
}

/** The due date: an admin's for the course, else the ALM instance's completion deadline (in the learner's zone). */
async function dueOnOf(tx: Tx, r: LearningRecord, zone: string): Promise<string | null> {
  const set = await courseDueOn(tx, courseIdsOf(r));
  if (set) return set;
  if (r.source !== 'alm') return null;
  const instance = await tx.almCatalog.findUnique({ where: { id: r.itemKey }, select: { completionDeadline: true } });
  const deadline = instance?.completionDeadline;
  return deadline ? DateTime.fromJSDate(deadline, { zone }).toISODate() : null;
}

export async function reminderFacts(tx: Tx, config: Config, recordId: string): Promise<ReminderFacts | null> {
  const record = await tx.learningRecord.findUnique({ where: { id: recordId } });
  if (!record) return null;
  const openId = await learnerOpenId(tx, record);
  const zone = await zoneOf(tx, config, openId);
  const [state, dueOn, policy] = await Promise.all([
    reminderState(tx, recordId),
    dueOnOf(tx, record, zone),
    readPolicy(tx),
  ]);
  return { record, state, openId, zone, dueOn, policy };
}

export function planInput(f: ReminderFacts, now: Date): PlanInput {
  const r = f.record;
  return {
    recordId: r.id,
    state: r.state,
    enrollSource: r.enrollSource === 'admin' || r.enrollSource === 'self' ? r.enrollSource : null,
    progressAt: f.state.progressAt ?? r.enrolledAt ?? r.createdAt,
    stalledSent: f.state.stalledSent,
    lastSentAt: f.state.lastSentAt,
    stopped: f.state.stoppedAt !== null,
    snoozedUntil: f.state.snoozedUntil,
    dueOn: f.dueOn,
    zone: f.zone,
    now,
  };
}

/** Why planned reminders were cancelled: the record's state when it ended, else what changed. */
function cancelReason(f: ReminderFacts | null): string {
  if (!f) return 'record deleted';
  if (f.state.stoppedAt) return 'stopped by the learner';
  if (f.record.state !== 'enrolled' && f.record.state !== 'in_progress') return f.record.state;
  return 'replanned';
}

/** Plans the record's reminders again; returns what is planned now. */
export async function planRecordReminders(
  tx: Tx,
  config: Config,
  recordId: string,
  now: Date,
): Promise<PlannedReminder[]> {
  const facts = await reminderFacts(tx, config, recordId);
  const planned = facts?.openId ? planReminders(planInput(facts, now), facts.policy) : [];
  const keep = new Set(planned.map((p) => p.key));
  const pending = await tx.job.findMany({
    where: { subject: recordSubject(recordId), kind: REMINDER_JOB, status: 'pending' },
    select: { key: true },
  });
  const stale = pending.map((j) => j.key).filter((k) => !keep.has(k));
  if (stale.length > 0) await cancelJobs(tx, { keys: stale }, cancelReason(facts));
  for (const p of planned) {
    await scheduleJob(tx, {
      kind: REMINDER_JOB,
      key: p.key,
      runAt: p.runAt,
      subject: recordSubject(recordId),
      recipient: facts!.openId!,
      // A due-date reminder starts the learner's local day: it moves with them if their zone turns out another.
      ...(p.type === 'due' ? { zone: facts!.zone } : {}),
      priority: p.priority,
      payload: { record: recordId, type: p.type, ...(p.offset !== undefined ? { offset: p.offset } : {}) },
    });
  }
  return planned;
}

/** Plans again every record of a course (after its due date changed), in pages; returns how many records. */
export async function planCourseReminders(tx: Tx, config: Config, courseId: string, now: Date): Promise<number> {
  return forEachCourseRecord(tx, courseId, (id) => planRecordReminders(tx, config, id, now));
}
