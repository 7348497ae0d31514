import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirInUse, LOCK_FILE, lockDataDir, procStat } from '../../src/db/data-dir-lock.js';

const linux = procStat(process.pid) !== undefined;

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !cond(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

describe('the embedded data directory lock', () => {
  let dir: string;
  const lockPath = () => join(dir, LOCK_FILE);
  const writeLock = (owner: unknown) => writeFileSync(lockPath(), JSON.stringify(owner));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bot-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is taken with this process as owner and released', () => {
    const release = lockDataDir(dir);
    const start = procStat(process.pid)?.start;
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toEqual({
      pid: process.pid,
      host: hostname(),
      ...(linux ? { start } : {}),
    });
    release();
    expect(existsSync(lockPath())).toBe(false);
  });

  it('refuses a directory held by a live process, and leaves its lock alone', () => {
    const owner = { pid: process.ppid, host: hostname() };
    writeLock(owner);
    expect(() => lockDataDir(dir)).toThrow(DataDirInUse);
    expect(() => lockDataDir(dir)).toThrow(`pid ${process.ppid}`);
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toEqual(owner);
  });

  it('refuses a lock from another host, whose process it cannot check', () => {
    writeLock({ pid: 1, host: `not-${hostname()}` });
    expect(() => lockDataDir(dir)).toThrow(DataDirInUse);
  });

  it('takes over the lock of a process that is gone (a SIGKILL, a restart)', () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    writeLock({ pid: gone, host: hostname() });
    lockDataDir(dir)();
    writeLock({ pid: process.pid, host: hostname() }); // a restarted container's pid 1 finds its own pid
    lockDataDir(dir)();
    writeFileSync(lockPath(), '{"pid":'); // half-written by a process killed while writing it
    const release = lockDataDir(dir);
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toMatchObject({ pid: process.pid });
    release();
  });

  describe.runIf(linux)('where /proc tells the state and start time of a process', () => {
    const children: ChildProcess[] = [];
    afterEach(() => {
      for (const c of children.splice(0)) c.kill('SIGKILL');
    });

    /** A child that outlives the test unless killed; its pid is alive while it runs. */
    const sleeper = () => {
      const c = spawn('sleep', ['60'], { stdio: 'ignore' });
      children.push(c);
      return c.pid!;
    };

    it('takes over the lock of a zombie: exited, not yet reaped by its parent', async () => {
      // `sh` starts a short-lived child, prints its pid and becomes `sleep`, which never reaps it. The child outlives
      // the `exec` (0.3 s), so the shell cannot have reaped it before it became `sleep`.
      const parent = spawn('sh', ['-c', 'sleep 0.3 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
      children.push(parent);
      const zombie = Number(
        await new Promise<string>((resolve) => parent.stdout!.once('data', (d: Buffer) => resolve(d.toString()))),
      );
      await until(() => procStat(zombie)?.state === 'Z', 10_000, `pid ${zombie} to be a zombie`);
      expect(() => process.kill(zombie, 0)).not.toThrow(); // what made the old check count it as alive
      writeLock({ pid: zombie, host: hostname(), start: procStat(zombie)!.start });
      const release = lockDataDir(dir);
      expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toMatchObject({ pid: process.pid });
      release();
    });

    it('takes over a lock whose pid now belongs to a process started at another time', () => {
      const pid = sleeper();
      writeLock({ pid, host: hostname(), start: procStat(pid)!.start - 1 });
      lockDataDir(dir)();
    });

    it('refuses the live owner whose start time matches, and an older lock without a start time', () => {
      const pid = sleeper();
      const owner = { pid, host: hostname(), start: procStat(pid)!.start };
      writeLock(owner);
      expect(() => lockDataDir(dir)).toThrow(DataDirInUse);
      expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toEqual(owner);
      writeLock({ pid, host: hostname() });
      expect(() => lockDataDir(dir)).toThrow(DataDirInUse);
    });
  });
});
