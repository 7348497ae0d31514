import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../fixtures/index.js';
import { postEvent } from '../helpers/feishu-events.js';
import { ENCRYPT_KEY, VERIFICATION_TOKEN, eventually, startHarness, type Harness } from '../helpers/harness.js';
import { LANES } from '../helpers/databases.js';
import { postAlm } from '../helpers/sources.js';
import { sample, scrape } from '../helpers/metrics.js';

const TOKEN = 'metrics-token-0123456789';
type V1Seed = { uuid: string; event: Record<string, unknown> };
const seed = () => ({ ...loadFixture<V1Seed>('feishu/p2p_chat_create.v1.json'), token: VERIFICATION_TOKEN });

describe.each(LANES)('GET /metrics and /readyz (%s)', (lane) => {
  let h: Harness;
  const metrics = () => scrape(h.bot.url, TOKEN);

  beforeAll(async () => {
    // No background work: what is received stays in the inbox, so the depth gauges can be checked exactly.
    h = await startHarness({ lane, background: false, env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(() => h?.stop());

  it('needs the bearer token when METRICS_TOKEN is set', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: TOKEN }]) {
      const res = await fetch(`${h.bot.url}/metrics`, { headers: headers as Record<string, string> });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.json()).toMatchObject({ error: 'bad_token' });
    }
    const res = await fetch(`${h.bot.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'bot_database_up')).toBe(1);
    expect(text).not.toContain(TOKEN);
  });

  it('counts a signed seed event as stored, its resend as a duplicate, a bad signature as refused', async () => {
    const before = await metrics();
    const at = (text: string, name: string, labels: Record<string, string>) => sample(text, name, labels) ?? 0;
    const body = seed();
    expect((await postEvent(h.eventUrl, body, { encryptKey: ENCRYPT_KEY })).status).toBe(200);
    expect((await postEvent(h.eventUrl, body, { encryptKey: ENCRYPT_KEY })).status).toBe(200);
    expect((await postEvent(h.eventUrl, seed(), { encryptKey: 'another-key' })).status).toBe(401);
    expect((await postAlm(h.bot.url, { events: [] })).status).toBe(401);
    const after = await metrics();
    const delta = (name: string, labels: Record<string, string>) => at(after, name, labels) - at(before, name, labels);
    expect(delta('bot_events_received_total', { source: 'feishu' })).toBe(2);
    expect(delta('bot_events_stored_total', { source: 'feishu' })).toBe(1);
    expect(delta('bot_events_duplicate_total', { source: 'feishu' })).toBe(1);
    expect(delta('bot_requests_refused_total', { source: 'feishu', reason: 'bad_signature' })).toBe(1);
    expect(delta('bot_requests_refused_total', { source: 'alm', reason: 'not_configured' })).toBe(1);
  });

  it('reports the inbox and outbox depth per status and the age of the oldest due item', async () => {
    const db = h.db.prisma;
    const pendingEvents = await db.inboundEvent.count({ where: { status: 'pending' } });
    expect(pendingEvents).toBeGreaterThan(0);
    const minuteAgo = new Date(Date.now() - 60_000);
    const row = (key: string, status: string) => ({
      dedupeKey: `metrics-test:${key}`,
      kind: 'reply',
      receiveIdType: 'chat_id',
      receiveId: 'oc_metrics',
      content: '{}',
      uuid: key.padEnd(8, 'x'),
      status,
      availableAt: minuteAgo,
    });
    await db.notification.createMany({
      data: [row('p1', 'pending'), row('f1', 'failed'), row('f2', 'failed'), row('w1', 'waiting')],
    });
    const text = await metrics();
    expect(sample(text, 'bot_queue_depth', { queue: 'inbox', status: 'pending' })).toBe(pendingEvents);
    expect(sample(text, 'bot_queue_depth', { queue: 'inbox', status: 'failed' })).toBe(0);
    expect(sample(text, 'bot_queue_depth', { queue: 'outbox', status: 'pending' })).toBe(1);
    expect(sample(text, 'bot_queue_depth', { queue: 'outbox', status: 'failed' })).toBe(2);
    expect(sample(text, 'bot_queue_depth', { queue: 'outbox', status: 'waiting' })).toBe(1);
    expect(sample(text, 'bot_queue_oldest_due_seconds', { queue: 'outbox' })).toBeGreaterThanOrEqual(59);
    expect(sample(text, 'bot_queue_oldest_due_seconds', { queue: 'inbox' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'bot_api_budget_left', { api: 'alm' })).toBeUndefined();
    expect(sample(text, 'bot_long_connection_state', { state: 'connected' })).toBeUndefined();
  });

  it('/readyz is 200 while the bot runs and 503 "stopping" once it stops; /healthz stays separate', async () => {
    const ready = await fetch(`${h.bot.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    expect((await fetch(`${h.bot.url}/healthz`)).status).toBe(200);

    // A migration the code has but the database lacks: not ready (while alive).
    const db = h.db.prisma;
    const [last] = await db.$queryRaw<{ name: string }[]>`SELECT max(migration_name) AS name FROM _prisma_migrations`;
    await db.$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = ${last!.name}`;
    const unready = await fetch(`${h.bot.url}/readyz`);
    expect(unready.status).toBe(503);
    expect(await unready.json()).toMatchObject({
      status: 'not_ready',
      error: 'migrations',
      message: expect.stringContaining(last!.name),
    });
    expect((await fetch(`${h.bot.url}/healthz`)).status).toBe(200);
    await db.$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = NULL WHERE migration_name = ${last!.name}`;
    expect((await fetch(`${h.bot.url}/readyz`)).status).toBe(200);

    // A request whose headers are still arriving when the shutdown begins is answered by the stopping bot.
    const socket = connect(h.bot.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.write('GET /readyz HTTP/1.1\r\nHost: bot\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = h.bot.stop();
    socket.write('Connection: close\r\n\r\n');
    await eventually(() => answer.includes('}'), 5000, 'the /readyz answer');
    socket.destroy();
    await stopped;
    expect(answer).toMatch(/^HTTP\/1\.1 503/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
      status: 'not_ready',
      error: 'stopping',
    });
  });
});

describe.each(LANES)('send metrics (%s)', (lane) => {
  let h: Harness;
  const ALM_ENV = { ALM_CLIENT_ID: 'c', ALM_CLIENT_SECRET: 's', ALM_REFRESH_TOKEN: 'r', ALM_API_MAX_PER_HOUR: '40' };

  beforeAll(async () => {
    h = await startHarness({
      lane,
      env: ALM_ENV,
      emulator: {
        users: [
          { open_id: 'ou_7dede290d6a27698b969a7fd70ca53da', user_id: 'gfa21d92', name: 'Zhang' },
          { open_id: 'ou_out', user_id: 'out', name: 'Out', inAppScope: false },
        ],
      },
    });
  });
  afterAll(() => h?.stop());

  it('counts a rate-limited send as retried with its Feishu code, then sent, and times both calls', async () => {
    h.emu!.failNext({ status: 429 });
    expect((await postEvent(h.eventUrl, seed(), { encryptKey: ENCRYPT_KEY })).status).toBe(200);
    await h.emu!.waitForMessages(1);
    const text = await eventually(async () => {
      const t = await scrape(h.bot.url);
      return sample(t, 'bot_sends_total', { operation: 'send', result: 'sent' }) === 1 ? t : undefined;
    });
    expect(sample(text, 'bot_sends_total', { operation: 'send', result: 'retried', code: '99991400' })).toBe(1);
    expect(sample(text, 'bot_rate_limited_total', { by: 'feishu' })).toBe(1);
    expect(sample(text, 'bot_send_duration_seconds_count', { operation: 'send' })).toBe(2);
    expect(sample(text, 'bot_notifications_failed_total')).toBe(0);
    expect(sample(text, 'bot_api_budget_left', { api: 'alm' })).toBe(40);
  });

  it('counts a permanent error as failed, and the notification as failed for good', async () => {
    const body = { ...seed(), uuid: 'metrics-out-of-scope', event: { ...seed().event, user: { open_id: 'ou_out' } } };
    expect((await postEvent(h.eventUrl, body, { encryptKey: ENCRYPT_KEY })).status).toBe(200);
    // A scrape reads the depths before it renders the counters: the failure may commit in between, so the
    // scrape to check is one that saw both.
    const text = await eventually(async () => {
      const t = await scrape(h.bot.url);
      const failed = sample(t, 'bot_queue_depth', { queue: 'outbox', status: 'failed' });
      return sample(t, 'bot_notifications_failed_total') === 1 && failed === 1 ? t : undefined;
    });
    expect(sample(text, 'bot_sends_total', { operation: 'send', result: 'failed', code: '230013' })).toBe(1);
    expect(sample(text, 'bot_queue_depth', { queue: 'outbox', status: 'failed' })).toBe(1);
  });
});

describe('long connection metrics', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { FEISHU_LONG_CONNECTION: 'on' }, background: false });
    await h.emu!.longConnection.waitForConnections(1);
  });
  afterAll(() => h?.stop());

  it("shows the connection's state and counts the events pushed over it", async () => {
    const text = await eventually(async () => {
      const t = await scrape(h.bot.url);
      return sample(t, 'bot_long_connection_state', { state: 'connected' }) === 1 ? t : undefined;
    });
    expect(sample(text, 'bot_long_connection_state', { state: 'reconnecting' })).toBe(0);
    const body = seed();
    expect(await h.emu!.pushEvent(body)).toMatchObject({ code: 200 });
    expect(await h.emu!.pushEvent(body)).toMatchObject({ code: 200 });
    const after = await scrape(h.bot.url);
    expect(sample(after, 'bot_events_stored_total', { source: 'feishu' })).toBe(1);
    expect(sample(after, 'bot_events_duplicate_total', { source: 'feishu' })).toBe(1);
  });
});
