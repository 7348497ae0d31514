/**
 * Mutated requests over the four webhook endpoints: seed payloads with wrong types, NUL characters and lone
 * surrogates, deep nesting, bad base64 and ciphertext under the wrong key, wrong content types, truncated JSON,
 * chunked and oversized bodies, and bodies cut off mid-way. Whatever arrives: no 5xx, every refusal a JSON body
 * with an error code, the server still answers and /healthz is 200.
 *
 * The random seed is printed; FUZZ_SEED=<n> replays a run, FUZZ_RUNS=<n> changes its length.
 */
import { connect } from 'node:net';
import { createCipheriv, createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../fixtures/index.js';
import { signFeishu, signOldCardCallback, v2Event } from '../helpers/feishu-events.js';
import { ENCRYPT_KEY, VERIFICATION_TOKEN, startHarness, type Harness } from '../helpers/harness.js';
import { ALM_PASSWORD, ALM_USER, QSY_KEY, basicAuth } from '../helpers/sources.js';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const CONCURRENCY = 12;

/** mulberry32: a small seeded generator, so a failing run can be replayed from its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof rng>;

const NASTY_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '\ud83d\ude00',
  '',
  ' ',
  '\u2028',
  '<at id=ou_x></at>',
  'ä'.repeat(300),
  '"\\',
];
function nastyValue(r: Rng): unknown {
  return r.pick<() => unknown>([
    () => r.pick(NASTY_STRINGS),
    () => r.int(2 ** 31) * (r.chance(0.5) ? -1 : 1),
    () => 1e308,
    () => null,
    () => true,
    () => [],
    () => ({}),
    () => [r.pick(NASTY_STRINGS), { k: r.pick(NASTY_STRINGS) }],
    () => ({ [r.pick(NASTY_STRINGS)]: r.pick(NASTY_STRINGS) }),
  ])();
}

/** Replaces a few values (or keys) anywhere in a JSON value with ones of the wrong type or with nasty strings. */
function mutate(value: unknown, r: Rng, rate: number): unknown {
  if (r.chance(rate)) return nastyValue(r);
  if (Array.isArray(value)) return value.map((v) => mutate(v, r, rate));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (r.chance(rate / 4)) continue;
      out[r.chance(rate / 4) ? r.pick(NASTY_STRINGS) : k] = mutate(v, r, rate);
    }
    if (r.chance(rate)) out[r.pick(NASTY_STRINGS)] = nastyValue(r);
    return out;
  }
  return value;
}

function nestedText(depth: number): string {
  return '['.repeat(depth) + '{"a":"\\u0000"}' + ']'.repeat(depth);
}

function encrypt(plain: string, key: string): string {
  const iv = Buffer.alloc(16, 7);
  const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update(key).digest(), iv);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}

interface Case {
  path: string;
  headers: Record<string, string>;
  body: string | Buffer;
  /** Sent with Transfer-Encoding: chunked, or cut off after this many bytes (raw socket). */
  mode: 'fetch' | 'chunked' | 'abort';
}

const ENDPOINTS = ['/webhook/event', '/webhook/card', '/webhook/alm', '/webhook/qingsuyun'] as const;

function seedBody(path: (typeof ENDPOINTS)[number], r: Rng): unknown {
  switch (path) {
    case '/webhook/event':
      return r.chance(0.5)
        ? loadFixture('feishu/bot_p2p_chat_entered.v2.json')
        : v2Event('im.message.receive_v1', {
            message: { message_id: 'om_1', chat_type: 'p2p', message_type: 'text', content: '{"text":"help"}' },
          });
    case '/webhook/card':
      return r.chance(0.5)
        ? v2Event('card.action.trigger', {
            operator: { open_id: 'ou_f' },
            action: { value: { action: 'claim_ticket', ticket: 't1' } },
          })
        : {
            open_id: 'ou_f',
            token: 'c',
            open_message_id: 'om_x',
            action: { value: { action: 'congratulate', record: 'r' } },
          };
    case '/webhook/alm':
      return loadFixture(
        r.pick(['alm/COURSE_ENROLLMENT.json', 'alm/LEARNER_PROGRESS.json', 'alm/COURSE_COMPLETED_BATCH.json']),
      );
    case '/webhook/qingsuyun':
      return loadFixture(r.pick(['qingsuyun/answerSheet.json', 'qingsuyun/courseFinish.json']));
  }
}

