import pg from 'pg';
import { openDatabase } from './src/db/index.ts';
import { SharedSendRateLimiter } from './src/outbox/shared-rate-limiter.ts';
import { createLogger } from './src/logger.ts';
const admin = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/test' });
await admin.connect();
await admin.query('DROP DATABASE IF EXISTS scale_rate'); await admin.query('CREATE DATABASE scale_rate');
const url = 'postgresql://postgres@127.0.0.1:5432/scale_rate';
const dbs = [await openDatabase({ url, dataDir: 'memory://' }), await openDatabase({ url, dataDir: 'memory://' }), await openDatabase({ url, dataDir: 'memory://' })];
const log = createLogger('warn');
const lims = dbs.map((d) => new SharedSendRateLimiter(d.prisma, { perSecond: 50, perMinute: 1000, perRecipientPerSecond: 5 }, log));
const N = 600; let next = 0; const times: number[] = [];
const t0 = Date.now();
await Promise.all(lims.flatMap((l) => Array.from({ length: 100 }, async () => {
  while (next < N) { const i = next++; const rel = await l.acquire('u' + i); times.push(Date.now()); await new Promise(r => setTimeout(r, 5)); rel(); }
})));
const el = (Date.now() - t0) / 1000;
console.log('sends', N, 'seconds', el, 'rate', N / el);
for (const l of lims) console.log(l.stats);
for (const d of dbs) await d.close();
await admin.query('DROP DATABASE scale_rate WITH (FORCE)'); await admin.end();
