import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeishuEmulator } from '../../src/emulator/feishu/index.js';
import { POSTGRES_URL, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { eventually } from '../helpers/harness.js';
import {
  outboxStatus,
  queueCards,
  spawnInstances,
  stopInstance,
  waitHealthy,
  type Instance,
} from '../helpers/instances.js';

const DISTINCT = 135;
const TO_ONE = 15;

describe.skipIf(!POSTGRES_URL)("Feishu's send limits held by three instances together (postgres)", () => {
  let emu: FeishuEmulator;
  let testDb: TestDatabase;
  let instances: Instance[] = [];

  beforeAll(async () => {
    // Feishu's own limits, counted by the one emulator every instance sends to:
    // 50/s and 1000/min per app, 5/s per chat.
    emu = await FeishuEmulator.start({
      users: Array.from({ length: DISTINCT + 1 }, (_, i) => ({
        open_id: `ou_lim${i}`,
        user_id: `lim${i}`,
        name: `L${i}`,
      })),
    });
    testDb = await createTestDatabase('postgres');
    await (await testDb.open()).close(); // migrated once, before the instances start
    instances = await spawnInstances(3, {
      DATABASE_URL: testDb.url!,
      FEISHU_APP_ID: emu.appId,
      FEISHU_APP_SECRET: emu.appSecret,
      FEISHU_DOMAIN: emu.url,
      WORKER_POLL_MS: '100',
    });
    await Promise.all(instances.map((i) => waitHealthy(i)));
  }, 180_000);
  afterAll(async () => {
    await Promise.all(instances.map((i) => stopInstance(i)));
    await emu?.stop();
    await testDb?.dispose();
  });

  it('150 cards: no 429 and no 230020 from the emulator, at most 50 created per second, each uuid once', async () => {
    const recipients = [
      ...Array.from({ length: DISTINCT }, (_, i) => `ou_lim${i}`),
      ...Array.from({ length: TO_ONE }, () => `ou_lim${DISTINCT}`),
    ];
    const uuids = await queueCards(testDb.url!, 'lim', recipients);
    await eventually(async () => (await outboxStatus(testDb.url!)).sent === uuids.length, 90_000, 'every card sent');

    const stats = emu.sendStats();
    expect(stats.rateLimited).toBe(0);
    expect(stats.tooFrequent).toBe(0);
    expect(stats.maxCreatedInAnySecond).toBeLessThanOrEqual(50);
    expect(stats.maxToOneRecipientInAnySecond).toBeLessThanOrEqual(5);
    expect(emu.messages.map((m) => m.uuid).sort()).toEqual([...uuids].sort());
  }, 120_000);
});
