/**
 * The load generator, run as its own process (`node --import tsx bench/load.ts '<options json>'`) so it does not
 * share the receiver's event loop. It keeps `connections` keep-alive TCP connections busy, one request at a time
 * each (no pipelining), with unique signed v2 events built before the clock starts. It speaks HTTP/1.1 over raw
 * sockets with pre-serialised requests: far cheaper per request than node:http's client, which matters when the
 * generator and the receiver share two cores.
 *
 * stdout: `BENCH_WINDOW start|end` at the edges of the measured window, then `BENCH_RESULT <json>`.
 */
import { connect, type Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { eventBody, eventId, rawHttpRequest, signedRequest, type SigningKeys } from './events.js';

export interface LoadOptions extends SigningKeys {
  host: string;
  port: number;
  path: string;
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** Requests built before the clock starts; more are built on the fly if the receiver outruns them. */
  prebuild: number;
  /** Makes event ids unique to this run. */
  tag: string;
  encrypt: boolean;
  /** Newline-separated event ids of every request answered 200 (warm-up and drain included). */
  ackFile?: string;
}

export interface LoadResult {
  /** Responses completed inside the measured window, and the window's length. */
  completed: number;
  windowSeconds: number;
  eventsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Over the whole run (warm-up, window, drain). */
  sent: number;
  statusCounts: Record<string, number>;
  non2xx: number;
  socketErrors: number;
  acked: number;
  builtOnTheFly: number;
  prebuildSeconds: number;
  /** The generator's own CPU use during the window, in cores (1.0 = one core busy). */
  generatorCores: number;
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

async function run(opts: LoadOptions): Promise<LoadResult> {
  const hostHeader = `${opts.host}:${opts.port}`;
  const build = (i: number) =>
    rawHttpRequest(hostHeader, opts.path, signedRequest(eventBody(opts.tag, i, opts), opts, { encrypt: opts.encrypt }));

  const t0Build = performance.now();
  const prebuilt: (Buffer | undefined)[] = new Array<Buffer | undefined>(opts.prebuild);
  for (let i = 0; i < opts.prebuild; i++) prebuilt[i] = build(i);
  const prebuildSeconds = (performance.now() - t0Build) / 1000;

  let next = 0;
  let builtOnTheFly = 0;
  const take = (): { idx: number; buf: Buffer } => {
    const idx = next++;
    const buf = prebuilt[idx];
    if (buf) {
      prebuilt[idx] = undefined; // let it be collected once sent
      return { idx, buf };
    }
    builtOnTheFly++;
    return { idx, buf: build(idx) };
  };

  const statusCounts: Record<string, number> = {};
  const acked: number[] = [];
  const latencies: number[] = [];
  let completed = 0;
  let socketErrors = 0;
  let sent = 0;
  let stopping = false;
  let windowStart = Infinity;
  let windowEnd = Infinity;

  const onResponse = (idx: number, start: number, status: number) => {
    const now = performance.now();
    statusCounts[status] = (statusCounts[status] ?? 0) + 1;
    if (status === 200) acked.push(idx);
    if (now >= windowStart && now < windowEnd) {
      completed++;
      latencies.push(now - start);
    }
  };

  /** One keep-alive connection issuing requests back to back until `stopping`; resolves when idle. */
  const connection = () =>
    new Promise<void>((resolveIdle) => {
      let socket: Socket;
      let pending: { idx: number; start: number } | undefined;
      let buf: Buffer | undefined;

      const sendNext = () => {
        if (stopping) {
          socket.end();
          resolveIdle();
          return;
        }
        const { idx, buf: request } = take();
        pending = { idx, start: performance.now() };
        sent++;
        socket.write(request);
      };

      const open = () => {
        buf = undefined;
        socket = connect({ host: opts.host, port: opts.port });
        socket.setNoDelay(true);
        socket.on('connect', sendNext);
        socket.on('data', (chunk: Buffer) => {
          buf = buf ? Buffer.concat([buf, chunk]) : chunk;
          const headerEnd = buf.indexOf('\r\n\r\n');
          if (headerEnd < 0 || !pending) return;
          const head = buf.toString('latin1', 0, headerEnd);
          const status = Number(head.slice(9, 12));
          const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
          let total: number;
          if (length) total = headerEnd + 4 + Number(length[1]);
          else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
            const end = buf.indexOf('\r\n0\r\n\r\n', headerEnd);
            if (end < 0) return;
            total = end + 7;
          } else if (status === 204 || status === 304) total = headerEnd + 4;
          else throw new Error(`response without a length: ${head}`);
          if (buf.length < total) return;
          const { idx, start } = pending;
          pending = undefined;
          buf = undefined;
          onResponse(idx, start, status);
          if (/\r\nconnection:\s*close/i.test(head)) {
            socket.destroy();
            if (stopping) resolveIdle();
            else open();
          } else sendNext();
        });
        socket.on('error', () => {});
        socket.on('close', () => {
          if (!pending) return;
          pending = undefined;
          socketErrors++;
          if (socketErrors > 1000) throw new Error('more than 1000 socket errors: is the receiver up?');
          if (stopping) resolveIdle();
          else setTimeout(open, 10);
        });
      };
      open();
    });

  const start = performance.now();
  windowStart = start + opts.warmupMs;
  windowEnd = windowStart + opts.durationMs;
  let cpuAtStart = process.cpuUsage();
  let cores = NaN;
  setTimeout(
    () => {
      cpuAtStart = process.cpuUsage();
      process.stdout.write('BENCH_WINDOW start\n');
    },
    Math.max(0, windowStart - performance.now()),
  );
  setTimeout(
    () => {
      const cpu = process.cpuUsage(cpuAtStart);
      cores = (cpu.user + cpu.system) / 1000 / opts.durationMs;
      process.stdout.write('BENCH_WINDOW end\n');
      stopping = true;
    },
    Math.max(0, windowEnd - performance.now()),
  );

  await Promise.all(Array.from({ length: opts.connections }, connection));

  if (opts.ackFile) writeFileSync(opts.ackFile, acked.map((i) => eventId(opts.tag, i)).join('\n'));
  const sorted = Float64Array.from(latencies).sort();
  const windowSeconds = opts.durationMs / 1000;
  const non2xx = Object.entries(statusCounts).reduce(
    (n, [s, c]) => (Number(s) >= 200 && Number(s) < 300 ? n : n + c),
    0,
  );
  return {
    completed,
    windowSeconds,
    eventsPerSecond: completed / windowSeconds,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    sent,
    statusCounts,
    non2xx,
    socketErrors,
    acked: acked.length,
    builtOnTheFly,
    prebuildSeconds,
    generatorCores: cores,
  };
}

const arg = process.argv[2];
if (!arg) {
  console.error("usage: node --import tsx bench/load.ts '<LoadOptions json>'");
  process.exit(2);
}
const result = await run(JSON.parse(arg) as LoadOptions);
process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
