/**
 * Due dates from ALM: an admin enrolment into a course instance with a completion deadline plans the due-date
 * reminders (7, 3, 1 days before, the day after) from it; an admin's due date for the course wins; the instance is
 * asked once per TTL through the API budget, again after an instance event marked it stale.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localize } from '../../cards/kit.js';
import { SettableClock } from '../../src/domain/clock.js';
import { AlmEmulator } from '../../src/emulator/alm/index.js';
import { loadFixture } from '../fixtures/index.js';
import { LANES } from '../helpers/databases.js';
import { handleEvent } from '../helpers/drive.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const SH = 'Asia/Shanghai';
const at = (local: string) => DateTime.fromISO(local, { zone: SH }).toJSDate();
const LEARNER = 'ou_almdue_learner';
const ALM_USER = 4242001;
const LO = 'course:7700001';
const INSTANCE = `${LO}_8800001`;
/** 23:59:59 on 2026-11-20 in Shanghai. */
const DEADLINE = '2026-11-20T15:59:59.000Z';
const BUDGET = 40;

type Batch = { accountId: number; events: Record<string, unknown>[] };
const fixture = loadFixture<Batch>('alm/COURSE_ENROLLMENT.json');

describe.each(LANES)('ALM completion deadlines as due dates (%s)', (lane) => {
  let h: Harness;
  let alm: AlmEmulator;
  const clock = new SettableClock(at('2026-11-02T10:00'));
  let seq = 0;

  const almEvent = (eventName: string, data: Record<string, unknown>) =>
    handleEvent(h, {
      source: 'alm',
      eventType: eventName,
      externalId: `almdue-${lane}-${++seq}`,
      payload: {
        ...fixture.events[0],
        accountId: fixture.accountId,
        eventId: `almdue-${lane}-${seq}`,
        eventName,
        timestamp: clock.now().toISOString(),
        data,
      },
    });
  const enrol = (over: Record<string, unknown> = {}) =>
    almEvent('COURSE_ENROLLMENT', {
      userId: ALM_USER,
      loId: LO,
      loInstanceId: INSTANCE,
      loType: 'course',
      enrollmentSource: 'ADMIN_ENROLL',
      dateEnrolled: clock.now().toISOString(),
      ...over,
    });
  /** The record's pending due-date reminder jobs: offset and local day. */
  const dueJobs = async (instance = INSTANCE) => {
    const record = await h.db.prisma.learningRecord.findFirstOrThrow({ where: { source: 'alm', itemKey: instance } });
    const rows = await h.db.prisma.job.findMany({
      where: { kind: 'reminder', status: 'pending' },
      orderBy: { runAt: 'asc' },
    });
    return rows
      .filter((j) => (j.payload as { record?: string }).record === record.id)
      .filter((j) => (j.payload as { type?: string }).type === 'due')
      .map((j) => `${j.key.split(':').slice(-1)[0]}@${DateTime.fromJSDate(j.runAt, { zone: SH }).toISODate()}`);
  };
  const instanceCalls = (instance = INSTANCE) =>
    alm.primeRequests().filter((r) => decodeURIComponent(r.path).endsWith(`/instances/${instance}`)).length;
  const budgetUsed = () => h.db.prisma.apiCall.count({ where: { api: 'alm' } });

  beforeAll(async () => {
    alm = await AlmEmulator.start({ ratePerHour: null });
    alm.addUser({ id: ALM_USER, email: 'almdue@example.com', name: 'Due Learner' });
    alm.addLearningObject({ id: LO, name: 'Deadline course' });
    alm.addInstance({ id: INSTANCE, completionDeadline: DEADLINE });
    h = await startHarness({
      lane,
      clock,
      background: false,
      env: {
        ALM_API_BASE: alm.url,
        ALM_CLIENT_ID: alm.clientId,
        ALM_CLIENT_SECRET: alm.clientSecret,
        ALM_REFRESH_TOKEN: alm.refreshToken,
        ALM_API_MAX_PER_HOUR: String(BUDGET),
        DEFAULT_TIME_ZONE: SH,
      },
      emulator: { users: [{ open_id: LEARNER, user_id: 'almdue', name: 'Due Learner', email: 'almdue@example.com' }] },
    });
  });
  afterAll(async () => {
    await h?.stop();
    await alm?.stop();
  });
  beforeEach(async () => {
    clock.set(at('2026-11-02T10:00')); // a Monday
    alm.reset();
    alm.setCompletionDeadline(INSTANCE, DEADLINE);
    const p = h.db.prisma;
    await p.job.deleteMany();
    await p.notification.deleteMany();
    await p.reminderState.deleteMany();
    await p.learningRecord.deleteMany();
    await p.course.deleteMany();
    await p.almCatalog.deleteMany();
    await p.apiCall.deleteMany();
    await p.learnerIdentity.upsert({
      where: { source_externalUserId: { source: 'alm', externalUserId: String(ALM_USER) } },
      create: {
        source: 'alm',
        externalUserId: String(ALM_USER),
        status: 'resolved',
        origin: 'binding',
        openId: LEARNER,
      },
      update: {},
    });
  });

  it("plans due-date reminders from the instance's completion deadline and sends them", async () => {
    const { event } = await enrol();
    expect(event.status).toBe('processed');
    const row = await h.db.prisma.almCatalog.findUniqueOrThrow({ where: { id: INSTANCE } });
    expect(row.completionDeadline?.toISOString()).toBe(DEADLINE);
    expect(row.kind).toBe('instance');
    expect(row.loId).toBe(LO);
    expect(await dueJobs()).toEqual(['7@2026-11-13', '3@2026-11-17', '1@2026-11-19', '-1@2026-11-21']);

    const seen: string[] = [];
    for (const day of ['2026-11-13', '2026-11-17', '2026-11-19', '2026-11-23']) {
      clock.set(at(`${day}T17:00`));
      await h.bot.jobs.runDue();
      const cards = await h.db.prisma.notification.findMany({
        where: { kind: 'reminders', receiveId: LEARNER, operation: 'send' },
        orderBy: { createdAt: 'asc' },
      });
      seen.push(...cards.slice(seen.length).map((n) => JSON.stringify(localize(JSON.parse(n.content), 'en'))));
    }
    // Assigned learning that stalls is reminded too (after 7 days without progress).
    const due = seen.filter((c) => c.includes('Due date reminder') || c.includes('Learning overdue'));
    expect(due).toHaveLength(4);
    expect(seen.length - due.length).toBe(1);
    expect(due[0]).toContain('2026-11-20 (7 days left)');
    expect(due[1]).toContain('2026-11-20 (3 days left)');
    expect(due[2]).toContain('2026-11-20 (1 day left)');
    expect(due[3]).toContain('Learning overdue');
  });

  it("an admin's due date for the course wins over ALM's deadline", async () => {
    await h.db.prisma.course.create({ data: { courseId: LO, dueOn: '2026-11-25' } });
    await enrol();
    // The deadline is still fetched and kept, but the admin's date decides.
    expect((await h.db.prisma.almCatalog.findUniqueOrThrow({ where: { id: INSTANCE } })).completionDeadline).not.toBe(
      null,
    );
    expect(await dueJobs()).toEqual(['7@2026-11-18', '3@2026-11-22', '1@2026-11-24', '-1@2026-11-26']);
  });

  it('asks ALM once per instance within the TTL, through the budget; again when stale or after the TTL', async () => {
    await enrol();
    await enrol({ userId: ALM_USER, dateEnrolled: clock.now().toISOString() });
    expect(instanceCalls()).toBe(1);
    // Every /primeapi call took one from the shared budget.
    expect(await budgetUsed()).toBe(alm.primeRequests().length);

    // A self-enrolment has no assigned due date: no instance lookup.
    const other = `${LO}_8800002`;
    await enrol({ loInstanceId: other, enrollmentSource: 'SELF_ENROLL' });
    expect(instanceCalls(other)).toBe(0);

    // ALM says the instance changed: the next assigned enrolment asks again and re-plans from the new deadline.
    alm.setCompletionDeadline(INSTANCE, '2026-11-27T15:59:59.000Z');
    const modified = await almEvent('LEARNING_OBJECT_INSTANCE_MODIFICATION', {
      loId: LO,
      loInstanceId: INSTANCE,
      loType: 'course',
    });
    expect(modified.event.status).toBe('processed');
    await enrol();
    expect(instanceCalls()).toBe(2);
    expect(await dueJobs()).toEqual(['7@2026-11-20', '3@2026-11-24', '1@2026-11-26', '-1@2026-11-28']);

    // Within the TTL nothing more; after it (7 days), once more.
    clock.set(at('2026-11-08T10:00'));
    await enrol();
    expect(instanceCalls()).toBe(2);
    clock.set(at('2026-11-10T11:00'));
    await enrol();
    expect(instanceCalls()).toBe(3);
    expect(await budgetUsed()).toBe(alm.primeRequests().length);
  });

  it('an instance without a deadline plans no due-date reminders and is not asked again within the TTL', async () => {
    alm.setCompletionDeadline(INSTANCE, null);
    await enrol();
    await enrol();
    expect(instanceCalls()).toBe(1);
    expect(await dueJobs()).toEqual([]);
    expect((await h.db.prisma.almCatalog.findUniqueOrThrow({ where: { id: INSTANCE } })).completionDeadline).toBe(null);
  });

  it('a spent budget postpones the enrolment; nothing is lost', async () => {
    // The course's name is known, so the instance's deadline is the one call the enrolment needs.
    await h.db.prisma.almCatalog.create({
      data: { id: LO, kind: 'lo', name: 'Deadline course', fetchedAt: clock.now() },
    });
    await h.db.prisma.apiCall.createMany({
      data: Array.from({ length: BUDGET }, () => ({ api: 'alm', at: new Date() })),
    });
    const { event } = await enrol();
    expect(event.status).toBe('pending');
    expect(event.lastError).toContain('budget');
    expect(instanceCalls()).toBe(0);
    expect(await h.db.prisma.learningRecord.count()).toBe(0);
  });
});
