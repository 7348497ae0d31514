/**
 * The scheduler at scale: learning reminders and weekly team digests, on a settable business clock, through the
 * real planning code, job runner, outbox and SDK client to the Feishu emulator (50/s and 1,000/min per app).
 *
 *   1. planning: `learners` × `records` learning records (admin-assigned, stalled; some courses with a due date)
 *      inserted in bulk, then every course's reminders planned by the code that re-plans a course after its due
 *      date changes (keyset pages of records); time, jobs created, heap after each course (after a forced GC when
 *      node runs with --expose-gc), the highest heap while each course was planned, and peak RSS;
 *   2. sending: `sendLearners` stalled reminders due before a window opens; the clock is moved to the opening and
 *      past the spread that follows it; the rate they reach the emulator at, its per-second and per-minute maxima,
 *      429s and uuids sent more than once;
 *   3. `instances` bots in this process on one database (each its own connection pool, job runner and outbox
 *      dispatcher, all reading the same settable clock) run the same due jobs at once;
 *   4. digests: `managers` managers with small teams at one Monday opening, the same way; and the database queries
 *      one digest for a team of 50 takes.
 * Several instances are bots in one process, not separate processes: a separate process cannot share the clock.
 */
import { DateTime } from 'luxon';
import { SettableClock } from '../src/domain/clock.js';
import { startBot, type Bot } from '../src/bot.js';
import { REMINDER_JOB } from '../src/reminders/schedule.js';
import { DIGEST_JOB } from '../src/team/jobs.js';
import { buildDigest } from '../src/team/digest.js';
import type { SendStats } from '../src/emulator/feishu/send-stats.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { startHarness, type Harness } from '../test/helpers/harness.js';
import { untilIdle } from '../test/helpers/idle.js';
import { countingClient } from '../test/helpers/counting-client.js';
import { replanCourse } from '../test/helpers/replan.js';

export interface ScheduleOptions {
  learners: number;
  records: number;
  sendLearners: number;
  managers: number;
  teamSize: number;
  instances: number;
  /** 'postgres' when a PostgreSQL server is given (TEST_DATABASE_URL), else the embedded database. */
  lane: 'pglite' | 'postgres';
}

const SH = 'Asia/Shanghai';
const at = (local: string) => DateTime.fromISO(local, { zone: SH }).toJSDate();
const openId = (prefix: string, i: number) => `ou_${prefix}${i.toString(16).padStart(20, '0')}`;
const mb = (bytes: number) => bytes / 1024 / 1024;
const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const verdict = (ok: boolean) => (ok ? 'PASS' : 'NOT met');

/** Learning records in bulk: one per learner per course, admin-assigned, in progress, last progress long ago. */
async function insertRecords(db: PrismaClient, prefix: string, learners: number, courses: string[], since: Date) {
  const batch = 5000;
  const rows = learners * courses.length;
  for (let start = 0; start < rows; start += batch) {
    const data = [];
    for (let n = start; n < Math.min(rows, start + batch); n++) {
      data.push({
        source: 'feishu',
        externalUserId: openId(prefix, Math.floor(n / courses.length)),
        itemKey: courses[n % courses.length]!,
        itemType: 'course',
        state: 'in_progress',
        enrollSource: 'admin',
        enrolledAt: since,
      });
    }
    await db.learningRecord.createMany({ data });
  }
}

/** Runs every due job on every bot at once, until none is due or held on the clock (each bot's runUntilIdle). */
async function runAllDue(bots: Bot[]): Promise<number[]> {
  return Promise.all(bots.map((b) => b.jobs.runUntilIdle(3_600_000)));
}

interface SendFigures {
  queued: number;
  jobsDone: number;
  distinctKeys: number;
  jobsByStatus: Record<string, number>;
  seconds: number;
  emulatorSeconds: number;
  sent: number;
  stats: SendStats;
  duplicates: number;
  uuids: number;
}

