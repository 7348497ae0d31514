/**
 * Figure 1: intake throughput. The baseline (SDK sample receiver) and the bot (the built `dist/src/main.js`, worker
 * running) each run in a child process and get the same load from a generator in a third process. The bot runs in
 * one or more variants (database lane, node flags and environment, e.g. `npm start`'s flags and none), each round
 * taking every receiver in turn. The embedded lane's variants share one PGlite data directory on disk; the
 * PostgreSQL lane's share one scratch database on the given server (on this machine, so the server's processes
 * compete for the same cores). Afterwards each database is opened and every event id answered 200 is looked up.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDatabase, type DatabaseOptions } from '../src/db/index.js';
import { cpuSeconds, freePort, spawnNode, spawnTs, stopChild, waitForHealth, type Child } from './child.js';
import { buildIfStale, startCommand } from './memory.js';
import { createScratchDatabase, type ScratchDatabase } from '../test/helpers/scratch-db.js';
import { eventBody, signedRequest, type SigningKeys } from './events.js';
import type { LoadOptions, LoadResult } from './load.js';

export interface IntakeOptions {
  connections: number;
  warmupMs: number;
  durationMs: number;
  encrypt: boolean;
  prebuild: number;
  /** Alternating baseline/bot rounds. */
  rounds: number;
  /** How the bot is started; every round runs each (in turn, the order reversed every other round). */
  variants: BotVariant[];
  /** A PostgreSQL server for the variants on that lane (a scratch database is created on it). */
  postgresUrl?: string;
}

export interface BotVariant {
  /** As printed, e.g. `npm start's flags`. */
  name: string;
  /** The embedded database (PGlite on disk) or a PostgreSQL server (`IntakeOptions.postgresUrl`). */
  lane: 'pglite' | 'postgres';
  /** Node flags before the script. */
  flags: string[];
  /** Added to the bot's environment. */
  env: Record<string, string>;
}

export interface ReceiverRun {
  load: LoadResult;
  /** The receiver process's CPU use during the measured window, in cores. */
  receiverCores: number;
}

export interface IntakeResult {
  /** One entry per round. */
  baseline: (ReceiverRun & { handled: number; badSignatureHandled: boolean })[];
  /** One list per variant (as in `IntakeOptions.variants`), one entry per round. */
  bot: (ReceiverRun & { badSignatureStatus: number; startupSeconds: number })[][];
  stored: { acked: number; stored: number; missing: number; unacknowledgedStored: number; sampleMissing: string[] };
  /** inbound_event rows by status when the bot had stopped: how far the worker got. */
  workerStatus: Record<string, number>;
  notifications: number;
  dataDir: string;
  /** The PostgreSQL lane's scratch database, when a variant ran there (kept when an event is missing). */
  postgresDatabase?: string;
}

const HOST = '127.0.0.1';
const PATH = '/webhook/event';

async function runLoad(
  port: number,
  receiver: Child,
  opts: IntakeOptions,
  keys: SigningKeys,
  tag: string,
  ackFile: string,
): Promise<ReceiverRun> {
  const loadOpts: LoadOptions = {
    host: HOST,
    port,
    path: PATH,
    connections: opts.connections,
    warmupMs: opts.warmupMs,
    durationMs: opts.durationMs,
    prebuild: opts.prebuild,
    tag,
    encrypt: opts.encrypt,
    ackFile,
    ...keys,
  };
  const gen = spawnTs('bench/load.ts', [JSON.stringify(loadOpts)], {});
  let cpuStart = NaN;
  let cpuEnd = NaN;
  gen.onLine('BENCH_WINDOW', (edge) => {
    if (edge === 'start') cpuStart = cpuSeconds(receiver.proc.pid);
    else cpuEnd = cpuSeconds(receiver.proc.pid);
  });
  const resultLine = await gen.line('BENCH_RESULT', opts.prebuild / 10 + opts.warmupMs + opts.durationMs + 120_000);
  const code = await gen.exited;
  if (code !== 0) throw new Error(`load generator exited with ${code}\n${gen.tail()}`);
  return { load: JSON.parse(resultLine) as LoadResult, receiverCores: (cpuEnd - cpuStart) / (opts.durationMs / 1000) };
}

