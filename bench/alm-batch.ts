/**
 * How fast /webhook/alm acknowledges a batch (ALM waits 5 s, and holds the account's next events until then):
 * the bot on the embedded database in a fresh data directory, worker running, batches of growing size posted one
 * after another; each event is stored before the 202, and the check afterwards counts them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startBot } from '../src/bot.js';

export interface AlmBatchRow {
  events: number;
  ackMs: number[];
  stored: number;
}

const USER = 'bench';
const PASSWORD = 'bench-password';

function batch(tag: string, n: number) {
  return {
    accountId: 1234,
    events: Array.from({ length: n }, (_, i) => ({
      eventId: `${tag}-${i}`,
      eventName: i % 3 === 0 ? 'COURSE_ENROLLMENT_BATCH' : i % 3 === 1 ? 'LEARNER_PROGRESS' : 'COURSE_COMPLETED',
      timestamp: new Date(Date.UTC(2024, 10, 8, 1, 0, i % 60)).toISOString(),
      eventInfo: `${tag}-${i}`,
      data: {
        userId: 10_000 + i,
        loId: `course:${i % 50}`,
        loInstanceId: `course:${i % 50}_1`,
        loType: 'course',
        enrollmentSource: 'ADMIN_ENROLL',
        progressPercent: 50,
        hasPassed: true,
      },
    })),
  };
}

export async function runAlmBatch(sizes: number[], repeats: number): Promise<AlmBatchRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-alm-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ALM_WEBHOOK_USER: USER,
    ALM_WEBHOOK_PASSWORD: PASSWORD,
  });
  const bot = await startBot({ config, log: createLogger('silent') });
  const auth = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  const rows: AlmBatchRow[] = [];
  try {
    for (const size of sizes) {
      const row: AlmBatchRow = { events: size, ackMs: [], stored: 0 };
      for (let r = 0; r < repeats; r++) {
        const tag = `b${size}r${r}`;
        const body = JSON.stringify(batch(tag, size));
        const started = performance.now();
        const res = await fetch(`${bot.url}/webhook/alm`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: auth },
          body,
        });
        await res.arrayBuffer();
        row.ackMs.push(performance.now() - started);
        if (res.status !== 202) throw new Error(`batch of ${size} answered ${res.status}`);
        row.stored += await bot.database.prisma.inboundEvent.count({
          where: { source: 'alm', externalId: { startsWith: `${tag}-` } },
        });
      }
      rows.push(row);
    }
  } finally {
    await bot.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}