/** What reached the emulator and what the job table says, for jobs of `kind`. */
async function sendFigures(h: Harness, kind: string, seconds: number, keyLike: string): Promise<SendFigures> {
  const db = h.db.prisma;
  const rows = await db.job.groupBy({ by: ['status'], where: { kind, key: { contains: keyLike } }, _count: true });
  const jobsByStatus = Object.fromEntries(rows.map((r) => [r.status, r._count]));
  const done = await db.job.findMany({
    where: { kind, status: 'done', key: { contains: keyLike } },
    select: { key: true },
  });
  const messages = h.emu!.messages;
  const perUuid = new Map<string, number>();
  for (const m of messages) perUuid.set(String(m.uuid), (perUuid.get(String(m.uuid)) ?? 0) + 1);
  const times = messages.map((m) => Number(m.create_time)).sort((a, b) => a - b);
  return {
    queued: await db.notification.count(),
    jobsDone: done.length,
    distinctKeys: new Set(done.map((j) => j.key)).size,
    jobsByStatus,
    seconds,
    emulatorSeconds: times.length > 1 ? (times[times.length - 1]! - times[0]!) / 1000 : 0,
    sent: messages.length,
    stats: h.emu!.sendStats(),
    duplicates: [...perUuid.values()].filter((n) => n > 1).length,
    uuids: perUuid.size,
  };
}

/** Starts `n - 1` more bots on the harness's database (each its own connection pool), on the same clock. */
async function moreBots(h: Harness, n: number, clock: SettableClock): Promise<Bot[]> {
  const bots: Bot[] = [];
  for (let i = 1; i < n; i++)
    bots.push(await startBot({ config: h.config, log: h.log, database: await h.testDb.open(), clock }));
  return bots;
}

