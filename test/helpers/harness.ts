import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { startBot, type Bot, type StartOptions } from '../../src/bot.js';
import type { Database } from '../../src/db/index.js';
import { FeishuEmulator } from '../../src/emulator/feishu/index.js';
import type { FeishuEmulatorOptions } from '../../src/emulator/feishu/index.js';
import { DEFAULT_VERIFICATION_TOKEN } from './feishu-events.js';
import { createTestDatabase, type Lane, type TestDatabase } from './databases.js';

export const ENCRYPT_KEY = 'test-encrypt-key-0123';
export const VERIFICATION_TOKEN = DEFAULT_VERIFICATION_TOKEN;

/** Collects log lines so tests can assert on them (and that secrets are absent). */
export class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      this.raw.push(line);
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    cb();
  }
  text(): string {
    return this.raw.join('\n');
  }
}

export interface HarnessOptions {
  lane?: Lane;
  env?: Record<string, string>;
  /** false: no emulator and no Feishu credentials. */
  emulator?: FeishuEmulatorOptions | false;
  background?: boolean;
  /** A directory for the embedded database, so it survives restarts (default in memory). */
  dataDir?: string;
  /** Business time (default: the system clock). */
  clock?: StartOptions['clock'];
  /** The kinds of scheduled jobs (default: the bot's own). */
  jobKinds?: StartOptions['jobKinds'];
}

export interface Harness {
  bot: Bot;
  emu: FeishuEmulator | undefined;
  config: Config;
  log: Logger;
  logs: LogCapture;
  db: Database;
  testDb: TestDatabase;
  eventUrl: string;
  /** Restart the bot on the same database (a new process would do the same). */
  restart(env?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

export function testConfig(env: Record<string, string | undefined>): Config {
  return loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'info',
    FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
    FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
    WORKER_POLL_MS: '50',
    OUTBOX_RETRY_BASE_MS: '20',
    OUTBOX_RETRY_MAX_MS: '200',
    ...env,
  });
}

/** The real server on a random port, on a fresh database, talking to a fresh Feishu emulator. */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const emu = opts.emulator === false ? undefined : await FeishuEmulator.start(opts.emulator ?? {});
  const testDb = await createTestDatabase(opts.lane ?? 'pglite', opts.dataDir);
  const logs = new LogCapture();
  const log = createLogger('info', logs);
  const feishuEnv = emu ? { FEISHU_APP_ID: emu.appId, FEISHU_APP_SECRET: emu.appSecret, FEISHU_DOMAIN: emu.url } : {};
  let env = { ...feishuEnv, ...opts.env };
  let db = await testDb.open();
  let config = testConfig(env);
  let bot = await startBot({
    config,
    log,
    database: db,
    background: opts.background,
    clock: opts.clock,
    jobKinds: opts.jobKinds,
  });

  const h: Harness = {
    bot,
    emu,
    config,
    log,
    logs,
    db,
    testDb,
    eventUrl: `${bot.url}/webhook/event`,
    async restart(extra = {}) {
      await bot.stop();
      env = { ...env, ...extra };
      db = await (testDb.url || testDb.dataDir !== 'memory://'
        ? testDb.open()
        : Promise.reject(new Error('an in-memory database cannot survive a restart; pass a dataDir')));
      config = testConfig(env);
      bot = await startBot({
        config,
        log,
        database: db,
        background: opts.background,
        clock: opts.clock,
        jobKinds: opts.jobKinds,
      });
      Object.assign(h, { bot, db, config, eventUrl: `${bot.url}/webhook/event` });
    },
    async stop() {
      await bot.stop();
      await emu?.stop();
      await testDb.dispose();
    },
  };
  return h;
}

/** Polls until `fn` returns a truthy value (or throws after `timeoutMs`). */
export async function eventually<T>(
  fn: () => Promise<T> | T,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
