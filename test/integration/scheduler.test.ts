import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { SettableClock } from '../../src/domain/clock.js';
import { cancelJobs, scheduleJob } from '../../src/jobs/store.js';
import { JobKinds, type JobKind } from '../../src/jobs/types.js';
import { LANES, createTestDatabase } from '../helpers/databases.js';
import { createLogger } from '../../src/logger.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { DEFAULT_WINDOW } from '../../src/domain/calendar.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { untilIdle } from '../helpers/idle.js';
import { say, textMessage } from '../helpers/chat.js';

const ADMIN = 'ou_admin';

const SH = 'Asia/Shanghai';
const at = (local: string, zone = SH) => DateTime.fromISO(local, { zone }).toJSDate();
const localOf = (d: Date, zone = SH) => DateTime.fromJSDate(d, { zone });

/** Jobs that send a text to their recipient; `blocked` keys find their reason gone at send time. */
function testKinds(runs: Map<string, number>, blocked: Set<string>) {
  const ping = (kind: string, capped: boolean): JobKind<{ text: string }> => ({
    kind,
    windowed: true,
    ...(capped ? { capped: 'learner-daily' as const } : {}),
    async run(_tx, job, ctx) {
      runs.set(job.key, (runs.get(job.key) ?? 0) + 1);
      if (blocked.has(job.key)) return { status: 'skipped', reason: 'completed' };
      await ctx.enqueue([
        {
          key: 'msg',
          kind: 'reply',
          role: 'user',
          receiveIdType: 'open_id',
          receiveId: job.recipient!,
          text: job.payload.text,
        },
      ]);
      return { status: 'done' };
    },
  });
  return () => new JobKinds([ping('test.ping', false), ping('test.nudge', true)]);
}

