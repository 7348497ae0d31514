import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A bot instance as its own process, exactly as `npm start` runs it. */
export interface Instance {
  child: ChildProcess;
  url: string;
  /** Everything it wrote to stderr and stdout so far (the end of it). */
  output(): string;
  exited: Promise<number | null>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Spawns `src/main.ts` on a free port; does not wait for it to be ready (see `waitHealthy`). */
export function spawnInstance(env: Record<string, string>, port: number): Instance {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, url: `http://127.0.0.1:${port}`, output: () => out, exited };
}

/** Starts `n` instances at the same instant (ports chosen first) and returns them without waiting. */
export async function spawnInstances(n: number, env: Record<string, string>): Promise<Instance[]> {
  const ports = await Promise.all(Array.from({ length: n }, freePort));
  return ports.map((port) => spawnInstance(env, port));
}

/** Resolves when `/healthz` answers 200; rejects with the instance's output if it exits first or takes too long. */
export async function waitHealthy(inst: Instance, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (inst.child.exitCode !== null || inst.child.signalCode !== null) {
      throw new Error(
        `${inst.url} exited (${inst.child.exitCode ?? inst.child.signalCode}) before it was healthy:\n` +
          inst.output().slice(-3000),
      );
    }
    const ok = await fetch(`${inst.url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`${inst.url} not healthy after ${timeoutMs} ms:\n${inst.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGTERM (a clean stop) or SIGKILL; resolves once the process is gone. */
export async function stopInstance(inst: Instance, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (inst.child.exitCode === null && inst.child.signalCode === null) inst.child.kill(signal);
  const timer = setTimeout(() => inst.child.kill('SIGKILL'), 30_000);
  await inst.exited;
  clearTimeout(timer);
}

const CARD = JSON.stringify({ schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'scale-out test' }] } });

/** Queues cards in the outbox directly (as the inbox worker would), one per recipient open_id; returns their uuids. */
export async function queueCards(url: string, prefix: string, recipients: string[]): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const uuids = recipients.map((_, i) => `${prefix}-${i}`);
    await c.query(
      `INSERT INTO notification (dedupe_key, kind, receive_id_type, receive_id, content, uuid)
       SELECT 'test:' || u, 'test', 'open_id', r, $3, u FROM unnest($1::text[], $2::text[]) AS t(r, u)`,
      [recipients, uuids, CARD],
    );
    return uuids;
  } finally {
    await c.end();
  }
}

/** Notification rows by status. */
export async function outboxStatus(url: string): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM notification GROUP BY status',
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  } finally {
    await c.end();
  }
}
