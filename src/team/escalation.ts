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
import { cancelJobs, scheduleJobs, type JobPlan } from '../jobs/store.js';
import { recordDueOns } from '../learning/courses.js';
import { storedManagerOf } from '../recipients/managers.js';
import { readTeamPolicy } from './settings.js';

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

/** The learner of a record in Feishu (when known) and the name the source gave. */
async function learnerOf(
  db: Pick<Tx, 'learnerIdentity'>,
  r: Pick<LearningRecord, 'source' | 'externalUserId'>,
): Promise<{ learner: string | null; learnerName: string | null }> {
  if (r.source === 'feishu') return { learner: r.externalUserId, learnerName: null };
  const identity = await db.learnerIdentity.findUnique({
    where: { source_externalUserId: { source: r.source, externalUserId: r.externalUserId } },
    select: { status: true, openId: true, displayName: true },
  });
  return {
    learner: identity?.status === 'resolved' ? identity.openId : null,
    learnerName: identity?.displayName ?? null,
  };
}

type ChainReader = Pick<Tx, 'managerOverride' | 'feishuUser'>;

/**
 * Who an escalation goes to: level 1 the learner's manager, level 2 that manager's manager (never the learner);
 * with the reason when nobody.
 */
export async function escalationTarget(
  db: ChainReader,
  learner: string,
  level: 1 | 2,
): Promise<{ manager: string; to: string } | { skip: string }> {
  const manager = await storedManagerOf(db, learner);
  if (!manager) return { skip: 'no manager' };
  const to = level === 1 ? manager : await storedManagerOf(db, manager);
  if (!to || to === learner) return { skip: "no manager's manager" };
  return { manager, to };
}

/** The person an escalation job would go to now, for its send window (see `JobKind.recipientOf`). */
export async function escalationRecipient(
  db: Pick<Tx, 'learningRecord' | 'learnerIdentity' | 'managerOverride' | 'feishuUser'>,
  p: EscalationPayload,
): Promise<string | null> {
  const record = await db.learningRecord.findUnique({
    where: { id: p.record },
    select: { source: true, externalUserId: true },
  });
  const { learner } = record ? await learnerOf(db, record) : { learner: null };
  if (!learner) return null;
  const target = await escalationTarget(db, learner, p.level);
  return 'to' in target ? target.to : null;
}

/** The learner, the due date (an admin's, else the ALM instance's deadline) and how overdue it is. */
export async function escalationFacts(tx: Tx, r: LearningRecord, zone: string, now: Date): Promise<EscalationFacts> {
  const { learner, learnerName } = await learnerOf(tx, r);
  const dueOn = (await recordDueOns(tx, [r], () => zone)).get(r.id) ?? null;
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
export async function planEscalations(tx: Tx, recordId: string, zone: string): Promise<void> {
  const record = await tx.learningRecord.findUnique({ where: { id: recordId } });
  await planAll(tx, [{ recordId, record }], zone);
}

/** Plans the escalations of these records again (a page of a re-plan after a due date or a rule changed). */
export function planRecordsEscalations(tx: Tx, records: readonly LearningRecord[], zone: string): Promise<void> {
  return planAll(
    tx,
    records.map((record) => ({ recordId: record.id, record })),
    zone,
  );
}

/**
 * Plans the escalations of records (a null record is gone): their due dates, their pending escalation jobs and the
 * team policy read with one query each, those no longer called for cancelled with one statement per reason, the
 * others scheduled or re-planned with one statement.
 */
async function planAll(tx: Tx, records: readonly { recordId: string; record: LearningRecord | null }[], zone: string) {
  const open = records.flatMap(({ record: r }) => (r && ACTIVE.has(r.state) && r.enrollSource === 'admin' ? [r] : []));
  const dueOns = await recordDueOns(tx, open, () => zone);
  const policy = [...dueOns.values()].some(Boolean) ? await readTeamPolicy(tx) : null;
  const pending = await tx.job.findMany({
    where: { subject: { in: records.map((r) => recordSubject(r.recordId)) }, kind: ESCALATION_JOB, status: 'pending' },
    select: { key: true, subject: true },
  });
  const pendingOf = new Map<string, string[]>();
  for (const j of pending) pendingOf.set(j.subject!, [...(pendingOf.get(j.subject!) ?? []), j.key]);
  const stale = new Map<string, string[]>();
  const jobs: JobPlan[] = [];
  for (const { recordId, record: r } of records) {
    const dueOn = dueOns.get(recordId);
    const planned: { key: string; level: 1 | 2; days: number }[] = [];
    if (dueOn && policy) {
      planned.push({ key: `${keyPrefix(recordId)}${dueOn}:1`, level: 1, days: policy.escalateDays });
      if (policy.skipLevelDays > 0)
        planned.push({ key: `${keyPrefix(recordId)}${dueOn}:2`, level: 2, days: policy.skipLevelDays });
    }
    const keep = new Set(planned.map((p) => p.key));
    const gone = (pendingOf.get(recordSubject(recordId)) ?? []).filter((k) => !keep.has(k));
    if (gone.length > 0) {
      const reason = r ? (ACTIVE.has(r.state) ? 'replanned' : r.state) : 'deleted';
      stale.set(reason, [...(stale.get(reason) ?? []), ...gone]);
    }
    for (const p of planned) {
      const day = DateTime.fromISO(dueOn!, { zone }).plus({ days: p.days }).startOf('day');
      jobs.push({
        kind: ESCALATION_JOB,
        key: p.key,
        runAt: day.toJSDate(),
        subject: recordSubject(recordId),
        // The start of a local day: it moves to the manager's zone when the job finds it is another.
        zone,
        payload: { record: recordId, level: p.level, dueOn: dueOn! },
      });
    }
  }
  for (const [reason, keys] of stale) await cancelJobs(tx, { keys }, reason);
  if (jobs.length > 0) await scheduleJobs(tx, jobs);
}
