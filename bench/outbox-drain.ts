/**
 * Figure 2: the outbox drain rate. 5,000 pending notifications (to 5,000 distinct users, so the 5/s per-recipient
 * limit never binds) are sent by OutboxDispatcher through the real SDK client to the Feishu emulator, which
 * enforces 50 sends/s per app. The per-minute tier is off on both sides. All in this process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { openDatabase } from '../src/db/index.js';
import { createFeishuClient } from '../src/feishu/client.js';
import { FeishuMessageSender } from '../src/feishu/sender.js';
import { OutboxDispatcher } from '../src/outbox/dispatcher.js';
import { SendRateLimiter } from '../src/outbox/rate-limiter.js';
import { FeishuEmulator } from '../src/emulator/feishu/index.js';

export interface DrainOptions {
  count: number;
  ratePerSecond: number;
  timeoutMs: number;
}

export interface DrainResult {
  count: number;
  ratePerSecond: number;
  maxInFlight: number;
  elapsedSeconds: number;
  sendsPerSecond: number;
  percentOfLimit: number;
  /** The most sends the emulator accepted in any 1 s sliding window (its limit holds if this is <= the rate). */
  maxInAnySecond: number;
  sent: number;
  failed: number;
  rejected: number;
  rejectedByCode: Record<string, number>;
  otherErrors: number;
  recorded: number;
  distinctUuidsRecorded: number;
  timedOut: boolean;
}

const CARD = JSON.stringify({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'bench' }] } });

export async function runOutboxDrain(opts: DrainOptions, progress: (msg: string) => void): Promise<DrainResult> {
  const { count, ratePerSecond } = opts;
  const emulator = await FeishuEmulator.start({
    appRatePerSecond: ratePerSecond,
    appRatePerMinute: null,
    recipientRatePerSecond: 5,
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-outbox-'));
  const log = createLogger('warn');
  const db = await openDatabase({ dataDir: join(dataDir, 'data') });
  let dispatcher: OutboxDispatcher | undefined;
  try {
    const openId = (i: number) => `ou_bench${i.toString(16).padStart(24, '0')}`;
    for (let i = 0; i < count; i++)
      emulator.addUser({ open_id: openId(i), user_id: `bench${i}`, name: `Bench User ${i}` });
    await db.prisma.notification.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        dedupeKey: `bench:${i}`,
        kind: 'bench',
        receiveIdType: 'open_id',
        receiveId: openId(i),
        content: CARD,
        uuid: `bench-${i}`,
      })),
    });

    const config = loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      FEISHU_APP_ID: emulator.appId,
      FEISHU_APP_SECRET: emulator.appSecret,
      FEISHU_DOMAIN: emulator.url,
      FEISHU_SEND_RATE_PER_SECOND: String(ratePerSecond),
      FEISHU_SEND_RATE_PER_MINUTE: '0',
    });
    const feishu = createFeishuClient(config, log);
    if (!feishu) throw new Error('createFeishuClient returned nothing: app credentials missing');
    // As src/bot.ts sizes it for the same send rate.
    const maxInFlight = Math.max(10, ratePerSecond * 2);
    dispatcher = new OutboxDispatcher({
      db: db.prisma,
      sender: new FeishuMessageSender(feishu),
      limiter: new SendRateLimiter({ perSecond: ratePerSecond, perMinute: 0, perRecipientPerSecond: 5 }),
      log,
      maxAttempts: 12,
      pollMs: 200,
      maxInFlight,
    });

    progress(
      `outbox: draining ${count} notifications at ${ratePerSecond}/s (about ${Math.ceil(count / ratePerSecond)} s) ...`,
    );
    const t0 = performance.now();
    dispatcher.start();
    let sent = 0;
    let failed = 0;
    let timedOut = false;
    let lastReport = t0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 100));
      const rows = await db.prisma.$queryRaw<{ status: string; n: number }[]>`
        SELECT status, count(*)::int AS n FROM notification GROUP BY status`;
      const by = Object.fromEntries(rows.map((r) => [r.status, r.n])) as Record<string, number>;
      sent = by.sent ?? 0;
      failed = by.failed ?? 0;
      if (sent + failed >= count) break;
      if (performance.now() - t0 > opts.timeoutMs) {
        timedOut = true;
        break;
      }
      if (performance.now() - lastReport > 20_000) {
        lastReport = performance.now();
        progress(`outbox: ${sent} sent after ${((lastReport - t0) / 1000).toFixed(0)} s`);
      }
    }
    const elapsedSeconds = (performance.now() - t0) / 1000;
    await dispatcher.stop();
    dispatcher = undefined;

    const sends = emulator.requests.filter((r) => r.method === 'POST' && r.path === '/open-apis/im/v1/messages');
    const rejectedByCode: Record<string, number> = {};
    let rejected = 0;
    let otherErrors = 0;
    for (const r of sends) {
      if (r.status === 429 || r.code === 99991400 || r.code === 230020) {
        rejected++;
        const key = `${r.status}/${r.code ?? '-'}`;
        rejectedByCode[key] = (rejectedByCode[key] ?? 0) + 1;
      } else if (r.status !== 200 || r.code !== 0) otherErrors++;
    }
    const messages = emulator.messages;
    const times = messages.map((m) => Number(m.create_time)).sort((a, b) => a - b);
    let maxInAnySecond = 0;
    for (let i = 0, j = 0; j < times.length; j++) {
      while (times[i]! <= times[j]! - 1000) i++;
      maxInAnySecond = Math.max(maxInAnySecond, j - i + 1);
    }
    const sendsPerSecond = sent / elapsedSeconds;
    return {
      count,
      ratePerSecond,
      maxInFlight,
      elapsedSeconds,
      sendsPerSecond,
      percentOfLimit: (100 * sendsPerSecond) / ratePerSecond,
      maxInAnySecond,
      sent,
      failed,
      rejected,
      rejectedByCode,
      otherErrors,
      recorded: messages.length,
      distinctUuidsRecorded: new Set(messages.map((m) => m.uuid)).size,
      timedOut,
    };
  } finally {
    await dispatcher?.stop();
    await db.close();
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