/** One event with a wrong X-Lark-Signature; returns the HTTP status. */
async function sendBadSignature(url: string, keys: SigningKeys, tag: string, encrypt: boolean): Promise<number> {
  const req = signedRequest(eventBody(tag, 0, keys), keys, { encrypt, badSignature: true });
  const res = await fetch(url, { method: 'POST', headers: req.headers, body: req.body });
  await res.arrayBuffer();
  return res.status;
}

async function getHandled(port: number): Promise<number> {
  const res = await fetch(`http://${HOST}:${port}/stats`);
  return ((await res.json()) as { handled: number }).handled;
}

export async function runIntake(opts: IntakeOptions, progress: (msg: string) => void): Promise<IntakeResult> {
  const keys: SigningKeys = {
    encryptKey: `bench-encrypt-${randomBytes(8).toString('hex')}`,
    verificationToken: `bench-token-${randomBytes(8).toString('hex')}`,
  };
  const work = mkdtempSync(join(tmpdir(), 'bench-intake-'));
  const dataDir = join(work, 'data');
  const baselineRounds: IntakeResult['baseline'] = [];
  const botRounds: IntakeResult['bot'] = opts.variants.map(() => []);
  buildIfStale();
  const ackFiles: string[] = [];
  let scratch: ScratchDatabase | undefined;
  if (opts.variants.some((v) => v.lane === 'postgres')) {
    if (!opts.postgresUrl)
      throw new Error('a variant on PostgreSQL needs a server (BENCH_DATABASE_URL or TEST_DATABASE_URL)');
    scratch = await createScratchDatabase(opts.postgresUrl, 'bench_intake');
  }

  // The machine's speed drifts over minutes (shared CPUs), so the receivers take turns: baseline, bot, baseline, bot...
  // and each figure is the sum over its rounds. Only one receiver process is alive at a time.
  for (let round = 0; round < opts.rounds; round++) {
    const label = `round ${round + 1}/${opts.rounds}`;
    progress(`intake ${label}: baseline (SDK EventDispatcher + adaptKoa) ...`);
    baselineRounds.push(await baselineRound(opts, keys, `ba5e${round}000`, join(work, `baseline-acks-${round}.txt`)));
    // Later runs start on a bigger table: the variants take turns being first.
    const order = opts.variants.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const v of order) {
      const variant = opts.variants[v]!;
      const where = variant.lane === 'postgres' ? 'PostgreSQL' : 'embedded PGlite on disk';
      progress(`intake ${label}: bot, ${variant.name} (built, ${where}, worker running) ...`);
      const ackFile = join(work, `bot-acks-${round}-${v}.txt`);
      ackFiles.push(ackFile);
      const databaseUrl = variant.lane === 'postgres' ? scratch!.url : '';
      const tag = `b07${v}${round}000`;
      botRounds[v]!.push(await botRound(opts, variant, keys, tag, ackFile, dataDir, databaseUrl, progress));
    }
  }

  // --- every acknowledged event stored? ---
  progress('intake: checking the bot database ...');
  const acked = ackFiles.flatMap((file) => readFileSync(file, 'utf8').split('\n').filter(Boolean));
  const lanes = [
    ...(opts.variants.some((v) => v.lane === 'pglite') ? [readStored({ dataDir, migrate: false })] : []),
    ...(scratch ? [readStored({ url: scratch.url, dataDir, migrate: false })] : []),
  ];
  const read = await Promise.all(lanes);
  const storedIds = new Set(read.flatMap((r) => r.ids));
  const workerStatus: Record<string, number> = {};
  for (const r of read)
    for (const [status, n] of Object.entries(r.byStatus)) workerStatus[status] = (workerStatus[status] ?? 0) + n;
  const notifications = sum(read.map((r) => r.notifications));
  const ackedSet = new Set(acked);
  const missing = acked.filter((id) => !storedIds.has(id));
  const unacknowledgedStored = [...storedIds].filter((id) => !ackedSet.has(id)).length;
  const stored = {
    acked: acked.length,
    stored: storedIds.size,
    missing: missing.length,
    unacknowledgedStored,
    sampleMissing: missing.slice(0, 5),
  };
  if (missing.length === 0) {
    rmSync(work, { recursive: true, force: true });
    await scratch?.drop();
  }
  return {
    baseline: baselineRounds,
    bot: botRounds,
    stored,
    workerStatus,
    notifications,
    dataDir,
    ...(scratch && { postgresDatabase: scratch.name }),
  };
}

