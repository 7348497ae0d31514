/**
 * Refusals sent before the body was read (401, 413, 415) reach a client that is still sending: the answer says
 * `Connection: close`, the rest of the body is read and discarded (a lingering close), and only then does the
 * connection close, so the client sees the answer and no reset. A client that keeps sending is cut off at a bound.
 * Raw sockets, so that what the client sees is exactly what the server sent.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { ALM_PASSWORD, ALM_USER, QSY_KEY, basicAuth } from '../helpers/sources.js';

interface Exchange {
  status: number | undefined;
  headers: string;
  body: string;
  /** The error the client's socket reported, if any (ECONNRESET, EPIPE...). */
  error: string | undefined;
  /** Body bytes the client managed to hand to its socket. */
  written: number;
}

/**
 * Sends `head`, then each chunk of `body` as the socket takes it (waiting for 'drain'), and resolves once the
 * connection is closed, with what came back. Once `pauseAt` body bytes are sent, it waits until the whole answer
 * has arrived before it sends the rest: the server has refused by then, so the rest surely arrives after the refusal.
 */
function exchange(
  port: number,
  head: string,
  body: AsyncIterable<Buffer> | Iterable<Buffer>,
  pauseAt = 0,
): Promise<Exchange> {
  return new Promise((resolve) => {
    // Half-open allowed: like a client that does not read while it sends, it keeps sending after the server's end.
    const s: Socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const received: Buffer[] = [];
    let error: string | undefined;
    let written = 0;
    let onAnswer: () => void = () => {};
    const answered = new Promise<void>((r) => (onAnswer = r));
    const parse = () => {
      const text = Buffer.concat(received).toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})[^\r]*\r\n([^]*?)\r\n\r\n([^]*)$/.exec(text);
      return m && { status: Number(m[1]), headers: m[2]!, body: m[3]! };
    };
    s.on('data', (d: Buffer) => {
      received.push(d);
      const answer = parse();
      const length = answer && /^content-length: (\d+)$/im.exec(answer.headers);
      if (answer && length && Buffer.byteLength(answer.body, 'latin1') >= Number(length[1])) onAnswer();
    });
    s.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
    s.on('close', () => {
      onAnswer();
      const answer = parse();
      resolve({
        status: answer?.status,
        headers: answer?.headers ?? '',
        body: answer?.body ?? '',
        error,
        written,
      });
    });
    const gone = () => s.destroyed || s.writableEnded;
    const drained = () =>
      new Promise<void>((r) => {
        const done = () => {
          s.off('drain', done);
          s.off('close', done);
          r();
        };
        s.on('drain', done);
        s.on('close', done);
      });
    void (async () => {
      s.write(head);
      let paused = false;
      for await (const chunk of body) {
        if (!paused && written >= pauseAt) {
          paused = true;
          await answered;
        }
        if (gone()) return;
        written += chunk.length;
        if (!s.write(chunk)) await drained();
      }
      if (!gone()) s.end();
    })();
  });
}

function* repeated(total: number, size = 64 * 1024): Iterable<Buffer> {
  for (let sent = 0; sent < total; sent += size) yield Buffer.alloc(Math.min(size, total - sent), 0x61);
}

function* chunked(total: number, size = 64 * 1024): Iterable<Buffer> {
  for (const chunk of repeated(total, size)) {
    yield Buffer.from(`${chunk.length.toString(16)}\r\n`);
    yield chunk;
    yield Buffer.from('\r\n');
  }
  yield Buffer.from('0\r\n\r\n');
}

function* forever(): Iterable<Buffer> {
  for (;;) yield* chunked(1024 * 1024, 16 * 1024);
}