describe.each(LANES)('scheduler (%s)', (lane) => {
  let h: Harness;
  const clock = new SettableClock(at('2026-12-07T08:00'));
  const runs = new Map<string, number>();
  const blocked = new Set<string>();
  const job = (key: string, runAt: Date, extra: Partial<Parameters<typeof scheduleJob>[1]> = {}) =>
    scheduleJob(h.db.prisma, {
      kind: 'test.ping',
      key,
      runAt,
      recipient: 'ou_l1',
      payload: { text: key },
      ...extra,
    });
  const row = (key: string) => h.db.prisma.job.findUniqueOrThrow({ where: { key } });
  const texts = () => h.emu!.messages.map((m) => (JSON.parse(m.content) as { text?: string }).text);
  const runDue = async () => {
    await h.bot.jobs.runDue();
    await untilIdle(h.db.prisma);
  };

  beforeAll(async () => {
    const users = ['ou_l1', 'ou_berlin', 'ou_cap', ADMIN].map((id) => ({
      open_id: id,
      user_id: id.slice(3),
      name: id,
    }));
    h = await startHarness({
      lane,
      clock,
      emulator: { users },
      jobKinds: testKinds(runs, blocked),
      env: { SCHEDULER_POLL_MS: '600000', ADMIN_OPEN_IDS: ADMIN },
    });
  });
  afterAll(() => h.stop());
  beforeEach(async () => {
    await runDue();
    h.emu!.reset();
    runs.clear();
  });

  it('waits for the window and spreads the opening; the 2026 National Day week is off', async () => {
    clock.set(at('2026-09-30T19:00'));
    await job('nd', at('2026-09-30T20:00'));
    clock.set(at('2026-10-01T10:00'));
    await runDue();
    const planned = localOf((await row('nd')).runAt);
    // 1–7 October are off: Thursday 8 October opens at 09:00, and the send lands within its first 30 minutes.
    expect(planned.toISODate()).toBe('2026-10-08');
    expect(planned.hour).toBe(9);
    expect(planned.minute).toBeGreaterThanOrEqual(1);
    expect(planned.minute).toBeLessThan(30);
    expect((await row('nd')).waiting).toBe('window');
    expect(texts()).toEqual([]);
    clock.set(at('2026-10-08T09:45'));
    await runDue();
    expect(texts()).toEqual(['nd']);
    expect((await row('nd')).status).toBe('done');
  });

  it('sends on the make-up working Saturday, 10 October 2026', async () => {
    clock.set(at('2026-10-10T10:15'));
    await job('sat', at('2026-10-10T10:10'));
    await runDue();
    expect(texts()).toEqual(['sat']);
  });

  it('a time on the half hour is the earliest moment, never the send time', async () => {
    clock.set(at('2026-10-12T09:00'));
    await job('half', at('2026-10-12T09:30'));
    clock.set(at('2026-10-12T09:30'));
    await runDue();
    const planned = localOf((await row('half')).runAt);
    expect(planned.hour).toBe(9);
    expect(planned.minute).toBeGreaterThan(30);
    expect(texts()).toEqual([]);
    clock.set(at('2026-10-12T10:00'));
    await runDue();
    expect(texts()).toEqual(['half']);
  });

  it("follows the recipient's own zone across Europe/Berlin's daylight saving change", async () => {
    await h.db.prisma.userPreference.create({ data: { openId: 'ou_berlin', timeZone: 'Europe/Berlin' } });
    // Sunday 25 October 2026: Berlin leaves summer time; Monday 26 opens at 09:00 CET = 08:00 UTC.
    clock.set(at('2026-10-25T01:30', 'UTC'));
    await job('berlin', at('2026-10-25T01:00', 'UTC'), { recipient: 'ou_berlin' });
    await runDue();
    const planned = DateTime.fromJSDate((await row('berlin')).runAt, { zone: 'UTC' });
    expect(planned.toISODate()).toBe('2026-10-26');
    expect(planned.hour).toBe(8);
    expect(planned.minute).toBeLessThan(30);
  });

  it('caps reminders per learner per day, the most urgent first; the rest wait for the next working day', async () => {
    clock.set(at('2026-10-13T10:10'));
    for (const [key, priority] of [
      ['cap-c', 3],
      ['cap-a', 1],
      ['cap-b', 2],
    ] as const) {
      await job(key, at('2026-10-13T10:05'), { kind: 'test.nudge', recipient: 'ou_cap', priority });
    }
    await runDue();
    expect(texts().sort()).toEqual(['cap-a', 'cap-b']);
    const waiting = await row('cap-c');
    expect(waiting.waiting).toBe('cap');
    expect(localOf(waiting.runAt).toISODate()).toBe('2026-10-14');
    clock.set(at('2026-10-14T11:00'));
    await runDue();
    expect(texts().sort()).toEqual(['cap-a', 'cap-b', 'cap-c']);
  });

  it('after downtime each overdue job fires once; a job past its day is skipped', async () => {
    clock.set(at('2026-10-15T08:00'));
    await job('late-1', at('2026-10-15T10:07'));
    await job('late-2', at('2026-10-16T10:07'));
    // A digest for Friday 16 October: it goes out that day or never.
    await job('digest', at('2026-10-16T09:30'), { notAfter: at('2026-10-16T18:00') });
    clock.set(at('2026-10-19T07:00')); // Monday, before the window
    await runDue();
    expect(texts()).toEqual([]);
    expect((await row('digest')).status).toBe('skipped');
    clock.set(at('2026-10-19T12:00'));
    await runDue();
    await runDue();
    expect(texts().sort()).toEqual(['late-1', 'late-2']);
    expect(runs.get('late-1')).toBe(1);
    expect(runs.get('late-2')).toBe(1);
  });

  it('a cancelled job does not run; a job whose reason is gone is skipped; a key fires at most once', async () => {
    clock.set(at('2026-10-20T10:10'));
    await job('gone', at('2026-10-20T10:07'));
    await job('cancel-me', at('2026-10-20T10:07'), { subject: 'record:1' });
    await h.db.prisma.$transaction((tx) => cancelJobs(tx, { subject: 'record:1' }, 'completed'));
    blocked.add('gone');
    await runDue();
    expect(texts()).toEqual([]);
    expect((await row('cancel-me')).status).toBe('cancelled');
    expect((await row('cancel-me')).reason).toBe('completed');
    expect(runs.has('cancel-me')).toBe(false);
    expect((await row('gone')).status).toBe('skipped');
    await job('once', at('2026-10-20T10:08'));
    await runDue();
    expect(await job('once', at('2026-10-20T10:09'))).toBe('kept');
    await runDue();
    expect(texts()).toEqual(['once']);
  });
  it('an admin declares a day off and sees why a job waits (holiday, schedule)', async () => {
    const command = async (text: string) => {
      const before = h.emu!.messages.length;
      const res = await say(h.bot.url, textMessage({ from: ADMIN, chatId: 'oc_admin', chatType: 'p2p', text }));
      expect(res.status).toBe(200);
      const [reply] = (await h.emu!.waitForMessages(before + 1)).slice(before);
      return reply!.content;
    };
    expect(await command('holiday add 2026-10-21')).toContain('2026-10-21');
    clock.set(at('2026-10-21T10:10')); // a Wednesday, now a day off
    await job('office-closed', at('2026-10-21T10:07'));
    await runDue();
    const planned = localOf((await row('office-closed')).runAt);
    expect(planned.toISODate()).toBe('2026-10-22');
    const listing = await command('schedule');
    expect(listing).toContain('office-closed');
    expect(listing).toContain('send window');
    expect(await command('holiday remove 2026-10-21')).toContain('no longer');
    expect(await h.db.prisma.calendarDay.count()).toBe(0);
  });
});

