/**
 * Scale-out: N bot instances (`src/main.ts`, each its own process) on one PostgreSQL database, sending to one Feishu
 * emulator that enforces Feishu's limits for the app as a whole (50/s, 1000/min) and per recipient (5/s).
 *
 *   1. the N instances start at the same instant on a fresh database (one migrates, the others wait);
 *   2. drain: `cards` notifications to distinct users are queued at once; the rate they reach the emulator at,
 *      against 50/s, the rejections it saw, and the database cost of the shared limit per send;
 *   3. takeover: another batch is queued, and once every instance holds claimed cards one is SIGKILLed; the time
 *      until every card claimed at that moment is sent.
 */
import pg from 'pg';
import { FeishuEmulator } from '../src/emulator/feishu/index.js';
import type { SendStats } from '../src/emulator/feishu/send-stats.js';
import { createScratchDatabase } from '../test/helpers/scratch-db.js';
import { queueCards, spawnInstances, stopInstance, waitHealthy, type Instance } from '../test/helpers/instances.js';

export interface ScaleOptions {
  instances: number;
  cards: number;
  takeoverCards: number;
  /** A PostgreSQL server; a scratch database is created on it and dropped after. */
  serverUrl: string;
}

export interface ScaleResult {
  instances: number;
  startSeconds: number;
  migrationRows: number;
  migrations: number;
  drain: {
    cards: number;
    sent: number;
    seconds: number;
    emulatorSeconds: number;
    stats: SendStats;
    distinctUuids: number;
  };
  cost: {
    hold: { p50: number; p90: number; max: number };
    acquire: number;
    release: number;
    renew: number;
    serverMs: number;
    commits: number;
  };
  takeover: {
    cards: number;
    heldAtKill: number;
    takenOver: number;
    seconds: number;
    sent: number;
    stats: SendStats;
    distinctUuids: number;
  } | null;
}

const LIMIT = 50;