async function* trickle(): AsyncIterable<Buffer> {
  for (;;) {
    yield Buffer.from('1\r\na\r\n');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const post = (path: string, headers: Record<string, string>) =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\n` +
  Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('') +
  '\r\n';

function expectAnswered(x: Exchange, status: number, error: string): void {
  expect(x.error, 'the client saw a reset instead of the answer').toBeUndefined();
  expect(x.status).toBe(status);
  expect(x.headers).toMatch(/^connection: close$/im);
  expect(x.headers).toMatch(/^content-type: application\/json/im);
  expect(JSON.parse(x.body)).toMatchObject({ error, message: expect.any(String) });
}

describe('early refusals reach the client', () => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    h = await startHarness({
      emulator: false,
      background: false,
      env: { ALM_WEBHOOK_USER: ALM_USER, ALM_WEBHOOK_PASSWORD: ALM_PASSWORD, QINGSUYUN_SECRET_KEY: QSY_KEY },
    });
    port = Number(new URL(h.bot.url).port);
  });
  afterAll(() => h?.stop());

  it('a 2 MiB POST to /webhook/alm with wrong credentials: the client sends it all and reads the 401', async () => {
    const size = 2 * 1024 * 1024;
    const x = await exchange(
      port,
      post('/webhook/alm', {
        'Content-Type': 'application/json',
        Authorization: basicAuth(ALM_USER, 'wrong'),
        'Content-Length': String(size),
      }),
      repeated(size),
    );
    expectAnswered(x, 401, 'bad_credentials');
    expect(x.written).toBe(size);
  });

  it('a chunked 1.5 MiB POST to /webhook/event: the client reads the 413', async () => {
    const x = await exchange(
      port,
      post('/webhook/event', { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }),
      chunked(1.5 * 1024 * 1024),
      1.1 * 1024 * 1024,
    );
    expectAnswered(x, 413, 'payload_too_large');
  });

  it('a 2 MiB body declared over the limit: the client reads the 413', async () => {
    const size = 2 * 1024 * 1024;
    const x = await exchange(
      port,
      post('/webhook/event', { 'Content-Type': 'application/json', 'Content-Length': String(size) }),
      repeated(size),
    );
    expectAnswered(x, 413, 'payload_too_large');
    expect(x.written).toBe(size);
  });

  it('a 1 MiB body of the wrong type: the client reads the 415', async () => {
    const size = 1024 * 1024;
    const x = await exchange(
      port,
      post('/webhook/qingsuyun', { 'Content-Type': 'text/plain', 'Content-Length': String(size) }),
      repeated(size),
    );
    expectAnswered(x, 415, 'unsupported_media_type');
    expect(x.written).toBe(size);
  });

  it('a small body sent after the 401: answered, no reset, and the server stays up', async () => {
    const x = await exchange(
      port,
      post('/webhook/alm', { 'Content-Type': 'application/json', 'Content-Length': '2' }),
      [Buffer.from('{}')],
    );
    expect(x.error).toBeUndefined();
    expect(x.status).toBe(401);
    expect((await fetch(`${h.bot.url}/healthz`)).status).toBe(200);
  });
});

describe('a client that never stops sending is cut off', () => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    h = await startHarness({
      emulator: false,
      background: false,
      env: { HTTP_LINGER_MAX_BYTES: String(512 * 1024), HTTP_LINGER_MAX_MS: '300' },
    });
    port = Number(new URL(h.bot.url).port);
  });
  afterAll(() => h?.stop());

  it('after the byte bound: it got the answer first, and the connection is closed', async () => {
    const x = await exchange(
      port,
      post('/webhook/event', { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' }),
      forever(),
    );
    // The answer came before the cut; the cut itself may reach the client as a reset.
    expect(x.status).toBe(415);
    expect(x.headers).toMatch(/^connection: close$/im);
    expect(x.written).toBeGreaterThan(512 * 1024);
  });

  it('after the time bound: a client trickling bytes got the answer first, and the connection is closed', async () => {
    const x = await exchange(
      port,
      post('/webhook/event', { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' }),
      trickle(),
    );
    expect(x.status).toBe(415);
    expect(x.headers).toMatch(/^connection: close$/im);
    expect(x.written).toBeLessThan(512 * 1024);
    expect((await fetch(`${h.bot.url}/healthz`)).status).toBe(200);
  });
});
