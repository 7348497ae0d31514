/**
 * A person's own time zone decides their send windows: the one they set, else the Feishu directory's `time_zone`
 * (read through the contact API and cached in `feishu_user`), else the tenant's (Asia/Shanghai here). Learner
 * reminders, the manager's weekly digest and overdue escalations all go out in the recipient's working hours; a
 * directory that cannot be read never stops a send (the tenant's zone applies).
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SettableClock } from '../../src/domain/clock.js';
import { scheduleJob } from '../../src/jobs/store.js';
import { digestPlanJob } from '../../src/team/jobs.js';
import { loadFixture } from '../fixtures/index.js';
import { LANES } from '../helpers/databases.js';
import { handleEvent } from '../helpers/drive.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const SH = 'Asia/Shanghai';
const BERLIN = 'Europe/Berlin';
const at = (local: string, zone = SH) => DateTime.fromISO(local, { zone }).toJSDate();
const localTime = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone }).toFormat('yyyy-MM-dd HH:mm');

const IN_BERLIN = 'ou_tz_berlin';
const IN_SHANGHAI = 'ou_tz_shanghai';
const CHOSE_TOKYO = 'ou_tz_tokyo';
const MANAGER = 'ou_tz_manager';
const BOSS = 'ou_tz_boss';

const USERS = [
  { open_id: IN_BERLIN, user_id: 'tzberlin', name: 'Berlin Learner', time_zone: BERLIN, leader_user_id: MANAGER },
  { open_id: IN_SHANGHAI, user_id: 'tzshanghai', name: 'Shanghai Learner', leader_user_id: MANAGER },
  { open_id: CHOSE_TOKYO, user_id: 'tztokyo', name: 'Tokyo Learner', time_zone: BERLIN },
  { open_id: MANAGER, user_id: 'tzmanager', name: 'Berlin Manager', time_zone: BERLIN, leader_user_id: BOSS },
  { open_id: BOSS, user_id: 'tzboss', name: 'Boss' },
];

type Registration = { header: Record<string, unknown>; event: Record<string, unknown> };
const fixture = loadFixture<Registration>('feishu/elearning.course_registration.created_v2.json');

describe.each(LANES)('time zones from the Feishu directory (%s)', (lane) => {
  let h: Harness;
  const clock = new SettableClock(at('2026-11-02T10:00'));
  let seq = 0;

  const registration = (learner: string, course: string, event: Record<string, unknown> = {}) =>
    handleEvent(h, {
      source: 'feishu',
      eventType: 'elearning.course_registration.created_v2',
      externalId: `tz-${lane}-${++seq}`,
      payload: {
        ...fixture,
        header: { ...fixture.header, create_time: String(clock.now().getTime()) },
        event: {
          ...fixture.event,
          course_id: course,
          learner: { user_id: { open_id: learner } },
          enroll_type: 1,
          learning_state: 0,
          compulsory_lesson_ids: ['l1', 'l2', 'l3', 'l4'],
          learned_compulsory_lesson_ids: ['l1'],
          ...event,
        },
      },
    });
  const runDue = () => h.bot.jobs.runDue();
  const sent = (to: string, kind: string) =>
    h.db.prisma.notification.findMany({ where: { receiveId: to, kind, operation: 'send' } });
  const reminderJob = (learner: string) =>
    h.db.prisma.job.findFirstOrThrow({
      where: { kind: 'reminder', recipient: learner, key: { contains: ':stalled:' } },
    });

  beforeAll(async () => {
    h = await startHarness({ lane, clock, background: false, emulator: { users: USERS } });
  });
  afterAll(() => h?.stop());
  beforeEach(async () => {
    clock.set(at('2026-11-02T10:00')); // a Monday
    const db = h.db.prisma;
    await db.job.deleteMany();
    await db.notification.deleteMany();
    await db.reminderState.deleteMany();
    await db.learningRecord.deleteMany();
    await db.course.deleteMany();
    await db.userPreference.deleteMany();
    await db.feishuUser.deleteMany();
  });

  it("reminds a learner whose directory zone is Europe/Berlin in Berlin's window, not Shanghai's", async () => {
    await registration(IN_BERLIN, 'tz-course-b');
    await registration(IN_SHANGHAI, 'tz-course-s');
    // Seven days later at 10:40 in Shanghai (03:40 in Berlin): the Shanghai learner's window is open, hers is not.
    clock.set(at('2026-11-09T10:40'));
    await runDue();
    expect(await sent(IN_SHANGHAI, 'reminders')).toHaveLength(1);
    expect(await sent(IN_BERLIN, 'reminders')).toHaveLength(0);
    const waiting = await reminderJob(IN_BERLIN);
    expect(waiting).toMatchObject({ status: 'pending', waiting: 'window' });
    // Placed in Berlin's opening (09:00 spread over the half hour), which is 16:00 to 16:30 in Shanghai.
    const local = DateTime.fromJSDate(waiting.runAt, { zone: BERLIN });
    expect(local.toISODate()).toBe('2026-11-09');
    expect(local.hour).toBe(9);
    expect(local.minute).toBeGreaterThan(0);
    expect(local.minute).toBeLessThan(30);
    expect((await h.db.prisma.feishuUser.findUnique({ where: { openId: IN_BERLIN } }))?.timeZone).toBe(BERLIN);

    clock.set(at('2026-11-09T08:59', BERLIN));
    await runDue();
    expect(await sent(IN_BERLIN, 'reminders')).toHaveLength(0);
    clock.set(at('2026-11-09T09:30', BERLIN));
    await runDue();
    expect(await sent(IN_BERLIN, 'reminders')).toHaveLength(1);
    expect(await reminderJob(IN_BERLIN)).toMatchObject({ status: 'done', doneOn: '2026-11-09' });
  });

  it('a zone the person set wins over the directory', async () => {
    await h.db.prisma.userPreference.create({ data: { openId: CHOSE_TOKYO, timeZone: 'Asia/Tokyo' } });
    clock.set(at('2026-11-02T08:30'));
    await registration(CHOSE_TOKYO, 'tz-course-t');
    // Stalled from 08:30 in Shanghai on 9 November: 09:30 in Tokyo (open), 01:30 in Berlin (closed).
    clock.set(at('2026-11-09T09:00'));
    await runDue();
    expect(await sent(CHOSE_TOKYO, 'reminders')).toHaveLength(1);
  });

  it('a directory that cannot be read leaves the tenant zone, and the reminder still goes out', async () => {
    await registration(IN_BERLIN, 'tz-course-f');
    await h.db.prisma.feishuUser.deleteMany(); // nothing cached: the runner has to ask Feishu
    h.emu!.failNext({ match: { method: 'GET', path: /\/contact\/v3\/users\// }, status: 500, times: 1000 });
    clock.set(at('2026-11-09T10:40'));
    await runDue();
    expect(await sent(IN_BERLIN, 'reminders')).toHaveLength(1);
    expect(await reminderJob(IN_BERLIN)).toMatchObject({ status: 'done', doneOn: '2026-11-09' });
    h.emu!.reset(); // the queued failures go; the directory stays
  });

  it("the manager's weekly digest goes out at 09:30 on Monday in the manager's zone", async () => {
    // The manager's own zone is not cached when the week is planned: their digest is planned for 09:30 in
    // Shanghai and moves to 09:30 in Berlin once the run reads the directory.
    await h.db.prisma.feishuUser.create({ data: { openId: IN_SHANGHAI, leaderOpenId: MANAGER } });
    await h.db.prisma.learningRecord.create({
      data: {
        source: 'feishu',
        externalUserId: IN_SHANGHAI,
        itemKey: 'tz-stalled',
        itemName: 'Stalled course',
        itemType: 'course',
        enrollSource: 'admin',
        state: 'enrolled',
        enrolledAt: at('2026-10-12T10:00'),
        createdAt: at('2026-10-12T10:00'),
      },
    });
    clock.set(at('2026-11-08T12:00')); // Sunday
    await scheduleJob(h.db.prisma, digestPlanJob('2026-W46'));
    await runDue();
    const key = `digest:${MANAGER}:2026-W46`;
    const planned = await h.db.prisma.job.findUniqueOrThrow({ where: { key } });
    expect(localTime(planned.runAt, SH)).toBe('2026-11-09 09:30');

    clock.set(at('2026-11-09T09:45')); // Shanghai's 09:30 has passed: 02:45 in Berlin
    await runDue();
    expect(await sent(MANAGER, 'digest')).toHaveLength(0);
    const moved = await h.db.prisma.job.findUniqueOrThrow({ where: { key } });
    expect(moved).toMatchObject({ status: 'pending', zone: BERLIN });
    expect(localTime(moved.runAt, BERLIN)).toBe('2026-11-09 09:30');
    expect(localTime(moved.notAfter!, BERLIN)).toBe('2026-11-09 23:59');

    clock.set(at('2026-11-09T09:30', BERLIN));
    await runDue();
    expect(await sent(MANAGER, 'digest')).toHaveLength(0); // 09:30 is the earliest, spread over the half hour
    clock.set(at('2026-11-09T10:00', BERLIN));
    await runDue();
    expect(await sent(MANAGER, 'digest')).toHaveLength(1);
    expect(await h.db.prisma.job.findUniqueOrThrow({ where: { key } })).toMatchObject({ status: 'done' });
  });

  it("an overdue escalation reaches the manager in the manager's working hours", async () => {
    await h.db.prisma.feishuUser.create({ data: { openId: IN_SHANGHAI, leaderOpenId: MANAGER } });
    await h.db.prisma.course.create({ data: { courseId: 'tz-due', dueOn: '2026-11-20' } });
    await registration(IN_SHANGHAI, 'tz-due');
    const key = (await h.db.prisma.job.findFirstOrThrow({ where: { kind: 'escalation', key: { endsWith: ':1' } } }))
      .key;
    // Three days after the due date is Monday 23 November: open in Shanghai at 10:40, 03:40 in Berlin.
    clock.set(at('2026-11-23T10:40'));
    await runDue();
    expect(await sent(MANAGER, 'escalations')).toHaveLength(0);
    const moved = await h.db.prisma.job.findUniqueOrThrow({ where: { key } });
    expect(moved).toMatchObject({ status: 'pending', zone: BERLIN });
    expect(localTime(moved.runAt, BERLIN).slice(0, 13)).toBe('2026-11-23 09');

    clock.set(at('2026-11-23T09:45', BERLIN));
    await runDue();
    expect(await sent(MANAGER, 'escalations')).toHaveLength(1);
  });
});