function makeCase(r: Rng, i: number): Case {
  const path = r.pick(ENDPOINTS);
  let value = seedBody(path, r) as Record<string, unknown>;
  // Fresh ids, so valid mutants are stored rather than deduplicated.
  if (value && typeof value === 'object') {
    const header = value.header as Record<string, unknown> | undefined;
    if (header) value = { ...value, header: { ...header, event_id: `fz-${SEED}-${i}`, token: VERIFICATION_TOKEN } };
    if ('uuid' in value) value = { ...value, uuid: `fz-${SEED}-${i}`, secretKey: QSY_KEY };
  }
  let text = JSON.stringify(r.chance(0.8) ? mutate(value, r, r.pick([0.02, 0.1, 0.3])) : value);
  const kind = r.int(20);
  if (kind === 0) text = text.replace(/\{/, `{"deep":${nestedText(r.pick([63, 64, 65, 200, 5000, 20000]))},`);
  else if (kind === 1) text = text.slice(0, r.int(text.length));
  else if (kind === 2)
    text = r.pick(['', 'null', '[]', '"x"', '1', '{', '}', '\u0000', '{"a":"\\ud800"}', '{"a":"\\u0000"}']);
  // Deep inside a button's value, then encrypted: only decryption shows the depth.
  const deepValue = kind === 3 && text.includes('"card.action.trigger"') && text.includes('"value":{');
  if (deepValue) text = text.replace('"value":{', `"value":{"deep":${nestedText(r.pick([65, 3000, 10_000]))},`);
  if (path === '/webhook/event' || (path === '/webhook/card' && text.includes('"schema"'))) {
    const enc = deepValue ? 0 : r.int(6);
    if (enc === 0) text = JSON.stringify({ encrypt: encrypt(text, ENCRYPT_KEY) });
    else if (enc === 1) text = JSON.stringify({ encrypt: encrypt(text, 'another-key') });
    else if (enc === 2) text = JSON.stringify({ encrypt: r.pick(['not base64!', 'AAAA', '', '=', 'QUJD'.repeat(5)]) });
    else if (enc === 3) text = JSON.stringify({ encrypt: nastyValue(r) });
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (r.chance(0.05))
    headers['content-type'] = r.pick([
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
      'application/ld+json',
      '',
      ';;;',
    ]);
  if (path === '/webhook/event' || path === '/webhook/card') {
    if (r.chance(0.8))
      Object.assign(
        headers,
        path === '/webhook/card' && !text.includes('"schema"')
          ? signOldCardCallback(text, VERIFICATION_TOKEN)
          : signFeishu(text, ENCRYPT_KEY),
      );
    if (r.chance(0.05)) headers['x-lark-signature'] = r.pick(['', 'zz', 'a'.repeat(64)]);
  }
  if (path === '/webhook/alm')
    headers.authorization = r.chance(0.9)
      ? basicAuth(ALM_USER, ALM_PASSWORD)
      : r.pick(['Basic', 'Basic !!!', basicAuth('x', 'y'), 'Bearer x']);
  let body: string | Buffer = text;
  const size = r.int(40);
  if (size === 0) body = Buffer.alloc(1024 * 1024 + 1 + r.int(1000), 0x20);
  const mode = r.chance(0.04) ? 'abort' : r.chance(0.08) || size === 0 ? 'chunked' : 'fetch';
  return { path, headers, body, mode };
}

interface Outcome {
  status: number | undefined;
  body: string;
}

/** A raw HTTP/1.1 exchange: chunked bodies, or bodies cut off (then no answer is expected). */
function rawRequest(port: number, c: Case): Promise<Outcome> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let data = '';
    const done = () => {
      s.destroy();
      const m = /^HTTP\/1\.1 (\d{3})[^]*?\r\n\r\n([^]*)$/.exec(data);
      resolve({ status: m ? Number(m[1]) : undefined, body: m ? m[2]! : '' });
    };
    s.setTimeout(10_000, done);
    s.on('data', (d) => {
      data += d.toString('utf8');
      const m = /\r\n\r\n/.exec(data);
      const len = /content-length: (\d+)/i.exec(data);
      if (m && len && Buffer.byteLength(data.slice(m.index + 4)) >= Number(len[1])) done();
    });
    s.on('error', done);
    s.on('close', done);
    const head = Object.entries(c.headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    const bytes = Buffer.from(c.body);
    if (c.mode === 'abort') {
      s.write(`POST ${c.path} HTTP/1.1\r\nHost: x\r\n${head}Content-Length: ${bytes.length + 100}\r\n\r\n`);
      s.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => setTimeout(() => s.destroy(), 5));
      return;
    }
    s.write(`POST ${c.path} HTTP/1.1\r\nHost: x\r\n${head}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n`);
    for (let at = 0; at < bytes.length && !s.destroyed; at += 64 * 1024) {
      const chunk = bytes.subarray(at, at + 64 * 1024);
      s.write(`${chunk.length.toString(16)}\r\n`);
      s.write(chunk);
      s.write('\r\n');
    }
    if (!s.destroyed) s.write('0\r\n\r\n');
  });
}

