/**
 * Re-planning a whole course's reminders and escalations (after its due date changed) reads and writes a page of
 * records at a time; it must plan every record exactly as planning that record alone does. A course of more than
 * two pages, known by its key (eLearning records) and by its id (ALM records of one of its instances), with
 * learners in two zones, ALM learners not matched to anyone, a completed and a stopped record whose pending
 * reminders must be cancelled, and a due date that moves from the ALM deadline to the admin's. A due-date change or
 * a rule change re-plans in the background: a chain of jobs, one page each, that a newer change starts over.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SettableClock } from '../../src/domain/clock.js';
import { recordSubject } from '../../src/domain/keys.js';
import { planRecordReminders, REMINDER_JOB } from '../../src/reminders/schedule.js';
import { ESCALATION_JOB, planEscalations } from '../../src/team/escalation.js';
import { changeCourseDue } from '../../src/team/course-due.js';
import { REPLAN_JOB, replanJob, scheduleReplan } from '../../src/team/replan.js';
import { claimJobs, lockOwnJob, markJobDone, scheduleJob } from '../../src/jobs/store.js';
import type { JobContext } from '../../src/jobs/types.js';
import { writeSetting } from '../../src/settings/store.js';
import { policySettingKey } from '../../src/reminders/policy.js';
import { LANES } from '../helpers/databases.js';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { replanCourse } from '../helpers/replan.js';

const SH = 'Asia/Shanghai';
const at = (local: string) => DateTime.fromISO(local, { zone: SH }).toJSDate();
const COURSE = 'c-page';
const INSTANCE = 'inst-page';
const FEISHU = 430;
const ALM = 40;
const feishuLearner = (i: number) => `ou_page${i.toString(16).padStart(20, '0')}`;
const almUser = (i: number) => `alm-user-${i}`;
const LONG = { timeout: 120_000 };

describe.each(LANES)("a course's reminders and escalations planned page by page (%s)", (lane) => {
  let h: Harness;
  const clock = new SettableClock(at('2026-12-15T08:00'));

  beforeAll(async () => {
    h = await startHarness({ lane, clock, background: false, emulator: false, env: { DEFAULT_TIME_ZONE: SH } });
  });
  afterAll(() => h?.stop());

  /** The records, identities, preferences and earlier pending reminders of the scenario. */
  beforeEach(async () => {
    const db = h.db.prisma;
    await db.job.deleteMany();
    await db.reminderState.deleteMany();
    await db.learningRecord.deleteMany();
    await db.learnerIdentity.deleteMany();
    await db.almCatalog.deleteMany();
    await db.course.deleteMany();
    await db.userPreference.deleteMany();
    await db.course.create({ data: { courseId: COURSE, name: 'Paged course' } });
    // The instance's deadline is the 22nd in New York and the 23rd in Shanghai.
    await db.almCatalog.create({
      data: { id: INSTANCE, kind: 'instance', loId: COURSE, completionDeadline: new Date('2026-12-22T20:00:00Z') },
    });
    const common = { itemType: 'course', state: 'in_progress', enrollSource: 'admin', enrolledAt: at('2026-10-01') };
    await db.learningRecord.createMany({
      data: [
        ...Array.from({ length: FEISHU }, (_, i) => ({
          ...common,
          source: 'feishu',
          externalUserId: feishuLearner(i),
          itemKey: COURSE,
          // One record names the course by both ids: it is still one record of the course.
          ...(i === 0 ? { itemId: COURSE } : {}),
          // A self-enrolled one gets no stalled reminder, a completed one none at all.
          ...(i === 1 ? { enrollSource: 'self' } : {}),
          ...(i === 2 ? { state: 'completed' } : {}),
        })),
        ...Array.from({ length: ALM }, (_, i) => ({
          ...common,
          source: 'alm',
          externalUserId: almUser(i),
          itemKey: INSTANCE,
          itemId: COURSE,
        })),
      ],
    });
    // Three in four ALM users are matched to a Feishu user; one in four of those reads in New York.
    await db.learnerIdentity.createMany({
      data: Array.from({ length: ALM }, (_, i) => ({
        source: 'alm',
        externalUserId: almUser(i),
        status: i % 4 === 3 ? 'unresolved' : 'resolved',
        openId: i % 4 === 3 ? null : `ou_alm${i}`,
      })),
    });
    await db.userPreference.createMany({
      data: Array.from({ length: ALM }, (_, i) => i)
        .filter((i) => i % 4 === 0)
        .map((i) => ({ openId: `ou_alm${i}`, timeZone: 'America/New_York' })),
    });
    const byLearner = async (externalUserId: string) =>
      (await db.learningRecord.findFirstOrThrow({ where: { externalUserId } })).id;
    // The stopped learner asked for no more reminders; they and the completed one still have one pending.
    const stopped = await byLearner(feishuLearner(3));
    await db.reminderState.create({ data: { recordId: stopped, stoppedAt: at('2026-12-01T10:00') } });
    for (const id of [stopped, await byLearner(feishuLearner(2))])
      await db.job.create({
        data: {
          kind: REMINDER_JOB,
          key: `reminder:${id}:stalled:1:1`,
          subject: recordSubject(id),
          runAt: at('2026-12-16T09:00'),
          recipient: 'ou_someone',
          payload: { record: id, type: 'stalled' },
        },
      });
  });

  /** The reminder and escalation jobs as planning leaves them (what the runner will use), in key order. */
  const plannedJobs = async () =>
    (
      await h.db.prisma.job.findMany({
        where: { kind: { in: [REMINDER_JOB, ESCALATION_JOB] } },
        orderBy: { key: 'asc' },
        select: {
          kind: true,
          key: true,
          status: true,
          reason: true,
          runAt: true,
          subject: true,
          recipient: true,
          zone: true,
          priority: true,
          payload: true,
        },
      })
    ).map((j) => ({ ...j, runAt: j.runAt.toISOString() }));

  /** Plans the course in one go, and then (on the same starting point) each record alone; returns both results. */
  async function bothWays(setUp: () => Promise<unknown>) {
    const db = h.db.prisma;
    const before = await db.job.findMany();
    await setUp();
    const records = await replanCourse(db, h.config, COURSE, clock.now());
    const all = await plannedJobs();
    await db.job.deleteMany();
    await db.job.createMany({ data: before.map((j) => ({ ...j, payload: j.payload as object })) });
    const ids = (await db.learningRecord.findMany({ select: { id: true } })).map((r) => r.id);
    await db.$transaction(async (tx) => {
      for (const id of ids) {
        await planEscalations(tx, id, SH);
        await planRecordReminders(tx, h.config, id, clock.now());
      }
    }, LONG);
    const alone = await plannedJobs();
    const ofKind = (kind: string) => all.filter((j) => j.kind === kind);
    return { records, all, alone, paged: ofKind(REMINDER_JOB), escalations: ofKind(ESCALATION_JOB) };
  }

  it(
    'plans every record once, as planning it alone does, and cancels what is no longer called for',
    async () => {
      // First the ALM deadline is the only due date: only ALM learners have one (in their own zone).
      const first = await bothWays(async () => {});
      expect(first.records).toBe(FEISHU + ALM);
      expect(first.all).toEqual(first.alone);
      // Escalations go by the due date alone, whoever the learner: every open assigned ALM record, both levels.
      expect(first.escalations.map((j) => j.key.split(':').slice(2).join(':'))).toEqual(
        Array.from({ length: ALM }, () => ['2026-12-23:1', '2026-12-23:2']).flat(),
      );
      const pending = first.paged.filter((j) => j.status === 'pending');
      const stalledFor = new Set(pending.filter((j) => j.key.includes(':stalled:')).map((j) => j.subject));
      // Every active admin-assigned record of a matched learner: all but the self-enrolled, completed and stopped
      // ones and the unmatched ALM learners.
      expect(stalledFor.size).toBe(FEISHU - 3 + (ALM * 3) / 4);
      const due = pending.filter((j) => j.key.includes(':due:'));
      expect(new Set(due.map((j) => j.key.split(':')[3]))).toEqual(new Set(['2026-12-22', '2026-12-23']));
      expect(due.filter((j) => j.key.includes(':due:2026-12-22:')).length).toBe((ALM / 4) * 4);
      expect(first.paged.filter((j) => j.status === 'cancelled').map((j) => [j.key.split(':')[0], j.reason])).toEqual(
        expect.arrayContaining([
          ['reminder', 'completed'],
          ['reminder', 'stopped by the learner'],
        ]),
      );
      expect(first.paged.filter((j) => j.status === 'cancelled')).toHaveLength(2);

      // Then the admin sets a due date for the course: every matched learner's due reminders follow it, and the
      // deadline's are cancelled as re-planned.
      const second = await bothWays(() =>
        h.db.prisma.course.update({ where: { courseId: COURSE }, data: { dueOn: '2026-12-20' } }),
      );
      expect(second.records).toBe(FEISHU + ALM);
      expect(second.all).toEqual(second.alone);
      const escalated = second.escalations.filter((j) => j.status === 'pending');
      expect(new Set(escalated.map((j) => j.key.split(':')[2]))).toEqual(new Set(['2026-12-20']));
      // Every open admin-assigned record: all but the self-enrolled and the completed one (stopping reminders does
      // not stop an escalation), two levels each.
      expect(escalated).toHaveLength((FEISHU - 2 + ALM) * 2);
      expect(second.escalations.filter((j) => j.status === 'cancelled' && j.reason === 'replanned')).toHaveLength(
        ALM * 2,
      );
      const dueNow = second.paged.filter((j) => j.status === 'pending' && j.key.includes(':due:'));
      expect(new Set(dueNow.map((j) => j.key.split(':')[3]))).toEqual(new Set(['2026-12-20']));
      expect(new Set(dueNow.map((j) => j.subject)).size).toBe(FEISHU - 3 + 1 + (ALM * 3) / 4);
      const replanned = second.paged.filter((j) => j.status === 'cancelled' && j.reason === 'replanned');
      expect(replanned.every((j) => /:due:2026-12-2[23]:/.test(j.key))).toBe(true);
      expect(replanned).toHaveLength(due.length);
    },
    LONG.timeout,
  );
  it(
    'a due date change re-plans the course in the background, a page per job; a later change starts over',
    async () => {
      const db = h.db.prisma;
      const change = (dueOn: string) =>
        db.$transaction((tx) => changeCourseDue(tx, COURSE, dueOn, 'ou_admin', clock.now()));
      const before = await plannedJobs();
      // The admin's transaction stores the date and schedules the first step; it plans nothing itself.
      expect(await change('2026-12-20')).toEqual({ previous: null, records: FEISHU + ALM });
      expect(await plannedJobs()).toEqual(before);
      // Changed again before the first chain ran: that chain is cancelled and a new one starts from the first page.
      expect(await change('2026-12-21')).toEqual({ previous: '2026-12-20', records: FEISHU + ALM });
      const steps = () =>
        db.job.findMany({
          where: { kind: REPLAN_JOB },
          orderBy: { createdAt: 'asc' },
          select: { status: true, reason: true, payload: true },
        });
      expect((await steps()).map((j) => [j.status, j.reason])).toEqual([
        ['cancelled', 'started over after a newer change'],
        ['pending', null],
      ]);
      // The same date again changes nothing and schedules nothing.
      expect(await change('2026-12-21')).toEqual({ previous: '2026-12-21', records: 0 });
      expect(await steps()).toHaveLength(2);

      await h.bot.jobs.runDue();
      // 470 records: pages of 200, 200 and 70, one job each, all of the second chain.
      const ran = (await steps()).slice(1);
      expect(ran.map((j) => j.status)).toEqual(['done', 'done', 'done']);
      expect(new Set(ran.map((j) => (j.payload as { chain: string }).chain)).size).toBe(1);
      const jobs = await plannedJobs();
      const escalated = jobs.filter((j) => j.kind === ESCALATION_JOB && j.status === 'pending');
      expect(new Set(escalated.map((j) => j.key.split(':')[2]))).toEqual(new Set(['2026-12-21']));
      expect(escalated).toHaveLength((FEISHU - 2 + ALM) * 2);
      const due = jobs.filter((j) => j.kind === REMINDER_JOB && j.status === 'pending' && j.key.includes(':due:'));
      expect(new Set(due.map((j) => j.key.split(':')[3]))).toEqual(new Set(['2026-12-21']));
      expect(new Set(due.map((j) => j.subject)).size).toBe(FEISHU - 3 + 1 + (ALM * 3) / 4);
    },
    LONG.timeout,
  );
  it(
    'a reminder rule change re-plans every record by it, in the background',
    async () => {
      const db = h.db.prisma;
      await db.course.update({ where: { courseId: COURSE }, data: { dueOn: '2026-12-20' } });
      await replanCourse(db, h.config, COURSE, clock.now());
      const offsets = async () =>
        new Set(
          (await plannedJobs())
            .filter((j) => j.kind === REMINDER_JOB && j.status === 'pending' && j.key.includes(':due:'))
            .map((j) => j.key.split(':').at(-1)),
        );
      expect(await offsets()).toContain('3');
      try {
        await db.$transaction(async (tx) => {
          await writeSetting(tx, policySettingKey('due-days'), [4, 2], 'ou_admin');
          await scheduleReplan(tx, null, clock.now());
        });
        expect(await offsets()).toContain('3');
        await h.bot.jobs.runDue();
        expect(await offsets()).toEqual(new Set(['4', '2']));
        expect(await db.job.count({ where: { kind: REPLAN_JOB, status: 'done' } })).toBe(3);
      } finally {
        await db.setting.deleteMany({ where: { key: policySettingKey('due-days') } });
      }
    },
    LONG.timeout,
  );
  // Two connections at once: only a server has them (the embedded database is one session, where a change and a
  // step never overlap), so the embedded lane has no such test.
  if (lane === 'postgres')
    it(
      'a change cancels the step running on another instance and the next step that step schedules',
      async () => {
        const db = h.db.prisma;
        await db.$transaction((tx) => scheduleReplan(tx, COURSE, clock.now()));
        const claimed = await claimJobs(db, 'runner-elsewhere', 50, clock.now(), 60);
        const first = claimed.find((j) => j.kind === REPLAN_JOB)!;
        // The runner elsewhere runs the first page, as its job runner does, and keeps its transaction open.
        let ran!: () => void;
        let release!: () => void;
        const pageDone = new Promise<void>((r) => (ran = r));
        const released = new Promise<void>((r) => (release = r));
        const elsewhere = db.$transaction(
          async (tx) => {
            expect(await lockOwnJob(tx, first.id, 'runner-elsewhere')).toBe(true);
            const ctx = { now: clock.now(), schedule: (plan) => scheduleJob(tx, plan) } as Pick<
              JobContext,
              'now' | 'schedule'
            >;
            const kind = replanJob(h.config);
            const step = first as unknown as Parameters<typeof kind.run>[1];
            expect(await kind.run(tx, step, ctx as JobContext)).toEqual({ status: 'done' });
            expect(
              await markJobDone(tx, first.id, 'runner-elsewhere', { now: clock.now(), doneOn: null, capped: false }),
            ).toBe(true);
            ran();
            await released;
          },
          { timeout: 60_000 },
        );
        await pageDone;
        // The admin's change, on another connection, waits for the running step's row.
        const change = db.$transaction((tx) => scheduleReplan(tx, COURSE, clock.now()), { timeout: 60_000 });
        await eventually(
          async () =>
            (
              await db.$queryRaw<{ n: number }[]>`
              SELECT count(*)::int AS n FROM pg_stat_activity
               WHERE datname = current_database() AND wait_event_type = 'Lock'`
            )[0]!.n > 0,
          10_000,
          'the change to wait for the running step',
        );
        release();
        await elsewhere;
        await change;
        const steps = await db.job.findMany({ where: { kind: REPLAN_JOB } });
        const payloadOf = (j: (typeof steps)[number]) => j.payload as { chain: string; after: string | null };
        const [done, cancelled, pending] = ['done', 'cancelled', 'pending'].map((status) =>
          steps.filter((j) => j.status === status),
        );
        expect(steps).toHaveLength(3);
        expect(done!.map((j) => j.id)).toEqual([first.id]);
        // The page the running step scheduled belongs to the old chain, and the change cancelled it.
        expect(cancelled).toHaveLength(1);
        expect(payloadOf(cancelled![0]!)).toEqual({ ...payloadOf(done![0]!), after: expect.any(String) });
        expect(cancelled![0]!.reason).toBe('started over after a newer change');
        // The new chain starts from the first page.
        expect(pending).toHaveLength(1);
        expect(payloadOf(pending![0]!).chain).not.toBe(payloadOf(done![0]!).chain);
        expect(payloadOf(pending![0]!).after).toBeNull();
      },
      LONG.timeout,
    );
});
