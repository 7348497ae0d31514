/**
 * One bot per embedded data directory. PGlite is a single-process database: a second process opening the same
 * files would corrupt them. The lock is a file holding the owner's pid, host and (on Linux) the process's start time,
 * created exclusively. A lock left by a process that is gone (killed, or the machine restarted) is taken over; a live
 * owner is refused. A zombie (exited, not yet reaped by its parent) and a pid now used by another process (the start
 * time differs) count as gone, so a supervisor that restarts the bot at once is not refused.
 */
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'bot.lock';

export class DataDirInUse extends Error {
  constructor(dataDir: string, owner: string) {
    super(
      `the data directory ${dataDir} is in use by another bot (${owner}). ` +
        'Two processes on one embedded database would corrupt it: stop the other one, ' +
        'or give this one its own DATA_DIR (several instances need DATABASE_URL).',
    );
    this.name = 'DataDirInUse';
  }
}

interface Owner {
  pid: number;
  host: string;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat field 22), where /proc exists. */
  start?: number;
}

/** What /proc says about a process: its state letter and start time; undefined when it does not exist or no /proc. */
export function procStat(pid: number): { state: string; start: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may contain spaces and parentheses, so split after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, start: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

/** Takes the lock on `dataDir` (which must exist); returns the function that releases it. */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  const start = procStat(process.pid)?.start;
  const me: Owner = { pid: process.pid, host: hostname(), ...(start !== undefined ? { start } : {}) };
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
    if (typeof o.pid !== 'number' || typeof o.host !== 'string') return undefined;
    return { pid: o.pid, host: o.host, ...(typeof o.start === 'number' ? { start: o.start } : {}) };
  } catch {
    return undefined; // unreadable or half-written: nobody can be holding it properly
  }
}

/**
 * Whether the lock's owner still runs. Another host's process cannot be checked, so it counts as alive. Our own pid
 * means a previous run with the same pid (a container restarted as pid 1), which is gone. Where /proc tells more, a
 * zombie or dead process is gone, and so is the owner when the pid now belongs to a process started at another time.
 */
function isAlive(owner: Owner, me: Owner): boolean {
  if (owner.host !== me.host) return true;
  if (owner.pid === me.pid) return false;
  const proc = procStat(owner.pid);
  if (proc) {
    if (proc.state === 'Z' || proc.state === 'X' || proc.state === 'x') return false;
    if (owner.start !== undefined && proc.start !== owner.start) return false;
    return true;
  }
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
