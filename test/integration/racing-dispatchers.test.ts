import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createFeishuClient } from '../../src/feishu/client.js';
import { FeishuMessageSender } from '../../src/feishu/sender.js';
import { OutboxDispatcher } from '../../src/outbox/dispatcher.js';
import { SendRateLimiter } from '../../src/outbox/rate-limiter.js';
import type { Database } from '../../src/db/index.js';
import { FeishuEmulator } from '../../src/emulator/feishu/index.js';
import { LANES, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testConfig } from '../helpers/harness.js';
import { untilIdle } from '../helpers/idle.js';

const N = 300;

describe.each(LANES)('two dispatchers on one database (%s)', (lane) => {
  let emu: FeishuEmulator;
  let testDb: TestDatabase;
  let dbs: Database[];

  beforeAll(async () => {
    emu = await FeishuEmulator.start({
      appRatePerSecond: 1000,
      appRatePerMinute: null,
      users: Array.from({ length: N }, (_, i) => ({ open_id: `ou_r${i}`, user_id: `r${i}`, name: `R${i}` })),
    });
    testDb = await createTestDatabase(lane);
    const first = await testDb.open();
    // On PostgreSQL each dispatcher gets its own connection pool, as two bot instances would.
    dbs = lane === 'postgres' ? [first, await testDb.open()] : [first, first];
  });
  afterAll(async () => {
    for (const db of new Set(dbs)) await db.close();
    await testDb.dispose();
    await emu.stop();
  });

  it('sends each notification exactly once', async () => {
    await dbs[0]!.prisma.notification.createMany({
      data: Array.from({ length: N }, (_, i) => ({
        dedupeKey: `race:${i}`,
        kind: 'test',
        receiveIdType: 'open_id',
        receiveId: `ou_r${i}`,
        content: JSON.stringify({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: `n${i}` }] } }),
        uuid: `race-${i}`,
      })),
    });
    const config = testConfig({ FEISHU_APP_ID: emu.appId, FEISHU_APP_SECRET: emu.appSecret, FEISHU_DOMAIN: emu.url });
    const log = createLogger('silent');
    const sentBy = [0, 0];
    const dispatchers = dbs.map((db, i) => {
      const sender = new FeishuMessageSender(createFeishuClient(config, log)!);
      return new OutboxDispatcher({
        db: db.prisma,
        sender: { send: (m) => (sentBy[i]!++, sender.send(m)) },
        limiter: new SendRateLimiter({ perSecond: 500, perMinute: 0, perRecipientPerSecond: 5 }),
        log,
        maxAttempts: 5,
        pollMs: 20,
        maxInFlight: 25,
      });
    });
    dispatchers.forEach((d) => d.start());
    await emu.waitForMessages(N, 30_000);
    await untilIdle(dbs[0]!.prisma);
    await Promise.all(dispatchers.map((d) => d.stop()));

    const sends = emu.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/open-apis/im/v1/messages'));
    expect(sends).toHaveLength(N); // no notification was even attempted twice
    expect(emu.messages).toHaveLength(N);
    expect(new Set(emu.messages.map((m) => m.receive_id)).size).toBe(N);
    const rows = await dbs[0]!.prisma.notification.findMany({
      select: { status: true, attempts: true, lockedBy: true },
    });
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    // Both dispatchers took part, and between them sent each row once.
    expect(sentBy[0]).toBeGreaterThan(0);
    expect(sentBy[1]).toBeGreaterThan(0);
    expect(sentBy[0]! + sentBy[1]!).toBe(N);
  });
});