async function send(base: string, port: number, c: Case): Promise<Outcome> {
  if (c.mode !== 'fetch') return rawRequest(port, c);
  try {
    const res = await fetch(`${base}${c.path}`, {
      method: 'POST',
      headers: c.headers,
      body: c.body,
      signal: AbortSignal.timeout(15_000),
    });
    return { status: res.status, body: await res.text() };
  } catch {
    // The server may close the connection while an oversized body is still being sent: no answer to check.
    return { status: undefined, body: '' };
  }
}

describe('fuzzing the webhooks', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      emulator: false,
      background: false,
      env: {
        ALM_WEBHOOK_USER: ALM_USER,
        ALM_WEBHOOK_PASSWORD: ALM_PASSWORD,
        QINGSUYUN_SECRET_KEY: QSY_KEY,
        LOG_LEVEL: 'warn',
      },
    });
  });
  afterAll(() => h?.stop());

  it(`${RUNS} mutated requests: no 5xx, every refusal JSON, the server alive`, async () => {
    console.log(`[fuzz] seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${RUNS} requests`);
    const r = rng(SEED);
    const cases = Array.from({ length: RUNS }, (_, i) => makeCase(r, i));
    const port = Number(new URL(h.bot.url).port);
    const failures: string[] = [];
    const statuses = new Map<string, number>();
    let next = 0;
    const workerLoop = async () => {
      while (next < cases.length) {
        const i = next++;
        const c = cases[i]!;
        const out = await send(h.bot.url, port, c);
        const key = `${c.path} ${out.status ?? (c.mode === 'abort' ? 'aborted' : 'no answer')}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        const what = `case ${i} (${c.mode}, ${c.path}, ${String(c.body).slice(0, 80)})`;
        if (out.status === undefined) {
          if (c.mode === 'fetch' && Buffer.byteLength(c.body) <= 1024 * 1024) failures.push(`${what}: no answer`);
          continue;
        }
        if (out.status >= 500) failures.push(`${what}: ${out.status} ${out.body.slice(0, 200)}`);
        if (out.status >= 400) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(out.body);
          } catch {
            failures.push(`${what}: ${out.status} with a body that is not JSON: ${out.body.slice(0, 100)}`);
            continue;
          }
          const p = parsed as { error?: unknown; message?: unknown };
          if (typeof p.error !== 'string' || typeof p.message !== 'string')
            failures.push(`${what}: ${out.status} ${out.body.slice(0, 100)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, workerLoop));
    console.log(`[fuzz] outcomes: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect(failures.slice(0, 20), `seed ${SEED}`).toEqual([]);
    const health = await fetch(`${h.bot.url}/healthz`);
    expect(health.status).toBe(200);
    expect(h.logs.raw.filter((l) => JSON.parse(l).level >= 50).map((l) => l.slice(0, 400))).toEqual([]);
  }, 180_000);

  it('encrypted card callbacks 3,000 and 10,000 deep in the button value: 400 JSON; neighbours answered', async () => {
    const click = (i: number, deep: number) => {
      const body = v2Event(
        'card.action.trigger',
        { operator: { open_id: 'ou_f' }, action: { value: { action: 'nothing', list: 'DEEP' } } },
        { eventId: `deep-${SEED}-${i}`, token: VERIFICATION_TOKEN },
      );
      const plain = JSON.stringify(body).replace('"DEEP"', deep ? nestedText(deep) : '[]');
      const text = JSON.stringify({ encrypt: encrypt(plain, ENCRYPT_KEY) });
      return { text, headers: { 'content-type': 'application/json', ...signFeishu(text, ENCRYPT_KEY) } };
    };
    // Deep ones and valid ones interleaved and sent at once, on both endpoints that take card callbacks.
    const cases = Array.from({ length: 40 }, (_, i) => ({
      path: i % 2 ? '/webhook/card' : '/webhook/event',
      deep: i % 4 === 0 ? 3000 : i % 4 === 1 ? 10_000 : 0,
      ...click(i, i % 4 === 0 ? 3000 : i % 4 === 1 ? 10_000 : 0),
    }));
    const answers = await Promise.all(
      cases.map(async (c) => {
        const res = await fetch(`${h.bot.url}${c.path}`, { method: 'POST', headers: c.headers, body: c.text });
        return { deep: c.deep, status: res.status, body: (await res.json()) as Record<string, unknown> };
      }),
    );
    for (const a of answers.filter((x) => x.deep)) {
      expect(a.status).toBe(400);
      expect(a.body).toMatchObject({ error: 'payload_too_deep', message: expect.any(String) });
    }
    const neighbours = answers.filter((x) => !x.deep);
    expect(neighbours).toHaveLength(20);
    for (const a of neighbours) {
      expect(a.status).toBe(200);
      expect(a.body).toMatchObject({ toast: expect.any(Object) });
    }
  });
});
