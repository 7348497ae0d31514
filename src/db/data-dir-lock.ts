/**
 * One bot per embedded data directory. PGlite is a single-process database: a second process opening the same
 * files would corrupt them. The lock is a file holding the owner's pid and host, created exclusively. A lock left
 * by a process that is gone (killed, or the machine restarted) is taken over; a live owner is refused.
 */
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'bot.lock';

export class DataDirInUse extends Error {
  constructor(dataDir: string, owner: string) {
    super(
      `the data directory ${dataDir} is in use by another bot (${owner}). Two processes on one embedded database would ` +
        `corrupt it: stop the other one, or give this one its own DATA_DIR (several instances need DATABASE_URL).`,
    );
    this.name = 'DataDirInUse';
  }
}

interface Owner {
  pid: number;
  host: string;
}

/** Takes the lock on `dataDir` (which must exist); returns the function that releases it. */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  const me: Owner = { pid: process.pid, host: hostname() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readOwner(path);
    if (owner && isAlive(owner, me)) throw new DataDirInUse(dataDir, `pid ${owner.pid} on ${owner.host}`);
    // The owner is gone: its lock is stale.
    rmSync(path, { force: true });
  }
  throw new DataDirInUse(dataDir, 'another process took the lock at the same moment');
}

function readOwner(path: string): Owner | undefined {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<Owner>;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? { pid: o.pid, host: o.host } : undefined;
  } catch {
    return undefined; // unreadable or half-written: nobody can be holding it properly
  }
}

/**
 * Whether the lock's owner still runs. Another host's process cannot be checked, so it counts as alive. Our own pid
 * means a previous run with the same pid (a container restarted as pid 1), which is gone.
 */
function isAlive(owner: Owner, me: Owner): boolean {
  if (owner.host !== me.host) return true;
  if (owner.pid === me.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