/** The Feishu event ids stored in one lane's database, its rows by status, and its notification count. */
async function readStored(where: DatabaseOptions) {
  const db = await openDatabase(where);
  try {
    const rows = await db.prisma.$queryRaw<
      { external_id: string }[]
    >`SELECT external_id FROM inbound_event WHERE source = 'feishu'`;
    const byStatus = await db.prisma.$queryRaw<{ status: string; n: number }[]>`
      SELECT status, count(*)::int AS n FROM inbound_event WHERE source = 'feishu' GROUP BY status ORDER BY status`;
    return {
      ids: rows.map((r) => r.external_id),
      byStatus: Object.fromEntries(byStatus.map((r) => [r.status, r.n])),
      notifications: await db.prisma.notification.count(),
    };
  } finally {
    await db.close();
  }
}

const sum = (xs: number[]) => xs.reduce((n, x) => n + x, 0);

async function baselineRound(
  opts: IntakeOptions,
  keys: SigningKeys,
  tag: string,
  ackFile: string,
): Promise<IntakeResult['baseline'][number]> {
  const baseline = spawnTs('bench/baseline-receiver.ts', [], {
    PORT: '0',
    FEISHU_ENCRYPT_KEY: keys.encryptKey,
    FEISHU_VERIFICATION_TOKEN: keys.verificationToken,
  });
  try {
    const basePort = Number(await baseline.line('BENCH_READY', 30_000));
    const before = await getHandled(basePort);
    await sendBadSignature(`http://${HOST}:${basePort}${PATH}`, keys, 'badbad00', opts.encrypt);
    const badSignatureHandled = (await getHandled(basePort)) !== before;
    const run = await runLoad(basePort, baseline, opts, keys, tag, ackFile);
    return { ...run, handled: (await getHandled(basePort)) - before, badSignatureHandled };
  } finally {
    await stopChild(baseline);
  }
}

/** The bot on `dataDir`: the first round migrates a fresh database, later ones start on the previous rounds' data. */
async function botRound(
  opts: IntakeOptions,
  variant: BotVariant,
  keys: SigningKeys,
  tag: string,
  ackFile: string,
  dataDir: string,
  databaseUrl: string,
  progress: (msg: string) => void,
): Promise<IntakeResult['bot'][number][number]> {
  const port = await freePort();
  const t0 = Date.now();
  // BENCH_CPU_PROF_DIR=dir: V8 CPU profiles of the bot's threads (the database thread reads it too), per variant.
  const profDir = process.env.BENCH_CPU_PROF_DIR && join(process.env.BENCH_CPU_PROF_DIR, variantSlug(variant.name));
  const profile = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  const script = startCommand().filter((a) => !a.startsWith('-'));
  const bot = spawnNode([...variant.flags, ...profile, ...script], {
    ...variant.env,
    ...(profDir && { BENCH_CPU_PROF_DIR: profDir }),
    PORT: String(port),
    HOST,
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    FEISHU_ENCRYPT_KEY: keys.encryptKey,
    FEISHU_VERIFICATION_TOKEN: keys.verificationToken,
    FEISHU_APP_ID: '',
    FEISHU_APP_SECRET: '',
  });
  try {
    await waitForHealth(`http://${HOST}:${port}/healthz`, 120_000, bot);
    const startupSeconds = (Date.now() - t0) / 1000;
    const badSignatureStatus = await sendBadSignature(
      `http://${HOST}:${port}${PATH}`,
      keys,
      `bad0${tag}`.slice(0, 8),
      opts.encrypt,
    );
    const run = await runLoad(port, bot, opts, keys, tag, ackFile);
    return { ...run, badSignatureStatus, startupSeconds };
  } finally {
    const code = await stopChild(bot);
    if (code !== 0) progress(`intake: the bot exited with code ${code}\n${bot.tail()}`);
  }
}

const variantSlug = (name: string) => name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'none';
