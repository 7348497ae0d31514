/**
 * Memory: the resident set (RSS) of the bot's whole process tree, as production runs it (`node dist/src/main.js`,
 * built by `npm run build`), per database lane:
 *   idle        after start, once the process has settled (the embedded lane starts on a fresh data directory)
 *   flood       the intake flood of the throughput figure (50 connections, as fast as the bot answers): the peak
 *               while it runs, and the RSS once the worker has caught up with the backlog
 *   soak        a steady rate (100 events/s by default) for a while (10 min by default), sampled every 5 s
 * RSS is read from /proc (VmRSS of the bot and every descendant), so it includes the database's worker thread,
 * WebAssembly memories and any child process.
 */
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import {
  botNodeFlags,
  cpuSeconds,
  freePort,
  repoRoot,
  spawnNode,
  spawnTs,
  stopChild,
  waitForHealth,
  type Child,
} from './child.js';
import { eventBody, signedRequest, type SigningKeys } from './events.js';
import { createScratchDatabase } from '../test/helpers/scratch-db.js';
import type { LoadOptions, LoadResult } from './load.js';

export interface MemoryOptions {
  floodSeconds: number;
  floodConnections: number;
  soakSeconds: number;
  soakRate: number;
  /** postgres://… for the PostgreSQL lane (a scratch database is created on that server); empty skips the lane. */
  postgresUrl: string;
}

export interface TreeRss {
  mb: number;
  processes: { pid: number; name: string; mb: number }[];
}

export interface MemoryLane {
  lane: 'pglite' | 'postgres';
  startupSeconds: number;
  idle: TreeRss;
  flood: {
    seconds: number;
    acked: number;
    eventsPerSecond: number;
    non2xx: number;
    peakMb: number;
    drainSeconds: number;
    afterMb: number;
  };
  soak: {
    seconds: number;
    rate: number;
    sent: number;
    non2xx: number;
    /** The non-200 answers by status, the failed requests by error code, and the generator's own timeouts. */
    outcomes: Record<string, number>;
    /** How far the generator fell behind its schedule (it then sent fewer than seconds × rate). */
    maxLagSeconds: number;
    /** Answer times (ms) of the requests that got an answer. */
    latencyMs: { p50: number; p99: number; max: number };
    samples: { t: number; mb: number }[];
    /** Mean RSS over the soak's second minute (or second tenth when shorter) and over its last one. */
    earlyMb: number;
    lateMb: number;
    maxMb: number;
  };
  skipped?: string;
}

const HOST = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** VmRSS (MB) of `root` and all its descendants, from /proc. */
export function treeRss(root: number): TreeRss {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while the list was read
    }
  }
  const processes: TreeRss['processes'] = [];
  for (let queue = [root]; queue.length;) {
    const pid = queue.shift()!;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const name = /Name:\s+(\S+)/.exec(status)?.[1] ?? '?';
      processes.push({ pid, name, mb: kb / 1024 });
    } catch {
      continue;
    }
    queue = queue.concat(children.get(pid) ?? []);
  }
  return { mb: processes.reduce((n, p) => n + p.mb, 0), processes };
}

/**
 * The node arguments of `npm start` (package.json: `exec node $(node scripts/node-flags.mjs) dist/src/main.js`) for
 * a database lane (`databaseUrl` empty for the embedded one), so the bench runs the same: the flags are the ones that
 * script prints for that configuration. BENCH_BOT_NODE_FLAGS replaces the flags (the script stays).
 */