export async function runScaleOut(opts: ScaleOptions, progress: (msg: string) => void): Promise<ScaleResult> {
  const openId = (i: number) => `ou_scale${i.toString(16).padStart(24, '0')}`;
  const total = opts.cards + opts.takeoverCards;
  const emu = await FeishuEmulator.start({
    users: Array.from({ length: total }, (_, i) => ({ open_id: openId(i), user_id: `scale${i}`, name: `Scale ${i}` })),
  });
  // Per-function call counts and times (pg_stat_user_functions), for the cost of the shared limit.
  const scratch = await createScratchDatabase(opts.serverUrl, 'bot_bench', { track_functions: 'all' });
  const url = scratch.url;
  const db = new pg.Client({ connectionString: url });
  let instances: Instance[] = [];
  try {
    progress(`scale: starting ${opts.instances} instances at once on a fresh database ...`);
    const t0 = performance.now();
    instances = await spawnInstances(opts.instances, {
      DATABASE_URL: url,
      FEISHU_APP_ID: emu.appId,
      FEISHU_APP_SECRET: emu.appSecret,
      FEISHU_DOMAIN: emu.url,
      WORKER_POLL_MS: '200',
      LOG_LEVEL: 'warn',
    });
    await Promise.all(instances.map((i) => waitHealthy(i, 180_000)));
    const startSeconds = (performance.now() - t0) / 1000;
    await db.connect();
    const migrationRows = (await db.query('SELECT count(*)::int AS n FROM _prisma_migrations')).rows[0].n as number;
    const migrations = (await db.query('SELECT count(DISTINCT migration_name)::int AS n FROM _prisma_migrations'))
      .rows[0].n as number;

    const status = async (): Promise<Record<string, number>> => {
      const { rows } = await db.query<{ status: string; n: number }>(
        'SELECT status, count(*)::int AS n FROM notification GROUP BY status',
      );
      return Object.fromEntries(rows.map((r) => [r.status, r.n]));
    };
    const costNow = async () => {
      const { rows } = await db.query<{ funcname: string; calls: string; total_time: number }>(
        `SELECT funcname, calls, total_time FROM pg_stat_user_functions WHERE funcname LIKE 'feishu_send_%'`,
      );
      const commits = (await db.query('SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()'))
        .rows[0].xact_commit as string;
      const by = (f: string) => rows.find((r) => r.funcname === f);
      return {
        acquire: Number(by('feishu_send_acquire')?.calls ?? 0),
        release: Number(by('feishu_send_release')?.calls ?? 0),
        renew: Number(by('feishu_send_renew')?.calls ?? 0),
        serverMs: ['feishu_send_acquire', 'feishu_send_release', 'feishu_send_renew'].reduce(
          (n, f) => n + (by(f)?.total_time ?? 0),
          0,
        ),
        commits: Number(commits),
      };
    };
    const waitSent = async (n: number, timeoutMs: number) => {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const s = await status();
        if ((s.sent ?? 0) + (s.failed ?? 0) >= n) return s.sent ?? 0;
        if (performance.now() > deadline) return s.sent ?? 0;
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    // Drain.
    await new Promise((r) => setTimeout(r, 1500));
    const before = await costNow();
    progress(`scale: draining ${opts.cards} cards (about ${Math.ceil(opts.cards / LIMIT)} s at ${LIMIT}/s) ...`);
    const d0 = performance.now();
    const drainUuids = await queueCards(
      url,
      'scale',
      Array.from({ length: opts.cards }, (_, i) => openId(i)),
    );
    const sent = await waitSent(opts.cards, (opts.cards / LIMIT) * 1000 * 3 + 30_000);
    const seconds = (performance.now() - d0) / 1000;
    await new Promise((r) => setTimeout(r, 1500)); // statistics reach the shared counters within a second
    const after = await costNow();
    const drained = emu.messages.filter((m) => m.uuid?.startsWith('scale-'));
    const times = drained.map((m) => Number(m.create_time)).sort((a, b) => a - b);
    const drain = {
      cards: opts.cards,
      sent,
      seconds,
      emulatorSeconds: times.length > 1 ? (times[times.length - 1]! - times[0]!) / 1000 : 0,
      stats: emu.sendStats(),
      distinctUuids:
        new Set(drained.map((m) => m.uuid)).size === drained.length && drained.length === drainUuids.length
          ? drained.length
          : -1,
    };
    const hold = (
      await db.query<{ p50: number; p90: number; max: number }>(
        `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
                percentile_cont(0.9) WITHIN GROUP (ORDER BY ms) AS p90,
                max(ms)::float8 AS max
           FROM (SELECT (EXTRACT(EPOCH FROM ends_at - granted_at) * 1000)::float8 AS ms FROM feishu_send_slot) x`,
      )
    ).rows[0]!;
    const cost = {
      hold,
      acquire: after.acquire - before.acquire,
      release: after.release - before.release,
      renew: after.renew - before.renew,
      serverMs: after.serverMs - before.serverMs,
      commits: after.commits - before.commits,
    };

    // Takeover.
    let takeover: ScaleResult['takeover'] = null;
    if (opts.takeoverCards > 0 && opts.instances > 1) {
      progress(`scale: takeover: ${opts.takeoverCards} more cards, then SIGKILL of one instance ...`);
      emu.reset();
      const ids = Array.from({ length: opts.takeoverCards }, (_, i) => openId(opts.cards + i));
      const tkUuids = await queueCards(url, 'takeover', ids);
      // Wait until the work is spread: rows claimed by as many dispatchers as there are instances (or 3 s).
      const spreadBy = performance.now() + 3000;
      while (performance.now() < spreadBy) {
        const { rows } = await db.query(
          `SELECT count(DISTINCT locked_by)::int AS n FROM notification WHERE status = 'sending'`,
        );
        if (rows[0].n >= opts.instances) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const held = await db.query<{ id: string }>(`SELECT id FROM notification WHERE status = 'sending'`);
      const victim = instances[0]!;
      const killedAt = performance.now();
      victim.child.kill('SIGKILL');
      const heldIds = held.rows.map((r) => r.id);
      for (;;) {
        const { rows } = await db.query(
          `SELECT count(*)::int AS n FROM notification WHERE id = ANY($1::uuid[]) AND status <> 'sent'`,
          [heldIds],
        );
        if (rows[0].n === 0 || performance.now() - killedAt > 180_000) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const tkSeconds = (performance.now() - killedAt) / 1000;
      const tkSent = await waitSent(total, 60_000);
      const retaken = await db.query(
        `SELECT count(*)::int AS n FROM notification WHERE id = ANY($1::uuid[]) AND attempts > 1`,
        [heldIds],
      );
      const msgs = emu.messages.filter((m) => m.uuid?.startsWith('takeover-'));
      takeover = {
        cards: opts.takeoverCards,
        heldAtKill: heldIds.length,
        takenOver: retaken.rows[0].n as number,
        seconds: tkSeconds,
        sent: tkSent - opts.cards,
        stats: emu.sendStats(),
        distinctUuids:
          new Set(msgs.map((m) => m.uuid)).size === msgs.length && msgs.length === tkUuids.length ? msgs.length : -1,
      };
    }
    return { instances: opts.instances, startSeconds, migrationRows, migrations, drain, cost, takeover };
  } finally {
    await Promise.all(instances.map((i) => stopInstance(i)));
    await db.end().catch(() => {});
    await scratch.drop();
    await emu.stop();
  }
}

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** Prints the figures; false when a card was lost or doubled, or the emulator refused a send for a limit. */
export function printScaleOut(r: ScaleResult): boolean {
  const d = r.drain;
  const rate = d.sent / d.seconds;
  const emuRate = d.emulatorSeconds > 0 ? (d.sent - 1) / d.emulatorSeconds : NaN;
  const s = d.stats;
  const perSend = (n: number) => f(n / Math.max(1, d.sent), 2);
  const t = r.takeover;
  const ok =
    d.sent === d.cards &&
    d.distinctUuids === d.cards &&
    s.rateLimited === 0 &&
    s.tooFrequent === 0 &&
    r.migrationRows === r.migrations &&
    (!t || (t.sent === t.cards && t.distinctUuids === t.cards && t.stats.rateLimited === 0));
  const lines = [
    '',
    `scale-out (${r.instances} instances on one PostgreSQL database, each src/main.ts in its own process; ` +
      `one Feishu emulator: ${LIMIT}/s and 1000/min per app, 5/s per recipient)`,
    `start: ${r.instances} instances started at the same instant on a fresh database, ` +
      `all healthy after ${f(r.startSeconds)} s; ` +
      `_prisma_migrations: ${r.migrationRows} rows for ${r.migrations} migrations`,
    `drain: ${d.sent}/${d.cards} cards (distinct users) in ${f(d.seconds)} s from queueing to the last 'sent' = ` +
      `${f(rate)}/s (${f((100 * rate) / LIMIT)}% of ${LIMIT}/s); ` +
      `at the emulator, first to last card: ${f(emuRate)}/s (${f((100 * emuRate) / LIMIT)}%)`,
    `  emulator: ${s.attempts} send attempts, rejected 429/99991400: ${s.rateLimited}, 230020: ${s.tooFrequent}; ` +
      `most created in any 1 s: ${s.maxCreatedInAnySecond}, in any 60 s: ${s.maxCreatedInAnyMinute}; ` +
      `each uuid once: ${d.distinctUuids === d.cards ? 'yes' : 'NO'}`,
    `  database cost of the shared limit per send: ${perSend(r.cost.acquire)} feishu_send_acquire + ` +
      `${perSend(r.cost.release)} feishu_send_release + ${perSend(r.cost.renew)} feishu_send_renew calls, ` +
      `${f(r.cost.serverMs / Math.max(1, d.sent), 3)} ms server time (pg_stat_user_functions); ` +
      `all transactions in the database during the drain: ${perSend(r.cost.commits)} per send`,
    `  slot held from grant to the response's stamp (ms): p50 ${f(r.cost.hold.p50)}, p90 ${f(r.cost.hold.p90)}, ` +
      `max ${f(r.cost.hold.max)} (each slot counts for 1 s after that)`,
  ];
  if (t) {
    lines.push(
      `takeover: SIGKILL of one instance while ${t.heldAtKill} cards were claimed by the instances; ` +
        `every one of them sent ${f(t.seconds)} s after the kill (${t.takenOver} sent again by another instance)`,
      `  ${t.sent}/${t.cards} cards sent; emulator: rejected 429/99991400: ${t.stats.rateLimited}, ` +
        `230020: ${t.stats.tooFrequent}, most in any 1 s: ${t.stats.maxCreatedInAnySecond}; ` +
        `each uuid once: ${t.distinctUuids === t.cards ? 'yes' : 'NO'}`,
    );
  }
  lines.push(
    `scale-out: ${ok ? 'PASS' : 'FAIL'} ` +
      '(nothing lost or doubled, no send refused for a limit, migrations applied once)',
  );
  console.log(lines.join('\n'));
  return ok;
}
