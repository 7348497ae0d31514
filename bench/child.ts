/**
 * Child processes for the benchmark: spawn a TypeScript entry point, read its marker lines, stop it, measure its CPU.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface Child {
  proc: ChildProcess;
  /** Resolves with the rest of the first stdout line that starts with `marker ` (lines already seen count). */
  line(marker: string, timeoutMs: number): Promise<string>;
  /** Calls `fn` for each later stdout line starting with `marker `. */
  onLine(marker: string, fn: (rest: string) => void): void;
  exited: Promise<number | null>;
  /** The last few KB of stdout and stderr, for error messages. */
  tail(): string;
}

/** `node --import tsx <script> ...args`, from the repository root, with `env` added to this process's environment. */
export function spawnTs(script: string, args: string[], env: Record<string, string>): Child {
  // BENCH_CPU_PROF_DIR=dir writes a V8 CPU profile of the bot process (src/main.ts) there, for `--cpu-prof` analysis.
  const profile =
    process.env.BENCH_CPU_PROF_DIR && script === 'src/main.ts'
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`]
      : [];
  const flags = script === 'src/main.ts' ? (botNodeFlags() ?? []) : [];
  return spawnNode([...flags, ...profile, '--import', 'tsx', script, ...args], env, script);
}

/**
 * BENCH_BOT_NODE_FLAGS="--flag ..." sets the node flags the bot is started with (the empty string: none), to compare
 * e.g. `npm start`'s flags with node's defaults; undefined when it is not set (each figure keeps its own default).
 */
export function botNodeFlags(): string[] | undefined {
  const v = process.env.BENCH_BOT_NODE_FLAGS;
  return v === undefined ? undefined : v.split(/\s+/).filter(Boolean);
}

/** `node ...nodeArgs` from the repository root (e.g. the built bot, `dist/src/main.js`), like `spawnTs`. */
export function spawnNode(nodeArgs: string[], env: Record<string, string>, script = nodeArgs.join(' ')): Child {
  const proc = spawn(process.execPath, nodeArgs, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (s: string) => (tail = (tail + s).slice(-4000));
  const seen: string[] = [];
  const listeners: { marker: string; fn: (rest: string) => void }[] = [];
  let partial = '';
  proc.stdout!.setEncoding('utf8');
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', keep);
  proc.stdout!.on('data', (chunk: string) => {
    keep(chunk);
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const l of lines) {
      seen.push(l);
      if (seen.length > 100) seen.shift();
      for (const { marker, fn } of listeners) if (l.startsWith(`${marker} `)) fn(l.slice(marker.length + 1));
    }
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const child: Child = {
    proc,
    exited,
    tail: () => tail,
    onLine: (marker, fn) => listeners.push({ marker, fn }),
    line: (marker, timeoutMs) =>
      new Promise((resolve, reject) => {
        const old = seen.find((l) => l.startsWith(`${marker} `));
        if (old !== undefined) return resolve(old.slice(marker.length + 1));
        const timer = setTimeout(
          () => reject(new Error(`${script}: no "${marker}" line within ${timeoutMs} ms\n${tail}`)),
          timeoutMs,
        );
        child.onLine(marker, (rest) => {
          clearTimeout(timer);
          resolve(rest);
        });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`${script} exited (${code}) before printing "${marker}"\n${tail}`));
        });
      }),
  };
  return child;
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Resolves with the exit code. */
export async function stopChild(child: Child, graceMs = 30_000): Promise<number | null> {
  if (child.proc.exitCode !== null) return child.proc.exitCode;
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), graceMs);
  const code = await child.exited;
  clearTimeout(timer);
  return code;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function waitForHealth(url: string, timeoutMs: number, child: Child): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.proc.exitCode !== null)
      throw new Error(`the process exited (${child.proc.exitCode}) before ${url} answered\n${child.tail()}`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms\n${child.tail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ticksPerSecond = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, from /proc; NaN where there is no /proc. */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return NaN;
  }
}
