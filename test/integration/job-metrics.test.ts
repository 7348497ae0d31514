/**
 * The scheduler's metrics through GET /metrics, on a fake clock: jobs due (the queue depth counts only jobs whose
 * time has come, not future ones), done, moved to the next send window, held over the daily cap, and cancelled per
 * reason (read from the database, so every instance's cancellations count).
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettableClock } from '../../src/domain/clock.js';
import { DAILY_CAP_SETTING } from '../../src/jobs/runner.js';
import { cancelJobs, scheduleJob } from '../../src/jobs/store.js';
import { JobKinds, type JobKind } from '../../src/jobs/types.js';
import { LANES } from '../helpers/databases.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { sample, scrape } from '../helpers/metrics.js';

const TOKEN = 'job-metrics-token-0123456789';
const SH = 'Asia/Shanghai';
const at = (local: string) => DateTime.fromISO(local, { zone: SH }).toJSDate();

const ping = (kind: string, capped: boolean): JobKind<{ text: string }> => ({
  kind,
  windowed: true,
  ...(capped ? { capped: 'learner-daily' as const } : {}),
  async run(_tx, job, ctx) {
    await ctx.enqueue([
      { key: 'msg', kind: 'reply', role: 'user', receiveIdType: 'open_id', receiveId: job.recipient!, text: 'hi' },
    ]);
    return { status: 'done' };
  },
});

describe.each(LANES)('scheduler metrics (%s)', (lane) => {
  let h: Harness;
  const clock = new SettableClock(at('2026-12-07T08:00')); // a Monday, before the window opens
  const metrics = () => scrape(h.bot.url, TOKEN);
  const job = (key: string, runAt: Date, kind = 'm.ping', recipient = 'ou_m1') =>
    scheduleJob(h.db.prisma, { kind, key, runAt, recipient, payload: { text: key } });

  beforeAll(async () => {
    h = await startHarness({
      lane,
      clock,
      background: false,
      emulator: { users: [{ open_id: 'ou_m1', user_id: 'm1', name: 'M1' }] },
      jobKinds: () => new JobKinds([ping('m.ping', false), ping('m.capped', true)] as JobKind<never>[]),
      env: { METRICS_TOKEN: TOKEN },
    });
  });
  afterAll(() => h?.stop());

  it('counts due, done, waiting for a window, over the cap and cancelled by reason', async () => {
    await job('m:due', at('2026-12-07T07:30'));
    await job('m:future', at('2026-12-08T10:00'));
    for (const key of ['m:c1', 'm:c2', 'm:c3']) await job(key, at('2026-12-07T07:00'));
    await h.db.prisma.$transaction(async (tx) => {
      await cancelJobs(tx, { keys: ['m:c1', 'm:c2'] }, 'completed');
      await cancelJobs(tx, { keys: ['m:c3'] }, 'stopped by the learner');
    });

    let text = await metrics();
    // One job is due; the one planned for tomorrow is not work yet.
    expect(sample(text, 'bot_queue_depth', { queue: 'jobs', status: 'pending' })).toBe(1);
    expect(sample(text, 'bot_queue_oldest_due_seconds', { queue: 'jobs' })).toBe(30 * 60);
    expect(sample(text, 'bot_jobs_cancelled', { reason: 'completed' })).toBe(2);
    expect(sample(text, 'bot_jobs_cancelled', { reason: 'stopped by the learner' })).toBe(1);

    await h.bot.jobs.runDue(); // the window is closed: the due job moves to 09:00–09:30
    text = await metrics();
    expect(sample(text, 'bot_jobs_total', { kind: 'm.ping', outcome: 'waiting_window' })).toBe(1);
    expect(sample(text, 'bot_queue_depth', { queue: 'jobs', status: 'pending' })).toBe(0);

    clock.set(at('2026-12-07T10:00'));
    await h.db.prisma.setting.create({ data: { key: DAILY_CAP_SETTING, value: 1 } });
    await job('m:cap1', at('2026-12-07T09:40'), 'm.capped');
    await job('m:cap2', at('2026-12-07T09:50'), 'm.capped');
    expect(sample(await metrics(), 'bot_queue_depth', { queue: 'jobs', status: 'pending' })).toBe(3);
    await h.bot.jobs.runDue();
    text = await metrics();
    expect(sample(text, 'bot_jobs_total', { kind: 'm.ping', outcome: 'done' })).toBe(1);
    expect(sample(text, 'bot_jobs_total', { kind: 'm.capped', outcome: 'done' })).toBe(1);
    expect(sample(text, 'bot_jobs_total', { kind: 'm.capped', outcome: 'waiting_cap' })).toBe(1);
    expect(sample(text, 'bot_queue_depth', { queue: 'jobs', status: 'pending' })).toBe(0);
    // Cancelling the one held over the cap counts under its reason.
    await h.db.prisma.$transaction((tx) => cancelJobs(tx, { keys: ['m:cap2'] }, 'completed'));
    expect(sample(await metrics(), 'bot_jobs_cancelled', { reason: 'completed' })).toBe(3);
  });
});