/** Moves the clock to the opening, then past the spread after it; returns seconds and jobs claimed per bot. */
async function drain(bots: Bot[], h: Harness, clock: SettableClock, opening: Date, after: Date) {
  const t0 = performance.now();
  clock.set(opening);
  // At the opening a job found overdue runs at once; one due exactly then is spread over the next 30 minutes.
  const first = await runAllDue(bots);
  clock.set(after);
  const second = await runAllDue(bots);
  // Until every queued notification is settled: one refused for a limit waits for its retry, so "idle now" is not
  // enough.
  await untilIdle(h.db.prisma, 3_600_000);
  for (const deadline = performance.now() + 600_000; performance.now() < deadline;) {
    const open = await h.db.prisma.notification.count({ where: { status: { in: ['pending', 'sending'] } } });
    if (open === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return { seconds: (performance.now() - t0) / 1000, claimed: first.map((n, i) => n + second[i]!) };
}

export async function runSchedule(o: ScheduleOptions, progress: (msg: string) => void): Promise<string[]> {
  const out: string[] = [''];
  const env = { LOG_LEVEL: 'warn', SCHEDULER_POLL_MS: '600000', DEFAULT_TIME_ZONE: SH };
  out.push(
    `schedule (learners ${o.learners} × records ${o.records}; send-learners ${o.sendLearners}; managers ` +
      `${o.managers} with teams of ${o.teamSize}; instances ${o.instances}; database ${o.lane}; emulator 50/s and ` +
      '1000/min per app, 5/s per recipient; send window 09:00-18:00 Asia/Shanghai; business time a settable clock)',
  );

  // 1. Planning.
  {
    const clock = new SettableClock(at('2026-12-15T08:00'));
    const h = await startHarness({ lane: o.lane, emulator: false, background: false, clock, env });
    try {
      const db = h.db.prisma;
      const courses = Array.from({ length: o.records }, (_, k) => `c-plan-${k}`);
      // Two of every five courses have a due date (the 22nd: reminders 7, 3 and 1 days before it, and after).
      await db.course.createMany({
        data: courses.map((c, k) => ({ courseId: c, name: `Course ${k}`, dueOn: k % 5 < 2 ? '2026-12-22' : null })),
      });
      progress(`schedule: inserting ${o.learners * o.records} learning records ...`);
      const i0 = performance.now();
      await insertRecords(db, 'plan', o.learners, courses, at('2026-10-01T10:00'));
      const insertSeconds = (performance.now() - i0) / 1000;
      progress(`schedule: planning reminders of ${courses.length} courses ...`);
      // With --expose-gc (NODE_OPTIONS=--expose-gc) a full collection before each reading: what is still held, not
      // garbage waiting for a collection. Without it, the readings include that garbage.
      const gc = (globalThis as { gc?: () => void }).gc;
      const heapNow = () => {
        gc?.();
        return process.memoryUsage().heapUsed;
      };
      // The highest heap seen while a course is planned (garbage included), sampled every 50 ms.
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 50);
      const heap0 = heapNow();
      const heaps: number[] = [];
      const peaks: number[] = [];
      const t0 = performance.now();
      let records = 0;
      try {
        for (const c of courses) {
          peak = process.memoryUsage().heapUsed;
          records += await replanCourse(db, h.config, c, clock.now());
          peaks.push(Math.max(peak, process.memoryUsage().heapUsed));
          heaps.push(heapNow());
        }
      } finally {
        clearInterval(sampler);
      }
      const seconds = (performance.now() - t0) / 1000;
      const jobs = await db.job.count({ where: { kind: REMINDER_JOB } });
      const mbs = (xs: number[]) => xs.map((x) => f(mb(x))).join(' / ');
      out.push(
        `1. planning: ${records} records (${o.learners} learners × ${o.records} courses, ` +
          `${courses.filter((_, k) => k % 5 < 2).length} with a due date) inserted in ${f(insertSeconds)} s; ` +
          `planned in ${f(seconds)} s (${f(records / seconds, 0)} records/s), as a due-date change's jobs do: ` +
          `one transaction per keyset page of 200 (${o.learners} records per course); ` +
          `${jobs} reminder jobs created; database ${o.lane}`,
        `   heap used (${gc ? 'after a forced full GC' : 'no forced GC: NODE_OPTIONS=--expose-gc for that'}): ` +
          `before ${f(mb(heap0))} MB; after each course ${mbs(heaps)} MB; highest while a course was planned ` +
          `(garbage included, sampled every 50 ms) ${mbs(peaks)} MB; peak RSS of this process ` +
          `${f(process.resourceUsage().maxRSS / 1024)} MB` +
          (o.lane === 'pglite' ? ' (includes the embedded database, which runs in this process)' : '') +
          `; log lines held: ${h.logs.raw.length}`,
      );
    } finally {
      await h.stop();
    }
  }

  // 2 and 3. Sending at a window's opening, on one or several bots.
  {
    const clock = new SettableClock(at('2026-12-15T07:00'));
    const users = Array.from({ length: o.sendLearners }, (_, i) => ({
      open_id: openId('send', i),
      user_id: `send${i}`,
      name: `Send ${i}`,
    }));
    const h = await startHarness({ lane: o.lane, emulator: { users }, clock, env });
    const extra = await moreBots(h, o.instances, clock);
    try {
      const db = h.db.prisma;
      await db.course.create({ data: { courseId: 'c-send', name: 'Stalled course' } });
      await insertRecords(db, 'send', o.sendLearners, ['c-send'], at('2026-10-01T10:00'));
      await replanCourse(db, h.config, 'c-send', clock.now());
      progress(
        `schedule: sending ${o.sendLearners} reminders from the 09:00 opening on ${o.instances} bot(s) ` +
          `(about ${Math.ceil(o.sendLearners / 50)} s at 50/s, more past 1,000 in a minute) ...`,
      );
      const { seconds, claimed } = await drain(
        [h.bot, ...extra],
        h,
        clock,
        at('2026-12-15T09:00'),
        at('2026-12-15T09:31'),
      );
      const s = { ...(await sendFigures(h, REMINDER_JOB, seconds, ':stalled:')), claimed };
      out.push(...printSend('2. reminders at the window opening', o.instances, o.sendLearners, s));
    } finally {
      await Promise.all(extra.map((b) => b.stop()));
      await h.stop();
    }
  }

  // 4. Digests at one Monday opening, and the queries of one digest for a team of 50.
  {
    // A Saturday: the bots' runners plan this week at start (no one yet); next week's plan is due on Sunday.
    const clock = new SettableClock(at('2026-12-12T12:00'));
    const managers = Array.from({ length: o.managers }, (_, i) => openId('mgr', i));
    const users = managers.map((m, i) => ({ open_id: m, user_id: `mgr${i}`, name: `Manager ${i}` }));
    const h = await startHarness({ lane: o.lane, emulator: { users }, clock, env });
    const extra = await moreBots(h, o.instances, clock);
    try {
      const db = h.db.prisma;
      const reports = o.managers * o.teamSize;
      await db.feishuUser.createMany({
        data: [
          ...managers.map((m, i) => ({ openId: m, name: `Manager ${i}` })),
          ...Array.from({ length: reports }, (_, i) => ({
            openId: openId('rep', i),
            name: `Report ${i}`,
            leaderOpenId: managers[Math.floor(i / o.teamSize)]!,
          })),
        ],
      });
      await db.course.create({ data: { courseId: 'c-team', name: 'Team course' } });
      await insertRecords(db, 'rep', reports, ['c-team'], at('2026-10-01T10:00'));
      // The week's plan runs on Sunday and plans each manager's digest for Monday 09:30.
      clock.set(at('2026-12-13T12:00'));
      await runAllDue([h.bot, ...extra]);
      progress(`schedule: sending ${o.managers} digests from Monday's 09:30 on ${o.instances} bot(s) ...`);
      const { seconds, claimed } = await drain(
        [h.bot, ...extra],
        h,
        clock,
        at('2026-12-14T09:30'),
        at('2026-12-14T10:01'),
      );
      const s = { ...(await sendFigures(h, DIGEST_JOB, seconds, '2026-W51')), claimed };
      out.push(...printSend('4. team digests at the Monday opening', o.instances, o.managers, s));

      const boss = 'ou_bench_team50';
      await db.feishuUser.create({ data: { openId: boss, name: 'Boss of 50' } });
      await db.feishuUser.createMany({
        data: Array.from({ length: 50 }, (_, i) => ({ openId: openId('t50', i), name: `T ${i}`, leaderOpenId: boss })),
      });
      await insertRecords(db, 't50', 50, ['c-team'], at('2026-10-01T10:00'));
      const counting = countingClient(db);
      const model = await buildDigest(counting.client, boss, {
        now: clock.now(),
        zone: SH,
        stalledDays: 7,
        maxPeople: 10,
      });
      out.push(
        `   one digest for a team of ${model.reports} (each with a stalled course): ${counting.count()} database ` +
          'queries (Prisma model calls counted, as in the integration test)',
      );
    } finally {
      await Promise.all(extra.map((b) => b.stop()));
      await h.stop();
    }
  }
  return out;
}

function printSend(
  title: string,
  instances: number,
  expected: number,
  s: SendFigures & { claimed: number[] },
): string[] {
  const rate = s.emulatorSeconds > 0 ? (s.sent - 1) / s.emulatorSeconds : NaN;
  const each =
    s.jobsDone === expected &&
    s.distinctKeys === s.jobsDone &&
    s.queued === expected &&
    s.duplicates === 0 &&
    s.sent === expected;
  const no429 = s.stats.rateLimited === 0;
  return [
    `${title} (${instances} bot(s) on one database): ${s.jobsDone} jobs done for ${s.distinctKeys} distinct keys ` +
      `(jobs by status ${JSON.stringify(s.jobsByStatus)}); ${s.queued} notifications queued, ${s.sent} messages ` +
      `at the emulator for ${s.uuids} uuids, uuids sent more than once: ${s.duplicates}`,
    `   ${f(s.seconds)} s from the clock reaching the opening to the outbox idle; at the emulator first to last ` +
      `message ${f(s.emulatorSeconds)} s = ${f(rate)}/s; most in any 1 s ${s.stats.maxCreatedInAnySecond}, ` +
      `in any 60 s ${s.stats.maxCreatedInAnyMinute}; ${s.stats.attempts} send attempts, ` +
      `429/99991400: ${s.stats.rateLimited}, 230020: ${s.stats.tooFrequent}`,
    `   jobs claimed by each bot's runUntilIdle (its background runner, woken by the clock, claims too): ` +
      `${s.claimed.join(' / ')}`,
    `   each once (${expected} expected): ${verdict(each)}; 0 × 429: ${verdict(no429)}`,
  ];
}
