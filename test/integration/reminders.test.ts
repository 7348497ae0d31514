/**
 * Learner reminders on the scheduler, with a fake clock: stalled assigned learning (7 days, again 7 days after, at
 * most 3), self-enrolled none, due dates (7, 3, 1 days before and the day after), cancellation by completion and
 * unenrolment in either arrival order, snooze and stop from the card, catch-up after downtime, mute.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localize } from '../../cards/kit.js';
import { SettableClock } from '../../src/domain/clock.js';
import { loadFixture } from '../fixtures/index.js';
import { click } from '../helpers/chat.js';
import { LANES } from '../helpers/databases.js';
import { handleEvent } from '../helpers/drive.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const SH = 'Asia/Shanghai';
const at = (local: string) => DateTime.fromISO(local, { zone: SH }).toJSDate();
const LEARNER = 'ou_rem_learner';

type Registration = { header: Record<string, unknown>; event: Record<string, unknown> };
const fixture = loadFixture<Registration>('feishu/elearning.course_registration.created_v2.json');

describe.each(LANES)('learner reminders (%s)', (lane) => {
  let h: Harness;
  const clock = new SettableClock(at('2026-11-02T10:00'));
  let seq = 0;

  /** A course registration event stamped with the clock's now (or `when`). */
  const registration = (
    course: string,
    event: Record<string, unknown>,
    opts: { type?: 'created' | 'updated' | 'deleted'; when?: Date } = {},
  ) =>
    handleEvent(h, {
      source: 'feishu',
      eventType: `elearning.course_registration.${opts.type ?? 'updated'}_v2`,
      externalId: `rem-${lane}-${++seq}`,
      payload: {
        ...fixture,
        header: { ...fixture.header, create_time: String((opts.when ?? clock.now()).getTime()) },
        event: {
          ...fixture.event,
          course_id: course,
          learner: { user_id: { open_id: LEARNER } },
          enroll_type: 1,
          learning_state: 0,
          compulsory_lesson_ids: ['l1', 'l2', 'l3', 'l4'],
          learned_compulsory_lesson_ids: ['l1'],
          ...event,
        },
      },
    });
  const runDue = () => h.bot.jobs.runDue();
  /** The reminder cards queued for the learner, oldest first, as the learner reads them (English). */
  const reminders = async () =>
    (
      await h.db.prisma.notification.findMany({
        where: { kind: 'reminders', receiveId: LEARNER, operation: 'send' },
        orderBy: { createdAt: 'asc' },
      })
    ).map((n) => JSON.stringify(localize(JSON.parse(n.content), 'en')));
  const jobs = (course: string) =>
    h.db.prisma.job
      .findMany({
        where: { kind: 'reminder', payload: { path: ['record'], not: '' }, key: { contains: ':' } },
        orderBy: { runAt: 'asc' },
      })
      .then(async (rows) => {
        const record = await h.db.prisma.learningRecord.findFirst({ where: { itemKey: course } });
        return rows.filter((r) => (r.payload as { record?: string }).record === record?.id);
      });

  beforeAll(async () => {
    h = await startHarness({
      lane,
      clock,
      background: false,
      emulator: { users: [{ open_id: LEARNER, user_id: 'remlearner', name: 'Rem Learner' }] },
    });
  });
  afterAll(() => h?.stop());
  beforeEach(async () => {
    clock.set(at('2026-11-02T10:00')); // a Monday
    await h.db.prisma.job.deleteMany();
    await h.db.prisma.notification.deleteMany();
    await h.db.prisma.reminderState.deleteMany();
    await h.db.prisma.learningRecord.deleteMany();
    await h.db.prisma.course.deleteMany();
    await h.db.prisma.setting.deleteMany();
    await h.db.prisma.userPreference.deleteMany();
  });

  it('reminds of stalled assigned learning after 7 days, again 7 days after each, at most 3', async () => {
    await registration('stall-1', {}, { type: 'created' });
    clock.set(at('2026-11-09T09:00')); // 7 days later, before the window opens
    await runDue();
    expect(await reminders()).toEqual([]);
    clock.set(at('2026-11-09T10:00')); // due now, but a send on the hour moves into the next half hour
    await runDue();
    expect(await reminders()).toEqual([]);
    clock.set(at('2026-11-09T10:40'));
    await runDue();
    const first = await reminders();
    expect(first).toHaveLength(1);
    expect(first[0]).toContain('Learning reminder');
    expect(first[0]).toContain('You have not made progress on **a course in Feishu eLearning** for 7 days');
    expect(first[0]).toContain('1 of 4 compulsory lessons done');
    expect(first[0]).toContain('Remind me tomorrow');
    expect(first[0]).toContain('Stop reminders for this course');
    expect(first[0]).toContain('Course id: stall-1');

    clock.set(at('2026-11-13T10:00')); // only 4 days after the first
    await runDue();
    expect(await reminders()).toHaveLength(1);
    for (const day of ['2026-11-16', '2026-11-23', '2026-11-30', '2026-12-07']) {
      clock.set(at(`${day}T11:00`));
      await runDue();
    }
    expect(await reminders()).toHaveLength(3);
    expect((await jobs('stall-1')).filter((j) => j.status === 'pending')).toEqual([]);
  });

  it('sends none for a self-enrolled course by default, and does once the policy says so', async () => {
    await registration('self-1', { enroll_type: 2 }, { type: 'created' });
    clock.set(at('2026-11-10T10:00'));
    await runDue();
    expect(await reminders()).toEqual([]);
    await h.db.prisma.setting.create({ data: { key: 'reminders.self-enrolled', value: true } });
    await registration('self-1', { enroll_type: 2, learned_compulsory_lesson_ids: ['l1', 'l2'] });
    clock.set(at('2026-11-17T10:40'));
    await runDue();
    expect(await reminders()).toHaveLength(1);
  });

  it('progress restarts the stall: no reminder 7 days after enrolment when the learner went on meanwhile', async () => {
    await registration('progress-1', {}, { type: 'created' });
    clock.set(at('2026-11-06T10:00'));
    await registration('progress-1', { learning_state: 1, learned_compulsory_lesson_ids: ['l1', 'l2'] });
    clock.set(at('2026-11-10T10:00'));
    await runDue();
    expect(await reminders()).toEqual([]);
    clock.set(at('2026-11-13T10:40'));
    await runDue();
    const [card] = await reminders();
    expect(card).toContain('2 of 4 compulsory lessons done');
  });

  it.each([
    ['passed', { learning_state: 2 }, 'updated'],
    ['removed', {}, 'deleted'],
  ] as const)('cancels reminders when the course is %s, in either arrival order', async (state, event, type) => {
    // In order: enrolled, then the end.
    await registration('end-a', {}, { type: 'created' });
    clock.set(at('2026-11-04T10:00'));
    await registration('end-a', event, { type });
    expect((await jobs('end-a')).map((j) => [j.status, j.reason])).toEqual([['cancelled', state]]);
    // Out of order: the end is stored first, the older enrolment arrives after it.
    await registration('end-b', event, { type, when: at('2026-11-04T10:00') });
    await registration('end-b', {}, { type: 'created', when: at('2026-11-02T10:00') });
    expect(await jobs('end-b')).toEqual([]);
    clock.set(at('2026-11-20T10:00'));
    await runDue();
    expect(await reminders()).toEqual([]);
  });

  it('re-checks at send time: a course completed after the job was claimed due is not reminded', async () => {
    await registration('race-1', {}, { type: 'created' });
    const record = await h.db.prisma.learningRecord.findFirstOrThrow({ where: { itemKey: 'race-1' } });
    // The completion lands in the record without re-planning (as if committed between claim and run).
    await h.db.prisma.learningRecord.update({ where: { id: record.id }, data: { state: 'passed' } });
    clock.set(at('2026-11-09T10:40'));
    await runDue();
    expect(await reminders()).toEqual([]);
    expect((await jobs('race-1')).map((j) => [j.status, j.reason])).toEqual([['skipped', 'passed']]);
  });

  it('reminds of a due date on the days 7, 3 and 1 before and the day after, each in its window', async () => {
    await registration('due-1', { enroll_type: 2 }, { type: 'created' });
    await h.db.prisma.course.create({ data: { courseId: 'due-1', dueOn: '2026-11-20' } });
    await registration('due-1', { enroll_type: 2, learned_compulsory_lesson_ids: ['l1', 'l2'] });
    const planned = (await jobs('due-1')).map((j) => j.key.split(':').slice(-1)[0]);
    expect(planned).toEqual(['7', '3', '1', '-1']);
    const seen: string[] = [];
    for (const day of ['2026-11-13', '2026-11-17', '2026-11-19', '2026-11-21', '2026-11-23']) {
      clock.set(at(`${day}T17:00`));
      await runDue();
      seen.push(...(await reminders()).slice(seen.length));
    }
    // The day after the due date is a Saturday: that reminder waits for Monday's window.
    expect(seen).toHaveLength(4);
    expect(seen[0]).toContain('2026-11-20 (7 days left)');
    expect(seen[1]).toContain('2026-11-20 (3 days left)');
    expect(seen[2]).toContain('2026-11-20 (1 day left)');
    expect(seen[3]).toContain('Learning overdue');
    expect(seen[3]).toContain('2026-11-20 (3 days overdue)');
  });

  it('after downtime sends one due-date reminder for the nearest day, not a burst of stale ones', async () => {
    await h.db.prisma.course.create({ data: { courseId: 'down-1', dueOn: '2026-11-20' } });
    await registration('down-1', { enroll_type: 2 }, { type: 'created' });
    clock.set(at('2026-11-18T10:00')); // the 7- and 3-day reminders are both overdue now
    await runDue();
    const sent = await reminders();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('2 days left');
    expect((await jobs('down-1')).map((j) => [j.key.split(':').slice(-1)[0], j.status, j.reason])).toEqual([
      ['7', 'skipped', 'superseded by a later reminder'],
      ['3', 'done', null],
      ['1', 'pending', null],
      ['-1', 'pending', null],
    ]);
  });

  it('"Remind me tomorrow" comes back the next working day; "Stop" ends them; the card changes in place', async () => {
    await registration('click-1', {}, { type: 'created' });
    clock.set(at('2026-11-13T10:00')); // a Friday
    await runDue();
    expect(await reminders()).toHaveLength(1);
    const record = await h.db.prisma.learningRecord.findFirstOrThrow({ where: { itemKey: 'click-1' } });
    const snooze = await click(h.bot.url, {
      openId: LEARNER,
      value: { action: 'reminder_snooze', record: record.id },
    });
    expect(snooze.status).toBe(200);
    const snoozed = JSON.stringify(localize(snooze.body.card?.data, 'en'));
    expect(snoozed).toContain('You will be reminded again on 2026-11-16');
    expect(snoozed).not.toContain('Remind me tomorrow');
    // Someone else cannot click it.
    const other = await click(h.bot.url, {
      openId: 'ou_someone',
      value: { action: 'reminder_stop', record: record.id },
    });
    expect(other.body.toast?.i18n?.en_us ?? other.body.toast?.content).toContain('cannot be changed by you');
    clock.set(at('2026-11-14T10:00')); // Saturday: nothing
    await runDue();
    expect(await reminders()).toHaveLength(1);
    clock.set(at('2026-11-16T10:00'));
    await runDue();
    expect(await reminders()).toHaveLength(2);

    const stop = await click(h.bot.url, { openId: LEARNER, value: { action: 'reminder_stop', record: record.id } });
    expect(JSON.stringify(localize(stop.body.card?.data, 'en'))).toContain('Reminders for this course are stopped');
    const again = await click(h.bot.url, { openId: LEARNER, value: { action: 'reminder_stop', record: record.id } });
    expect(JSON.stringify(localize(again.body.card?.data, 'en'))).toContain('Reminders for this course are stopped');
    expect((await jobs('click-1')).filter((j) => j.status === 'pending')).toEqual([]);
    clock.set(at('2026-12-20T10:00'));
    await runDue();
    expect(await reminders()).toHaveLength(2);
  });

  it('sends at most 2 reminders a day to a learner; the third waits for the next working day', async () => {
    for (const course of ['cap-1', 'cap-2', 'cap-3']) await registration(course, {}, { type: 'created' });
    clock.set(at('2026-11-09T10:40'));
    await runDue();
    expect(await reminders()).toHaveLength(2);
    const waiting = (await h.db.prisma.job.findMany({ where: { kind: 'reminder', status: 'pending', waiting: 'cap' } }))
      .length;
    expect(waiting).toBe(1);
    clock.set(at('2026-11-10T10:40'));
    await runDue();
    expect(await reminders()).toHaveLength(3);
  });

  it('sends nothing to a learner who muted reminders, and counts nothing against their cap', async () => {
    await h.db.prisma.userPreference.create({ data: { openId: LEARNER, mutedKinds: ['reminders'] } });
    await registration('muted-1', {}, { type: 'created' });
    clock.set(at('2026-11-09T10:40'));
    await runDue();
    expect(await reminders()).toEqual([]);
    expect((await jobs('muted-1')).map((j) => [j.status, j.reason])).toEqual([['skipped', 'muted']]);
  });
});
