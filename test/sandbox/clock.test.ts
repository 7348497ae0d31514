/** The sandbox's clock: read it, move it (forwards and back), and see the jobs that came due handled at once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start.js';
import { DEMO_USERS } from '../../src/sandbox/demo.js';
import { scheduleJob } from '../../src/jobs/store.js';
import { JobKinds } from '../../src/jobs/types.js';
import { eventually } from '../helpers/harness.js';

describe('sandbox clock', () => {
  let sandbox: Sandbox;
  const learner = DEMO_USERS[0]!;
  const api = (path: string, body?: unknown) =>
    fetch(
      `${sandbox.consoleUrl}/api/${path}`,
      body === undefined
        ? {}
        : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
  const now = async () => ((await (await api('clock')).json()) as { now: string }).now;

  beforeAll(async () => {
    sandbox = await startSandbox({
      // Friday 9 October 2026, 17:00 in Shanghai.
      env: { PORT: '0', DATA_DIR: 'memory://', SANDBOX_CLOCK: '2026-10-09T17:00:00+08:00' },
      log: createLogger('silent'),
      jobKinds: () =>
        new JobKinds([
          {
            kind: 'test.hello',
            windowed: true,
            async run(_tx, job, ctx) {
              await ctx.enqueue([
                { key: 'hello', kind: 'reply', receiveIdType: 'open_id', receiveId: job.recipient!, text: 'hello' },
              ]);
              return { status: 'done' };
            },
          },
        ]),
    });
  }, 120_000);
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('starts at SANDBOX_CLOCK', async () => {
    expect(await now()).toMatch(/^2026-10-09T09:0/);
  });

  it('advancing runs what came due and answers once its messages are queued, stamped with the clock', async () => {
    await scheduleJob(sandbox.bot.database.prisma, {
      kind: 'test.hello',
      key: 'hello:1',
      // Saturday 10 October 2026 is a make-up working day.
      runAt: new Date('2026-10-10T02:00:00Z'),
      recipient: learner.open_id,
    });
    const res = await api('clock', { advance: 'P1D' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { now: string }).now).toMatch(/^2026-10-10T09:0/);
    const job = await sandbox.bot.database.prisma.job.findUniqueOrThrow({ where: { key: 'hello:1' } });
    expect(job.status).toBe('done');
    expect(await sandbox.bot.database.prisma.notification.count({ where: { receiveId: learner.open_id } })).toBe(1);
    const sent = await eventually(async () => {
      const messages = (await (await api('messages')).json()) as { receive_id: string; create_time: string }[];
      return messages.find((m) => m.receive_id === learner.open_id);
    });
    expect(new Date(Number(sent.create_time)).toISOString()).toMatch(/^2026-10-10T09:0/);
  });

  it('moves backwards to an instant', async () => {
    const res = await api('clock', { to: '2026-10-01T08:00:00+08:00' });
    expect(res.status).toBe(200);
    expect(await now()).toMatch(/^2026-10-01T00:00/);
  });

  it('answers a bad clock request with a clear 400', async () => {
    for (const body of [{}, { to: 'tomorrow' }, { advance: '1 day' }, { to: '2026-10-01T08:00Z', advance: 'P1D' }]) {
      const res = await api('clock', body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(/to|advance/);
    }
  });
});
