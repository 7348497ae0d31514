import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type Bot } from '../../src/bot.js';
import { POSTGRES_URL } from '../helpers/databases.js';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { outboxStatus, queueCards } from '../helpers/instances.js';

/**
 * Bots started on a database opened for them (as an embedding program or a second bot in one process does, with no
 * DATABASE_URL in their settings) share Feishu's per-app send limits through that database like instances started
 * from the command line: three bots that each held the limits on their own would send three times the app's
 * allowance. Limits smaller than Feishu's (10/s and 30/min, the same for the bots and the emulator) keep the test
 * short while it still sends more than a minute's allowance: the last cards must wait for the minute to pass.
 * Rate limits are real time; business time plays no part here.
 */
const PER_SECOND = 10;
const PER_MINUTE = 30;
const CARDS = 45;

describe.skipIf(!POSTGRES_URL)('send limits shared by bots given an opened database (postgres)', () => {
  let h: Harness;
  const extra: Bot[] = [];

  beforeAll(async () => {
    h = await startHarness({
      lane: 'postgres',
      emulator: {
        appRatePerSecond: PER_SECOND,
        appRatePerMinute: PER_MINUTE,
        users: Array.from({ length: CARDS }, (_, i) => ({
          open_id: `ou_share${i}`,
          user_id: `share${i}`,
          name: `S${i}`,
        })),
      },
      env: {
        FEISHU_SEND_RATE_PER_SECOND: String(PER_SECOND),
        FEISHU_SEND_RATE_PER_MINUTE: String(PER_MINUTE),
        LOG_LEVEL: 'warn',
      },
    });
    for (let i = 0; i < 2; i++)
      extra.push(await startBot({ config: h.config, log: h.log, database: await h.testDb.open() }));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(extra.map((b) => b.stop()));
    await h?.stop();
  });

  it('three bots send one and a half minutes of allowance: no 429, within both windows, each card once', async () => {
    const uuids = await queueCards(
      h.testDb.url!,
      'share',
      Array.from({ length: CARDS }, (_, i) => `ou_share${i}`),
    );
    await eventually(async () => (await outboxStatus(h.testDb.url!)).sent === CARDS, 150_000, 'every card sent');

    const stats = h.emu!.sendStats();
    expect(stats.rateLimited).toBe(0);
    expect(stats.maxCreatedInAnySecond).toBeLessThanOrEqual(PER_SECOND);
    expect(stats.maxCreatedInAnyMinute).toBe(PER_MINUTE);
    expect(stats.attempts).toBe(CARDS);
    expect(h.emu!.messages.map((m) => m.uuid).sort()).toEqual([...uuids].sort());
  }, 180_000);
});
