/**
 * The team's scheduled jobs:
 *
 * - `digest-plan` (one per week, key `digest-plan:<week>`): before the week starts anywhere, plans each manager's
 *   digest for it and the next week's plan. A run found late (after downtime, or a jump of the clock) plans the
 *   week it belongs to, whose past digests are then skipped, and goes on from the current week, never a burst.
 * - `digest` (key `digest:<manager>:<week>`, so once per manager and week): on the digest day at the digest time
 *   in the manager's zone, a day off moving it to the next working day; skipped when that day is over.
 * - `nudge` (key `nudge:<record>:<local date>`, so once per learner, course and day): a manager's nudge, in the
 *   learner's send window and under their daily cap of reminders.
 * - `escalation` (key `escalation:<record>:<due date>:<level>`): see escalation.ts.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { asNudge, escalationCard, teamDigestCard, DIGEST_MAX_PEOPLE } from '../../cards/team.js';
import { reminderCardFor } from '../reminders/card.js';
import { reminderFacts } from '../reminders/schedule.js';
import { readPolicy } from '../reminders/policy.js';
import type { Config } from '../config.js';
import type { Tx } from '../db/tx.js';
import type { WorkCalendar } from '../domain/calendar.js';
import { recordSubject } from '../domain/keys.js';
import { scheduleJob, scheduleJobs, type JobPlan } from '../jobs/store.js';
import type { JobKind, JobOutcome } from '../jobs/types.js';
import { preferencesFor, zonesOf } from '../recipients/preferences.js';
import { buildDigest, hasNews, sourceLabelOf } from './digest.js';
import {
  ESCALATION_JOB,
  escalationFacts,
  escalationRecipient,
  escalationTarget,
  type EscalationPayload,
} from './escalation.js';
import { managersPage } from './members.js';
import { readTeamPolicy, type TeamPolicy } from './settings.js';
import { digestCardInput, digestSubject, saveDigest } from './store.js';

export const DIGEST_PLAN_JOB = 'digest-plan';
export const DIGEST_JOB = 'digest';
export const NUDGE_JOB = 'nudge';

/** An ISO week, "2026-W50". */
export const weekOf = (at: DateTime): string => `${at.weekYear}-W${String(at.weekNumber).padStart(2, '0')}`;

const weekStart = (week: string): DateTime => {
  const [y, w] = week.split('-W').map(Number);
  return DateTime.fromObject({ weekYear: y, weekNumber: w, weekday: 1 }, { zone: 'UTC' });
};

/**
 * The plan of a week: a day before its Monday begins in UTC, so before the week's first digest in any zone
 * (UTC+14's Monday starts on Sunday at 10:00 UTC).
 */
export function digestPlanJob(week: string): JobPlan {
  return {
    kind: DIGEST_PLAN_JOB,
    key: `digest-plan:${week}`,
    runAt: weekStart(week).minus({ days: 1 }).toJSDate(),
    payload: { week },
  };
}

/** The current week's plan (scheduled at start: kept when it exists). */
export const currentDigestPlan = (now: Date): JobPlan => digestPlanJob(weekOf(DateTime.fromJSDate(now).toUTC()));

/**
 * After the digest's day or time changed, or digests were turned back on: the plans of this week and the next run
 * again now, in the caller's transaction, so their digests not yet sent move to the new day and time. A digest
 * already sent stays sent (its job is done); one whose new day is already over is skipped when it comes up.
 */
export async function replanDigests(tx: Tx, now: Date): Promise<void> {
  const current = DateTime.fromJSDate(now).toUTC();
  for (const week of [weekOf(current), weekOf(current.plus({ weeks: 1 }))])
    await scheduleJob(tx, { ...digestPlanJob(week), key: `digest-plan:${week}:${randomUUID()}`, runAt: now });
}

export const digestKey = (manager: string, week: string): string => `digest:${manager}:${week}`;

