import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FeishuEmulator } from '../../src/emulator/feishu/index.js';
import { postEvent, v2Event } from '../helpers/feishu-events.js';
import { ENCRYPT_KEY, VERIFICATION_TOKEN, eventually } from '../helpers/harness.js';
import { sample, scrape } from '../helpers/metrics.js';

const N = 1000;
const ENTERED = 'im.chat.access_event.bot_p2p_chat_entered_v1';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The bot as its own process, exactly as `npm start` runs it. */
async function startBotProcess(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () => (await fetch(`${url}/healthz`)).ok,
    60_000,
    `the bot process to start (${stderr.slice(-500)})`,
  );
  return { child, url };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Runs `npm start`'s entry point and resolves with its exit code and output, for a bot that must refuse to start. */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe('crash: SIGKILL while 1,000 events are delivered and processed', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bot-crash-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('after a restart, every acknowledged event results in exactly one card', async () => {
    const emu = await FeishuEmulator.start({
      appRatePerSecond: 200,
      appRatePerMinute: null,
      users: Array.from({ length: N }, (_, i) => ({ open_id: `ou_c${i}`, user_id: `c${i}`, name: `C${i}` })),
    });
    const env = {
      DATA_DIR: dataDir,
      FEISHU_APP_ID: emu.appId,
      FEISHU_APP_SECRET: emu.appSecret,
      FEISHU_DOMAIN: emu.url,
      FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
      FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
      FEISHU_SEND_RATE_PER_SECOND: '200',
      FEISHU_SEND_RATE_PER_MINUTE: '0',
      WORKER_POLL_MS: '50',
      OUTBOX_RETRY_BASE_MS: '50',
      OUTBOX_RETRY_MAX_MS: '500',
    };
    const events = Array.from({ length: N }, (_, i) =>
      v2Event(ENTERED, { operator_id: { open_id: `ou_c${i}` } }, { eventId: `crash-${i}` }),
    );
    const acknowledged = new Set<number>();
    let bot = await startBotProcess(env);
    try {
      let next = 0;
      let killed = false;
      const sender = async () => {
        while (next < N) {
          // The bot acknowledges first and works off its backlog in the lulls of a flood: the last 300 events wait
          // until it has sent cards, so that the kill lands while events are both arriving and being processed.
          if (!killed && next >= N - 300) {
            await eventually(() => killed || emu.messages.length >= 10, 60_000, 'cards sent before the kill');
          }
          if (next >= N) break;
          const i = next++;
          try {
            const res = await postEvent(`${bot.url}/webhook/event`, events[i]!, { encryptKey: ENCRYPT_KEY });
            if (res.status === 200) acknowledged.add(i);
          } catch {
            // connection refused or reset: the bot is dead, Feishu would retry later
          }
          if (!killed && acknowledged.size >= 400 && emu.messages.length >= 10) {
            killed = true;
            bot.child.kill('SIGKILL');
          }
          // During a flood the bot acknowledges first and processes in slices; once 400 are in, Feishu's pushes
          // continue at a steadier pace, so the kill lands while events are both arriving and being processed.
          if (!killed && acknowledged.size >= 400) await new Promise((r) => setTimeout(r, 20));
        }
      };
      await Promise.all(Array.from({ length: 20 }, sender));
      expect(killed).toBe(true);
      expect(acknowledged.size).toBeGreaterThanOrEqual(400);
      expect(acknowledged.size).toBeLessThan(N);

      // Restart on the same data directory (the killed run's lock is stale);
      // Feishu re-pushes what was not acknowledged.
      await exited(bot.child);
      bot = await startBotProcess(env);
      // While it runs, a second bot on the same data directory refuses to start instead of corrupting it.
      const second = await runToExit(env);
      expect(second.code).toBe(1);
      expect(second.output).toContain('is in use by another bot');
      const missing = events.map((_, i) => i).filter((i) => !acknowledged.has(i));
      for (const i of missing) {
        const res = await postEvent(`${bot.url}/webhook/event`, events[i]!, { encryptKey: ENCRYPT_KEY });
        expect(res.status).toBe(200);
      }
      await eventually(
        () => new Set(emu.messages.map((m) => m.receive_id)).size === N,
        90_000,
        'a card for every event',
      );
      // Then until nothing is left to do (read from its /metrics): a card still queued would be a second one.
      await eventually(
        async () => {
          const text = await scrape(bot.url);
          const open = [
            ['inbox', 'pending'],
            ['inbox', 'processing'],
            ['outbox', 'waiting'],
            ['outbox', 'pending'],
            ['outbox', 'sending'],
          ].map(([queue, status]) => sample(text, 'bot_queue_depth', { queue: queue!, status: status! }));
          return open.every((n) => n === 0);
        },
        30_000,
        'the bot to have no work left',
      );
      const perUser = new Map<string, number>();
      for (const m of emu.messages) perUser.set(m.receive_id, (perUser.get(m.receive_id) ?? 0) + 1);
      for (const i of acknowledged) expect(perUser.get(`ou_c${i}`)).toBe(1);
      expect(emu.messages).toHaveLength(N);
    } finally {
      bot.child.kill('SIGTERM');
      await new Promise((r) => bot.child.once('exit', r));
      await emu.stop();
    }
  }, 240_000);
});
