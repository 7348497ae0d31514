import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** Forwards everything to `target`, counting the message sends that pass: it tells the two instances' sends apart. */
async function countingProxy(target: string): Promise<{ server: Server; url: string; sends: () => number }> {
  let sends = 0;
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url?.startsWith('/open-apis/im/v1/messages')) sends++;
    const up = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sends: () => sends };
}

/** What a crashed instance's claimed work may wait before another instance has sent it. */
const TAKEOVER_LIMIT_MS = 15_000;
const CARDS = 7;

describe.skipIf(!POSTGRES_URL)('an instance killed while it holds claimed notifications (postgres)', () => {
  let emu: FeishuEmulator;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  let testDb: TestDatabase;
  let instances: Instance[] = [];
  const env = (domain: string): Record<string, string> => ({
    DATABASE_URL: testDb.url!,
    FEISHU_APP_ID: emu.appId,
    FEISHU_APP_SECRET: emu.appSecret,
    FEISHU_DOMAIN: domain,
    WORKER_POLL_MS: '100',
  });

  beforeAll(async () => {
    emu = await FeishuEmulator.start({ users: [{ open_id: 'ou_tk', user_id: 'tk', name: 'Takeover' }] });
    proxy = await countingProxy(emu.url);
    testDb = await createTestDatabase('postgres');
    await (await testDb.open()).close();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(instances.map((i) => stopInstance(i)));
    proxy?.server.closeAllConnections();
    proxy?.server.close();
    await emu?.stop();
    await testDb?.dispose();
  });

  it(`another instance sends them within ${TAKEOVER_LIMIT_MS / 1000} s, and Feishu gets each uuid once`, async () => {
    // Two instances, both running; the second reaches Feishu through a proxy that counts its sends.
    const [first] = await spawnInstances(1, env(emu.url));
    const [second] = await spawnInstances(1, env(proxy.url));
    instances = [first!, second!];
    await Promise.all(instances.map((i) => waitHealthy(i)));

    // The first five sends reach Feishu but their answers are held back: when the holder dies, five requests are in
    // flight and two more cards to the same person wait for a slot (5/s per recipient). One claim takes all seven.
    emu.failNext({ delayMs: 120_000, times: 5 });
    const uuids = await queueCards(
      testDb.url!,
      'tk',
      Array.from({ length: CARDS }, () => 'ou_tk'),
    );
    await eventually(() => emu.messages.length === 5, 30_000, 'five sends in flight');
    expect(await outboxStatus(testDb.url!)).toEqual({ sending: CARDS });
    const [holder, survivor] = proxy.sends() > 0 ? [second!, first!] : [first!, second!];

    const killedAt = Date.now();
    await stopInstance(holder, 'SIGKILL');
    await eventually(
      async () => (await outboxStatus(testDb.url!)).sent === CARDS,
      120_000,
      'every card sent by the other',
    );
    const takeoverMs = Date.now() - killedAt;
    console.log(`takeover: all ${CARDS} cards held by the killed instance sent ${takeoverMs} ms after SIGKILL`);

    expect(survivor.child.exitCode).toBeNull();
    expect(emu.messages.map((m) => m.uuid).sort()).toEqual([...uuids].sort()); // each uuid once: nothing doubled
    expect(emu.sendStats()).toMatchObject({ rateLimited: 0, tooFrequent: 0 });
    expect(takeoverMs).toBeLessThanOrEqual(TAKEOVER_LIMIT_MS);
  }, 240_000);
});