/** When a manager's digest of `week` goes out: the digest day (or the next working day), at the digest time. */
export function digestTime(
  week: string,
  zone: string,
  policy: Pick<TeamPolicy, 'digestDay' | 'digestTime'>,
  calendar: WorkCalendar,
): { runAt: Date; notAfter: Date } {
  const [hh, mm] = policy.digestTime.split(':').map(Number);
  const start = weekStart(week);
  let day = DateTime.fromObject({ year: start.year, month: start.month, day: start.day }, { zone }).plus({
    days: policy.digestDay - 1,
  });
  for (let i = 0; i < 30 && !calendar.isWorkingDay(day.toISODate()!); i++) day = day.plus({ days: 1 });
  const runAt = day.set({ hour: hh, minute: mm });
  return { runAt: runAt.toJSDate(), notAfter: day.endOf('day').toJSDate() };
}

const PAGE = 500;

function planKind(): JobKind<{ week: string }> {
  return {
    kind: DIGEST_PLAN_JOB,
    windowed: false,
    async run(tx, job, ctx) {
      const week = job.payload.week;
      const policy = await readTeamPolicy(tx);
      let planned = 0;
      if (policy.digestOn) {
        for (let after: string | null = null; ;) {
          const page = await managersPage(tx, after, PAGE);
          const zones = await zonesOf(tx, { DEFAULT_TIME_ZONE: ctx.calendar.policy.zone }, page);
          // The page's digests in one statement, in the run's transaction: a plan of thousands of managers stays
          // a few statements, well inside the run's transaction time.
          const digests = page.map((manager): JobPlan => {
            const zone = ctx.calendar.zoneFor(zones.get(manager));
            const { runAt, notAfter } = digestTime(week, zone, policy, ctx.calendar);
            return {
              kind: DIGEST_JOB,
              key: digestKey(manager, week),
              runAt,
              notAfter,
              recipient: manager,
              // Local times: a manager whose own zone becomes known by then gets 09:30 in theirs.
              zone,
              payload: { week },
            };
          });
          if (digests.length > 0) await scheduleJobs(tx, digests);
          planned += digests.length;
          if (page.length < PAGE) break;
          after = page[page.length - 1]!;
        }
      }
      // The next plan: the following week, or the current one when this run was found late.
      const next = DateTime.max(weekStart(week).plus({ weeks: 1 }), DateTime.fromJSDate(ctx.now).toUTC());
      await ctx.schedule(digestPlanJob(weekOf(next)));
      ctx.log.info({ week, planned }, 'weekly digests planned');
      return { status: 'done' };
    },
  };
}

function digestKind(config: Config): JobKind<{ week: string }> {
  return {
    kind: DIGEST_JOB,
    windowed: true,
    async run(tx, job, ctx) {
      const manager = job.recipient!;
      const policy = await readTeamPolicy(tx);
      if (!policy.digestOn) return { status: 'skipped', reason: 'digests are off' };
      const prefs = await preferencesFor(tx, config, manager);
      if (prefs.mutedKinds.includes('digest')) return { status: 'skipped', reason: 'muted by the manager' };
      const model = await buildDigest(tx, manager, {
        now: ctx.now,
        zone: ctx.zone,
        stalledDays: (await readPolicy(tx)).stalledDays,
        maxPeople: DIGEST_MAX_PEOPLE,
      });
      if (model.reports === 0) return { status: 'skipped', reason: 'no reports' };
      if (!hasNews(model)) return { status: 'skipped', reason: 'nothing to say' };
      const stored = await saveDigest(tx, job.key, manager, model, false);
      await ctx.enqueue([
        {
          key: 'digest',
          kind: 'digest',
          role: 'manager',
          receiveIdType: 'open_id',
          receiveId: manager,
          subject: digestSubject(stored.id),
          card: teamDigestCard(digestCardInput(stored, [])),
        },
      ]);
      return { status: 'done' };
    },
  };
}

export interface NudgePayload {
  record: string;
  /** Null when the directory has no name: the card says "your manager". */
  managerName: string | null;
  status: 'overdue' | 'stalled';
  days: number;
}

/**
 * A nudge is the learner's reminder for the course (the same card, re-checked the same way at send time), sent now
 * rather than on the reminder plan, and from the manager; it counts against the learner's daily cap like any
 * reminder.
 */
