import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirInUse, LOCK_FILE, lockDataDir } from '../../src/db/data-dir-lock.js';

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
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toEqual({ pid: process.pid, host: hostname() });
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
});
