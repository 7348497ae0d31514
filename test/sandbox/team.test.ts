/** The sandbox's demo managers get their weekly digest once the clock passes Monday 09:30. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start.js';
import { eventually } from '../helpers/harness.js';

describe('sandbox team digest', () => {
  let sandbox: Sandbox;
  const api = (path: string, body: unknown) =>
    fetch(`${sandbox.consoleUrl}/api/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const digestsTo = (openId: string) =>
    sandbox.feishu.messagesTo(openId).filter((m) => JSON.stringify(m.card).includes('Weekly team digest'));

  beforeAll(async () => {
    sandbox = await startSandbox({
      // Wednesday 9 December 2026, 10:00 in Shanghai.
      env: { PORT: '0', DATA_DIR: 'memory://', SANDBOX_CLOCK: '2026-12-09T10:00:00+08:00' },
      log: createLogger('silent'),
    });
  }, 120_000);
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('王芳 and 赵敏 get a digest after Monday 09:30, once', async () => {
    const db = sandbox.bot.database.prisma;
    // Assigned learning with no progress since November: stalled by Monday.
    for (const learner of ['ou_demo_lilei', 'ou_demo_zhangwei'])
      await db.learningRecord.create({
        data: {
          source: 'feishu',
          externalUserId: learner,
          itemKey: 'demo-stalled',
          itemName: 'Demo course',
          itemType: 'course',
          state: 'enrolled',
          enrollSource: 'admin',
          enrolledAt: new Date('2026-11-20T02:00:00Z'),
          createdAt: new Date('2026-11-20T02:00:00Z'),
        },
      });
    expect((await api('clock', { to: '2026-12-14T09:30:00+08:00' })).status).toBe(200);
    expect(digestsTo('ou_demo_wangfang')).toHaveLength(0); // 09:30 is the earliest moment, spread after it
    expect((await api('clock', { to: '2026-12-14T10:00:00+08:00' })).status).toBe(200);
    for (const manager of ['ou_demo_wangfang', 'ou_demo_zhaomin']) {
      const [digest] = await eventually(() => (digestsTo(manager).length ? digestsTo(manager) : null));
      expect(JSON.stringify(digest!.card)).toContain('"action":"nudge"');
    }
    expect((await api('clock', { advance: 'PT2H' })).status).toBe(200);
    expect(digestsTo('ou_demo_wangfang')).toHaveLength(1);
    expect(digestsTo('ou_demo_zhaomin')).toHaveLength(1);
  }, 120_000);
});