function nudgeKind(config: Config): JobKind<NudgePayload> {
  return {
    kind: NUDGE_JOB,
    windowed: true,
    capped: 'learner-daily',
    async run(tx, job, ctx) {
      const recordId = job.payload.record;
      await tx.$queryRaw`SELECT id FROM learning_record WHERE id = ${recordId}::uuid FOR UPDATE`;
      const facts = await reminderFacts(tx, config, recordId);
      if (!facts) return { status: 'skipped', reason: 'record deleted' };
      if (!facts.openId) return { status: 'skipped', reason: 'learner not found in Feishu' };
      if (facts.record.state !== 'enrolled' && facts.record.state !== 'in_progress')
        return { status: 'skipped', reason: facts.record.state };
      if (facts.state.stoppedAt) return { status: 'skipped', reason: 'stopped by the learner' };
      const reason = job.payload.status === 'overdue' && facts.dueOn ? 'due' : 'stalled';
      const sent = await ctx.enqueue([
        {
          key: 'nudge',
          kind: 'reminders',
          role: 'learner',
          receiveIdType: 'open_id',
          receiveId: facts.openId,
          subject: recordSubject(recordId),
          card: asNudge(reminderCardFor(facts, reason, ctx.now), job.payload.managerName),
        },
      ]);
      // Muted by the learner, or reminders switched off for everyone: nothing was written, and nothing counts.
      if (sent === 0) return { status: 'skipped', reason: 'muted' };
      return { status: 'done' };
    },
  };
}

function escalationKind(config: Config): JobKind<EscalationPayload> {
  return {
    kind: ESCALATION_JOB,
    windowed: true,
    // The send window is the manager's (level 1) or their manager's (level 2), in that person's zone.
    recipientOf: (db, job) => escalationRecipient(db, job.payload),
    async run(tx, job, ctx): Promise<JobOutcome> {
      const { level } = job.payload;
      const policy = await readTeamPolicy(tx);
      if (!policy.escalationsOn) return { status: 'skipped', reason: 'escalations are off' };
      const record = await tx.learningRecord.findUnique({ where: { id: job.payload.record } });
      if (!record) return { status: 'skipped', reason: 'record deleted' };
      if (record.state !== 'enrolled' && record.state !== 'in_progress')
        return { status: 'skipped', reason: record.state };
      const facts = await escalationFacts(tx, record, ctx.zone, ctx.now);
      if (!facts.learner) return { status: 'skipped', reason: 'learner not found in Feishu' };
      if (facts.dueOn !== job.payload.dueOn || facts.overdueDays <= 0)
        return { status: 'skipped', reason: 'due date changed' };
      // The directory as cached (the run holds its transaction: no lookups in other systems meanwhile).
      const target = await escalationTarget(tx, facts.learner, level);
      if ('skip' in target) return { status: 'skipped', reason: target.skip };
      const { manager, to } = target;
      const prefs = await preferencesFor(tx, config, to);
      if (prefs.mutedKinds.includes('escalations')) return { status: 'skipped', reason: 'muted by the manager' };
      const names = await namesOf(tx, [facts.learner, manager]);
      await ctx.enqueue([
        {
          key: `escalation-${level}`,
          kind: 'escalations',
          role: 'manager',
          receiveIdType: 'open_id',
          receiveId: to,
          subject: recordSubject(record.id),
          card: escalationCard({
            itemType: record.itemType,
            name: record.itemName,
            id: record.itemKey,
            learnerName: names.get(facts.learner) ?? facts.learnerName ?? record.externalUserId,
            level,
            managerName: names.get(manager) ?? null,
            dueOn: facts.dueOn,
            daysOverdue: facts.overdueDays,
            sourceLabel: sourceLabelOf(record.source),
          }),
        },
      ]);
      return { status: 'done' };
    },
  };
}

/** Names the directory cache knows. */
async function namesOf(tx: Tx, openIds: string[]): Promise<Map<string, string>> {
  const rows = await tx.feishuUser.findMany({
    where: { openId: { in: openIds } },
    select: { openId: true, name: true },
  });
  return new Map(rows.filter((r) => r.name).map((r) => [r.openId, r.name!]));
}

/** Every team job kind. */
export function teamJobKinds(config: Config): JobKind<never>[] {
  return [planKind(), digestKind(config), nudgeKind(config), escalationKind(config)] as unknown as JobKind<never>[];
}
