/**
 * Plans a record's reminders as jobs, in the transaction of the change that calls for it (a learning event, a due
 * date set, a click): jobs no longer called for are cancelled with the reason, the others scheduled or re-planned.
 * A course's records (after its due date changed) are planned a page at a time: the facts of the whole page are
 * read with one query each and its jobs written with one statement, by the same rules as a single record's.
 */
import type { Config } from '../config.js';
import type { Tx } from '../db/tx.js';
import { recordSubject } from '../domain/keys.js';
import { cancelJobs, scheduleJobs, type JobPlan } from '../jobs/store.js';
import { recordDueOns } from '../learning/courses.js';
import { zonesOf } from '../recipients/preferences.js';
import { planReminders, type PlanInput, type PlannedReminder } from './plan.js';
import { readPolicy, type ReminderPolicy } from './policy.js';
import { reminderStates, type ReminderStateRow } from './store.js';
import type { LearningRecord } from '../generated/prisma/client.js';

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

/** The Feishu user each record belongs to, by record id (absent while not matched to anyone): one query at most. */
async function learnerOpenIds(tx: Tx, records: readonly LearningRecord[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const lookup = new Map<string, Set<string>>();
  for (const r of records) {
    if (r.source === 'feishu' && r.externalUserId.startsWith('ou_')) out.set(r.id, r.externalUserId);
    else lookup.set(r.source, (lookup.get(r.source) ?? new Set()).add(r.externalUserId));
  }
  if (lookup.size === 0) return out;
  const identities = await tx.learnerIdentity.findMany({
    where: { OR: [...lookup].map(([source, ids]) => ({ source, externalUserId: { in: [...ids] } })) },
    select: { source: true, externalUserId: true, status: true, openId: true },
  });
  const resolved = new Map(
    identities.filter((i) => i.status === 'resolved').map((i) => [`${i.source}\n${i.externalUserId}`, i.openId]),
  );
  for (const r of records) {
    const openId = out.has(r.id) ? undefined : resolved.get(`${r.source}\n${r.externalUserId}`);
    if (openId) out.set(r.id, openId);
  }
  return out;
}

/**
 * Everything the reminders of these records depend on, read in the transaction with one query per kind of fact,
 * in the order of `records`. `policy`: the policies in force, when the caller read them already.
 */
export async function reminderFactsOf(
  tx: Tx,
  config: Config,
  records: readonly LearningRecord[],
  policy?: ReminderPolicy,
): Promise<ReminderFacts[]> {
  const openIds = await learnerOpenIds(tx, records);
  const learnerZones = await zonesOf(tx, config, [...openIds.values()]);
  const zones = new Map(
    records.map((r) => {
      const openId = openIds.get(r.id);
      return [r.id, (openId && learnerZones.get(openId)) || config.DEFAULT_TIME_ZONE];
    }),
  );
  const ids = records.map((r) => r.id);
  const [states, dueOns, policies] = await Promise.all([
    reminderStates(tx, ids),
    recordDueOns(tx, records, (r) => zones.get(r.id)!),
    policy ?? readPolicy(tx),
  ]);
  return records.map((record) => ({
    record,
    state: states.get(record.id)!,
    openId: openIds.get(record.id) ?? null,
    zone: zones.get(record.id)!,
    dueOn: dueOns.get(record.id) ?? null,
    policy: policies,
  }));
}

export async function reminderFacts(tx: Tx, config: Config, recordId: string): Promise<ReminderFacts | null> {
  const record = await tx.learningRecord.findUnique({ where: { id: recordId } });
  if (!record) return null;
  return (await reminderFactsOf(tx, config, [record]))[0]!;
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
  return (await planAll(tx, [{ recordId, facts }], now))[0]!;
}

/** Plans the reminders of these records again (a page of a re-plan after a due date or a rule changed). */
export async function planRecordsReminders(
  tx: Tx,
  config: Config,
  records: readonly LearningRecord[],
  now: Date,
): Promise<void> {
  const facts = await reminderFactsOf(tx, config, records, await readPolicy(tx));
  await planAll(
    tx,
    facts.map((f) => ({ recordId: f.record.id, facts: f })),
    now,
  );
}

/**
 * Plans the reminders of records (null facts: the record is gone): their pending reminder jobs read with one
 * query, those no longer called for cancelled with one statement per reason, the others scheduled or re-planned
 * with one statement. Returns what is planned now for each record, in order.
 */
async function planAll(
  tx: Tx,
  records: readonly { recordId: string; facts: ReminderFacts | null }[],
  now: Date,
): Promise<PlannedReminder[][]> {
  const planned = records.map(({ facts }) => (facts?.openId ? planReminders(planInput(facts, now), facts.policy) : []));
  const pending = await tx.job.findMany({
    where: { subject: { in: records.map((r) => recordSubject(r.recordId)) }, kind: REMINDER_JOB, status: 'pending' },
    select: { key: true, subject: true },
  });
  const pendingOf = new Map<string, string[]>();
  for (const j of pending) pendingOf.set(j.subject!, [...(pendingOf.get(j.subject!) ?? []), j.key]);
  const stale = new Map<string, string[]>();
  const jobs: JobPlan[] = [];
  records.forEach(({ recordId, facts }, i) => {
    const keep = new Set(planned[i]!.map((p) => p.key));
    const gone = (pendingOf.get(recordSubject(recordId)) ?? []).filter((k) => !keep.has(k));
    if (gone.length > 0) {
      const reason = cancelReason(facts);
      stale.set(reason, [...(stale.get(reason) ?? []), ...gone]);
    }
    for (const p of planned[i]!)
      jobs.push({
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
  });
  for (const [reason, keys] of stale) await cancelJobs(tx, { keys }, reason);
  if (jobs.length > 0) await scheduleJobs(tx, jobs);
  return planned;
}
