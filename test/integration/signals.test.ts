/**
 * SIGTERM (container runtimes, systemd) and SIGINT (Ctrl-C) stop the bot gracefully, whether they reach `npm start`'s
 * process or the bot's own process (`node dist/src/main.js`): it exits 0, and its port and the data directory's
 * lock are released. The bot runs from the built output, as in production.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/db/data-dir-lock.js';

const root = join(import.meta.dirname, '../..');

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

/** Whether something listens on the port: a server of our own can take it only once the bot has let it go. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await cond()); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};

/** The pid of `pid`'s one child (npm's child is the bot: the start script execs node). */
function childOf(pid: number): number | undefined {
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return kids.length ? Number(kids[0]) : undefined;
  } catch {
    return undefined;
  }
}

describe('signals stop the bot gracefully (built output)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bot-signals-'));
  const started: ChildProcess[] = [];

  beforeAll(() => {
    const r = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
  }, 300_000);
  afterAll(() => {
    for (const c of started) if (c.pid && alive(c.pid)) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cases = [
    { how: 'npm start', signal: 'SIGTERM', to: "npm's process" },
    { how: 'npm start', signal: 'SIGINT', to: 'the process group (Ctrl-C in a terminal)' },
    { how: 'node', signal: 'SIGTERM', to: "the bot's process" },
    { how: 'node', signal: 'SIGINT', to: "the bot's process" },
  ] as const;

  for (const c of cases) {
    it(`${c.how}: ${c.signal} to ${c.to} stops it, exit 0, port and ${LOCK_FILE} released`, async () => {
      const port = await freePort();
      const command = c.how === 'npm start' ? ['npm', ['start']] : [process.execPath, ['dist/src/main.js']];
      const child = spawn(command[0] as string, command[1] as string[], {
        cwd: root,
        // its own process group, so that the group can be signalled as a terminal would
        detached: true,
        env: {
          ...process.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          DATA_DIR: dataDir,
          DATABASE_URL: '',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      started.push(child);
      let output = '';
      child.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
      child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
      const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await until(
        async () => {
          if (child.exitCode !== null) throw new Error(`exited early (${child.exitCode}):\n${output}`);
          return fetch(`http://127.0.0.1:${port}/healthz`).then(
            (r) => r.ok,
            () => false,
          );
        },
        240_000,
        `/healthz on port ${port}`,
      );
      const bot = c.how === 'npm start' ? childOf(child.pid!) : child.pid!;
      expect(bot, 'the bot process').toBeDefined();
      expect(existsSync(join(dataDir, LOCK_FILE))).toBe(true);

      if (c.signal === 'SIGINT' && c.how === 'npm start') process.kill(-child.pid!, 'SIGINT');
      else child.kill(c.signal);

      expect(await exit).toBe(0);
      await until(() => !alive(bot!), 60_000, 'the bot process to end');
      expect(output).toContain('"msg":"stopped"');
      expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
      expect(await portFree(port)).toBe(true);
    }, 360_000);
  }
});