describe.each(LANES)('three job runners on one database (%s)', (lane) => {
  // Three pools on PostgreSQL; the embedded database is one session, so there fewer jobs show the same.
  const n = lane === 'postgres' ? 300 : 60;
  it(`run each of ${n} due jobs once`, async () => {
    const testDb = await createTestDatabase(lane);
    const first = await testDb.open();
    // On PostgreSQL each runner gets its own connection pool, as three bot instances would.
    const dbs = lane === 'postgres' ? [first, await testDb.open(), await testDb.open()] : [first, first, first];
    try {
      const clock = new SettableClock(at('2026-10-12T08:00'));
      const runs = new Map<string, number>();
      const kinds = new JobKinds([
        {
          kind: 'test.count',
          windowed: true,
          async run(tx, job) {
            runs.set(job.key, (runs.get(job.key) ?? 0) + 1);
            await tx.setting.create({ data: { key: `ran:${job.key}`, value: true } });
            return { status: 'done' };
          },
        },
      ]);
      for (let i = 0; i < n; i++) {
        await scheduleJob(first.prisma, { kind: 'test.count', key: `k${i}`, runAt: at('2026-10-12T09:00') });
      }
      clock.set(at('2026-10-12T10:00'));
      const log = createLogger('silent');
      const runners = dbs.map(
        (db) =>
          new JobRunner({
            db: db.prisma,
            clock,
            kinds,
            log,
            policy: DEFAULT_WINDOW,
            dailyCap: 2,
            pollMs: 20,
            batchSize: 7,
          }),
      );
      await Promise.all(runners.map((r) => r.runUntilIdle()));
      expect(runs.size).toBe(n);
      expect([...runs.values()].every((n) => n === 1)).toBe(true);
      expect(await first.prisma.job.count({ where: { status: 'done' } })).toBe(n);
      expect(await first.prisma.setting.count({ where: { key: { startsWith: 'ran:' } } })).toBe(n);
    } finally {
      for (const db of new Set(dbs)) await db.close();
      await testDb.dispose();
    }
  }, 120_000);
});