export function startCommand(databaseUrl = ''): string[] {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const m = /^(?:exec )?node \$\(node (\S+)\) (.*)$/.exec(pkg.scripts.start);
  if (!m) throw new Error(`unexpected start script: ${pkg.scripts.start}`);
  const script = m[2]!.split(/\s+/);
  const override = botNodeFlags();
  if (override) return [...override, ...script];
  const r = spawnSync(process.execPath, [m[1]!], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${m[1]} failed: ${r.stderr}`);
  return [...r.stdout.trim().split(/\s+/).filter(Boolean), ...script];
}

/** Builds dist/ when it is missing or older than the sources (the bench measures the production start). */
export function buildIfStale(): void {
  const r = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

/**
 * Resolves when the bot has worked off the flood's backlog: its CPU use stays under 5% of a core for 3 s (the
 * embedded database cannot be asked, since the bot holds it), or after `timeoutMs`. Returns the seconds waited.
 */
async function waitIdle(pid: number, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  let quiet = 0;
  for (let last = cpuSeconds(pid); Date.now() - t0 < timeoutMs && quiet < 3;) {
    await sleep(1000);
    const now = cpuSeconds(pid);
    quiet = now - last < 0.05 ? quiet + 1 : 0;
    last = now;
  }
  return (Date.now() - t0) / 1000;
}

async function settle(pid: number): Promise<TreeRss> {
  await sleep(5000);
  const samples: TreeRss[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(treeRss(pid));
    await sleep(1000);
  }
  return samples.sort((a, b) => a.mb - b.mb)[2]!;
}

async function flood(bot: Child, port: number, keys: SigningKeys, opts: MemoryOptions, tag: string) {
  const loadOpts: LoadOptions = {
    host: HOST,
    port,
    path: '/webhook/event',
    connections: opts.floodConnections,
    warmupMs: 0,
    durationMs: opts.floodSeconds * 1000,
    prebuild: Math.min(200_000, opts.floodSeconds * 8000),
    tag,
    encrypt: false,
    ...keys,
  };
  const gen = spawnTs('bench/load.ts', [JSON.stringify(loadOpts)], {});
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, treeRss(bot.proc.pid!).mb)), 250);
  try {
    const result = JSON.parse(
      await gen.line('BENCH_RESULT', loadOpts.prebuild / 10 + loadOpts.durationMs + 120_000),
    ) as LoadResult;
    await gen.exited;
    return { result, peak: () => peak, stop: () => clearInterval(timer) };
  } catch (e) {
    clearInterval(timer);
    throw e;
  }
}

/** How long the soak's generator waits for an answer before it counts the request as its own timeout. */
const SOAK_TIMEOUT_MS = 30_000;

/**
 * `rate` signed events per second for `seconds`, over keep-alive connections; samples the tree's RSS every 5 s.
 * A request the bot did not answer within SOAK_TIMEOUT_MS is counted as "timeout (generator)", apart from the bot's
 * answers (by status) and connection errors (by code); `maxLagSeconds` says how far the generator itself fell behind
 * its schedule (then fewer than seconds × rate requests are sent, and the rate the bot saw was lower).
 */
async function soak(pid: number, port: number, keys: SigningKeys, seconds: number, rate: number, tag: string) {
  const url = `http://${HOST}:${port}/webhook/event`;
  const samples: { t: number; mb: number }[] = [];
  let sent = 0;
  let non2xx = 0;
  let maxLagMs = 0;
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const count = (why: string) => {
    non2xx++;
    outcomes[why] = (outcomes[why] ?? 0) + 1;
  };
  const inFlight = new Set<Promise<void>>();
  const t0 = Date.now();
  let nextSample = 0;
  for (let i = 0; ; i++) {
    const due = t0 + (i * 1000) / rate;
    const now = Date.now();
    if (i >= seconds * rate || now - t0 >= seconds * 1000) break;
    if (now - t0 >= nextSample) {
      samples.push({ t: (now - t0) / 1000, mb: treeRss(pid).mb });
      nextSample += 5000;
    }
    if (due > now) await sleep(due - now);
    // Behind schedule: still give the answers a turn, so a late generator does not time its own requests out.
    else await new Promise((r) => setImmediate(r));
    maxLagMs = Math.max(maxLagMs, Date.now() - due);
    const req = signedRequest(eventBody(tag, i, keys), keys);
    const start = Date.now();
    const p = fetch(url, {
      method: 'POST',
      headers: req.headers,
      body: req.body,
      signal: AbortSignal.timeout(SOAK_TIMEOUT_MS),
    })
      .then(async (res) => {
        await res.arrayBuffer();
        latencies.push(Date.now() - start);
        if (res.status !== 200) count(String(res.status));
      })
      .catch((e: unknown) => {
        const err = e as { name?: string; cause?: { code?: string } };
        count(
          err.name === 'TimeoutError'
            ? `timeout (generator, ${SOAK_TIMEOUT_MS / 1000} s)`
            : `error ${err.cause?.code ?? err.name}`,
        );
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    sent++;
  }
  await Promise.all(inFlight);
  samples.push({ t: (Date.now() - t0) / 1000, mb: treeRss(pid).mb });
  // "early" is the second minute (the first lets caches and the JIT warm up); "late" the last minute.
  const span = Math.min(60, seconds / 10);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((n, x) => n + x, 0) / xs.length : NaN);
  const earlyMb = mean(samples.filter((s) => s.t >= span && s.t < Math.max(2 * span, span + 10)).map((s) => s.mb));
  const lateMb = mean(samples.filter((s) => s.t >= seconds - span).map((s) => s.mb));
  latencies.sort((a, b) => a - b);
  const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? NaN;
  return {
    seconds,
    rate,
    sent,
    non2xx,
    outcomes,
    maxLagSeconds: maxLagMs / 1000,
    latencyMs: { p50: pct(0.5), p99: pct(0.99), max: latencies.at(-1) ?? NaN },
    samples,
    earlyMb,
    lateMb,
    maxMb: Math.max(...samples.map((s) => s.mb)),
  };
}

async function runLane(
  lane: MemoryLane['lane'],
  opts: MemoryOptions,
  progress: (m: string) => void,
): Promise<MemoryLane> {
  const keys: SigningKeys = {
    encryptKey: `mem-${randomBytes(8).toString('hex')}`,
    verificationToken: `tok-${randomBytes(8).toString('hex')}`,
  };
  const work = mkdtempSync(join(tmpdir(), 'bench-memory-'));
  const scratch = lane === 'postgres' ? await createScratchDatabase(opts.postgresUrl, 'bench_mem') : undefined;
  const databaseUrl = scratch?.url ?? '';
  const port = await freePort();
  const t0 = Date.now();
  const bot = spawnNode(startCommand(databaseUrl), {
    PORT: String(port),
    HOST,
    DATA_DIR: join(work, 'data'),
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    FEISHU_ENCRYPT_KEY: keys.encryptKey,
    FEISHU_VERIFICATION_TOKEN: keys.verificationToken,
    FEISHU_APP_ID: '',
    FEISHU_APP_SECRET: '',
  });
  try {
    await waitForHealth(`http://${HOST}:${port}/healthz`, 180_000, bot);
    const startupSeconds = (Date.now() - t0) / 1000;
    const pid = bot.proc.pid!;
    progress(`memory ${lane}: started in ${startupSeconds.toFixed(1)} s; idle ...`);
    const idle = await settle(pid);
    progress(`memory ${lane}: idle ${idle.mb.toFixed(0)} MB; flood ${opts.floodSeconds} s ...`);
    const f = await flood(bot, port, keys, opts, `f1d${lane === 'pglite' ? 'a' : 'b'}0000`);
    const drainSeconds = await waitIdle(pid, 600_000);
    f.stop();
    const after = await settle(pid);
    const floodFigures = {
      seconds: opts.floodSeconds,
      acked: f.result.acked,
      eventsPerSecond: f.result.eventsPerSecond,
      non2xx: f.result.non2xx,
      peakMb: Math.max(f.peak(), after.mb),
      drainSeconds,
      afterMb: after.mb,
    };
    progress(
      `memory ${lane}: after the flood ${after.mb.toFixed(0)} MB (peak ${floodFigures.peakMb.toFixed(0)}); ` +
        `soak ${opts.soakSeconds} s at ${opts.soakRate}/s ...`,
    );
    const s = await soak(pid, port, keys, opts.soakSeconds, opts.soakRate, `50a${lane === 'pglite' ? 'a' : 'b'}0000`);
    return { lane, startupSeconds, idle, flood: floodFigures, soak: s };
  } finally {
    const code = await stopChild(bot);
    if (code !== 0) progress(`memory ${lane}: the bot exited with code ${code}\n${bot.tail()}`);
    await scratch?.drop().catch(() => {});
    rmSync(work, { recursive: true, force: true });
  }
}

export async function runMemory(opts: MemoryOptions, progress: (m: string) => void): Promise<MemoryLane[]> {
  buildIfStale();
  const lanes: MemoryLane[] = [await runLane('pglite', opts, progress)];
  if (!opts.postgresUrl) {
    lanes.push(skipped('postgres', 'no PostgreSQL server: set BENCH_DATABASE_URL or TEST_DATABASE_URL'));
  } else {
    const reachable = await new pg.Client({ connectionString: opts.postgresUrl })
      .connect()
      .then(() => true)
      .catch(() => false);
    lanes.push(
      reachable
        ? await runLane('postgres', opts, progress)
        : skipped('postgres', `${opts.postgresUrl} is not reachable`),
    );
  }
  return lanes;
}

function skipped(lane: MemoryLane['lane'], why: string): MemoryLane {
  const none = { mb: NaN, processes: [] };
  return {
    lane,
    startupSeconds: NaN,
    idle: none,
    flood: { seconds: 0, acked: 0, eventsPerSecond: NaN, non2xx: 0, peakMb: NaN, drainSeconds: NaN, afterMb: NaN },
    soak: {
      seconds: 0,
      rate: 0,
      sent: 0,
      non2xx: 0,
      outcomes: {},
      maxLagSeconds: NaN,
      latencyMs: { p50: NaN, p99: NaN, max: NaN },
      samples: [],
      earlyMb: NaN,
      lateMb: NaN,
      maxMb: NaN,
    },
    skipped: why,
  };
}

/**
 * The lines `npm run bench` prints; targets: idle ≤ 300 MB (embedded) / ≤ 150 MB (PostgreSQL), ≤ 450 MB after the
 * flood.
 */
export function formatMemory(lanes: MemoryLane[]): string[] {
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : 'n/a');
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const lines = [
    '',
    `memory (RSS of the whole process tree of \`node ${startCommand().join(' ')}\` on the embedded database, ` +
      `\`node ${startCommand('postgresql://').join(' ')}\` on PostgreSQL, as \`npm start\` runs it; from /proc; MB = MiB)`,
  ];
  lines.push(
    'lane'.padEnd(10) +
      'idle'.padStart(7) +
      'flood peak'.padStart(12) +
      'after flood'.padStart(13) +
      'soak early'.padStart(12) +
      'soak late'.padStart(11) +
      'soak max'.padStart(10),
  );
  for (const l of lanes) {
    if (l.skipped) {
      lines.push(`${l.lane.padEnd(10)}SKIPPED: ${l.skipped}`);
      continue;
    }
    lines.push(
      `${l.lane.padEnd(10)}${f(l.idle.mb).padStart(7)}${f(l.flood.peakMb).padStart(12)}` +
        `${f(l.flood.afterMb).padStart(13)}` +
        `${f(l.soak.earlyMb).padStart(12)}${f(l.soak.lateMb).padStart(11)}${f(l.soak.maxMb).padStart(10)}`,
    );
  }
  for (const l of lanes) {
    if (l.skipped) continue;
    const idleTarget = l.lane === 'pglite' ? 300 : 150;
    const growth = l.soak.lateMb - l.soak.earlyMb;
    lines.push(
      `${l.lane}: idle ≤ ${idleTarget} MB: ${verdict(l.idle.mb <= idleTarget)}; ` +
        `after the flood ≤ 450 MB: ${verdict(l.flood.afterMb <= 450)}` +
        ` (peak ${verdict(l.flood.peakMb <= 450)}); soak growth ${growth >= 0 ? '+' : ''}${f(growth)} MB ` +
        `(${verdict(growth <= Math.max(10, 0.05 * l.soak.earlyMb))}: ≤ max(10 MB, 5%))`,
    );
    lines.push(
      `  started in ${l.startupSeconds.toFixed(1)} s; idle processes: ` +
        l.idle.processes.map((p) => `${p.name} ${f(p.mb)}`).join(', '),
    );
    lines.push(
      `  flood: ${l.flood.seconds} s, ${l.flood.acked} events acknowledged (${f(l.flood.eventsPerSecond)}/s), ` +
        `non-2xx ${l.flood.non2xx}; backlog worked off ` +
        (Number.isFinite(l.flood.drainSeconds) ? `in ${l.flood.drainSeconds.toFixed(0)} s` : '(not awaited)'),
    );
    const every = Math.max(1, Math.floor(l.soak.samples.length / 10));
    lines.push(
      `  soak: ${l.soak.seconds} s at ${l.soak.rate}/s, ${l.soak.sent} of ${l.soak.seconds * l.soak.rate} sent ` +
        `(generator up to ${l.soak.maxLagSeconds.toFixed(1)} s behind), non-200 ${l.soak.non2xx}` +
        (l.soak.non2xx ? ` ${JSON.stringify(l.soak.outcomes)}` : '') +
        `; answered in p50 ${f(l.soak.latencyMs.p50)} ms, ` +
        `p99 ${f(l.soak.latencyMs.p99)} ms, max ${f(l.soak.latencyMs.max)} ms; RSS over time: ` +
        l.soak.samples
          .filter((_, i) => i % every === 0)
          .map((s) => `${f(s.t)}s ${f(s.mb)}`)
          .join(', '),
    );
  }
  return lines;
}
