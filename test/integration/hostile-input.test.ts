/**
 * Valid input that PostgreSQL's jsonb cannot hold as it is, batches with one row that cannot be stored, refused
 * chunked bodies on a keep-alive connection, and clients that vanish mid-body: never a 5xx, never a hung
 * connection, never a line on stderr that is not JSON.
 */
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadFixture } from '../fixtures/index.js';
import { encryptFeishuText, postEvent, signFeishu, v2Event } from '../helpers/feishu-events.js';
import { ENCRYPT_KEY, eventually, startHarness, type Harness } from '../helpers/harness.js';
import { LANES } from '../helpers/databases.js';
import { ALM_PASSWORD, ALM_USER, QSY_KEY, almBatch, postAlm, postQingsuyun } from '../helpers/sources.js';

const UNHANDLED = 'contact.user.updated_v3';

function nested(depth: number, leaf: unknown = 1): string {
  return '{"a":'.repeat(depth) + JSON.stringify(leaf) + '}'.repeat(depth);
}

/** Posts a raw (already serialised) Feishu event body, signed over the exact bytes. */
function postRawEvent(url: string, raw: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signFeishu(raw, ENCRYPT_KEY) },
    body: raw,
  });
}

describe.each(LANES)('hostile but valid input (%s)', (lane) => {
  let h: Harness;
  const row = (externalId: string) => h.db.prisma.inboundEvent.findFirst({ where: { externalId } });

  beforeAll(async () => {
    h = await startHarness({
      lane,
      emulator: { users: [{ open_id: 'ou_u1', user_id: 'u1', name: 'User One' }] },
      env: { ALM_WEBHOOK_USER: ALM_USER, ALM_WEBHOOK_PASSWORD: ALM_PASSWORD, QINGSUYUN_SECRET_KEY: QSY_KEY },
      background: false,
    });
  });
  afterAll(() => h?.stop());

  describe('strings jsonb cannot hold are stored, visibly replaced, the original kept', () => {
    it.each([
      ['a NUL', 'before\u0000after'],
      ['a lone high surrogate', 'x\ud800y'],
      ['a lone low surrogate', '\udc00'],
    ])('Feishu event with %s in a text and a key → 200, stored', async (_name, bad) => {
      const body = v2Event(UNHANDLED, { text: bad, [bad]: 'key', list: [bad, { deep: bad }] });
      const res = await postEvent(h.eventUrl, body, { encryptKey: ENCRYPT_KEY });
      expect(res.status).toBe(200);
      const stored = await row(body.header.event_id);
      const event = (stored!.payload as { event: Record<string, unknown> }).event;
      expect(event.text).toBe(bad.replace(/[\ud800-\udfff]/g, '\ufffd').replaceAll('\u0000', '\ufffd'));
      expect(JSON.parse(stored!.payloadRaw!)).toEqual(body);
    });

    it('an encrypted Feishu event with a NUL → 200, stored', async () => {
      const body = v2Event(UNHANDLED, { text: 'a\u0000b' });
      const res = await postEvent(h.eventUrl, body, { encryptKey: ENCRYPT_KEY, encrypt: true });
      expect(res.status).toBe(200);
      expect((await row(body.header.event_id))!.payloadRaw).toContain('\\u0000');
    });

    it('an ALM course name and a Qingsuyun exam name with a NUL → stored and acknowledged', async () => {
      const alm = loadFixture<{ events: { eventId: string; data: Record<string, unknown> }[] }>(
        'alm/COURSE_ENROLLMENT.json',
      );
      const event = { ...alm.events[0]!, eventId: `nul-${randomBytes(4).toString('hex')}` };
      event.data = { ...event.data, loName: 'Safety\u0000101' };
      const a = await postAlm(h.bot.url, almBatch(event));
      expect(a.status).toBe(202);
      expect((await row(event.eventId))!.payloadRaw).toContain('Safety\\u0000101');

      const qsy = loadFixture<Record<string, unknown>>('qingsuyun/answerSheet.json');
      const uuid = `nul-${randomBytes(4).toString('hex')}`;
      const q = await postQingsuyun(h.bot.url, {
        ...qsy,
        uuid,
        eventBody: { ...(qsy.eventBody as object), examName: 'Exam\ud800' },
      });
      expect(q.status).toBe(200);
      expect(await q.text()).toBe('success');
      expect((await row(uuid))!.payloadRaw).toContain('Exam\\ud800');
    });

    it('a payload jsonb holds as it is keeps no raw copy', async () => {
      const body = v2Event(UNHANDLED, { text: 'plain, 中文 and 😀' });
      expect((await postEvent(h.eventUrl, body, { encryptKey: ENCRYPT_KEY })).status).toBe(200);
      const stored = await row(body.header.event_id);
      expect(stored!.payloadRaw).toBeNull();
      expect(stored!.payload).toEqual(body);
    });
  });

  describe('a plaintext event is stored from the text it came as', () => {
    it('escapes, spacing, big numbers and a repeated key: stored as JSON.parse reads the body', async () => {
      const body = v2Event(UNHANDLED, {});
      const raw = JSON.stringify(body).replace(
        '"event":{}',
        '"event": {\n  "text": "\\ud83d\\ude00 \\u4e2d\\n\\"q\\"", ' +
          '"n": 12345678901234567890, "k": 1, "k": 2, "e": [ ] }',
      );
      expect((await postRawEvent(h.eventUrl, raw)).status).toBe(200);
      const stored = await row(body.header.event_id);
      expect(stored!.payload).toEqual(JSON.parse(raw));
      expect(stored!.payloadRaw).toBeNull();
    });
  });

  describe('nesting', () => {
    it('64 levels are stored; 65 and 5,000 get 400 payload_too_deep and leave no trace', async () => {
      const ok = v2Event(UNHANDLED, {});
      const okRaw = JSON.stringify(ok).replace('"event":{}', `"event":${nested(63)}`);
      expect((await postRawEvent(h.eventUrl, okRaw)).status).toBe(200);
      expect(await row(ok.header.event_id)).not.toBeNull();
      for (const depth of [64, 5000]) {
        const deep = v2Event(UNHANDLED, {});
        const res = await postRawEvent(
          h.eventUrl,
          JSON.stringify(deep).replace('"event":{}', `"event":${nested(depth)}`),
        );
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ error: 'payload_too_deep' });
        expect(await row(deep.header.event_id)).toBeNull();
      }
      const enc = v2Event(UNHANDLED, {});
      const plain = JSON.stringify(enc).replace('"event":{}', `"event":${nested(5000)}`);
      const res = await postRawEvent(h.eventUrl, JSON.stringify({ encrypt: encryptText(plain) }));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'payload_too_deep' });
      for (const [path, headers] of [
        ['/webhook/alm', { authorization: `Basic ${Buffer.from(`${ALM_USER}:${ALM_PASSWORD}`).toString('base64')}` }],
        ['/webhook/qingsuyun', {}],
        ['/webhook/card', {}],
      ] as const) {
        const r = await fetch(`${h.bot.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: nested(5000),
        });
        expect(r.status, path).toBe(400);
        expect(await r.json()).toMatchObject({ error: 'payload_too_deep' });
      }
    });
  });

  describe('deep nesting inside an encrypted card callback', () => {
    /** A signed, encrypted card.action.trigger whose button value holds an array nested `depth` deep. */
    function deepClick(depth: number): { id: string; raw: string } {
      const click = v2Event('card.action.trigger', {
        operator: { open_id: 'ou_u1' },
        action: { value: { action: 'nothing', list: 'DEEP' } },
        context: { open_message_id: 'om_deep', open_chat_id: 'oc_deep' },
      });
      const plain = JSON.stringify(click).replace('"DEEP"', '['.repeat(depth) + ']'.repeat(depth));
      return { id: click.header.event_id, raw: JSON.stringify({ encrypt: encryptText(plain) }) };
    }

    it.each([3000, 10_000])(
      'an array %i deep → 400 payload_too_deep on /webhook/card and /webhook/event; its neighbours are answered',
      async (depth) => {
        const cardUrl = `${h.bot.url}/webhook/card`;
        // Sent at once, so the neighbours' clicks and events share the bot's turns and database writes with it.
        const neighbourClicks = Array.from({ length: 6 }, () =>
          v2Event('card.action.trigger', {
            operator: { open_id: 'ou_u1' },
            action: { value: { action: 'nothing' } },
            context: { open_message_id: 'om_n', open_chat_id: 'oc_n' },
          }),
        );
        const neighbourEvents = Array.from({ length: 6 }, () => v2Event(UNHANDLED, { n: depth }));
        const [deepOnCard, deepOnEvent, ...rest] = await Promise.all([
          postRawEvent(cardUrl, deepClick(depth).raw),
          postRawEvent(h.eventUrl, deepClick(depth).raw),
          ...neighbourClicks.map((b) => postEvent(cardUrl, b, { encryptKey: ENCRYPT_KEY, encrypt: true })),
          ...neighbourEvents.map((b) => postEvent(h.eventUrl, b, { encryptKey: ENCRYPT_KEY, encrypt: true })),
        ]);
        for (const res of [deepOnCard!, deepOnEvent!]) {
          expect(res.status).toBe(400);
          expect(res.headers.get('content-type')).toContain('application/json');
          expect(await res.json()).toMatchObject({ error: 'payload_too_deep' });
        }
        for (const res of rest) expect(res.status).toBe(200);
        for (const res of rest.slice(0, neighbourClicks.length))
          expect(await res.json()).toMatchObject({ toast: expect.any(Object) });
        for (const b of neighbourEvents) expect(await row(b.header.event_id)).not.toBeNull();
      },
    );
  });

  describe('a row that cannot be stored fails alone', () => {
    afterEach(async () => {
      await h.db.query('ALTER TABLE inbound_event DROP CONSTRAINT IF EXISTS test_poison', []);
    });

    it('15 valid signed events sent with one the database refuses → the 15 are stored and answered 200', async () => {
      // A constraint only this test has: the database refuses one row, as it would any row it cannot hold.
      await h.db.query(`ALTER TABLE inbound_event ADD CONSTRAINT test_poison CHECK (event_type <> 'test.poison')`, []);
      const good = Array.from({ length: 15 }, () => v2Event(UNHANDLED, { n: 1 }));
      const bad = v2Event('test.poison', {});
      const all = [...good.slice(0, 7), bad, ...good.slice(7)];
      const answers = await Promise.all(all.map((b) => postEvent(h.eventUrl, b, { encryptKey: ENCRYPT_KEY })));
      const statuses = answers.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(15);
      expect(statuses[7]).toBe(500);
      for (const b of good) expect(await row(b.header.event_id), b.header.event_id).not.toBeNull();
      expect(await row(bad.header.event_id)).toBeNull();
    });
  });
});

/** Encrypts exact JSON text the way Feishu does (encryptFeishu takes an object, which JSON.stringify must walk). */
const encryptText = (plain: string) => encryptFeishuText(plain, ENCRYPT_KEY);

describe('connections', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      emulator: false,
      background: false,
      env: { ALM_WEBHOOK_USER: ALM_USER, ALM_WEBHOOK_PASSWORD: ALM_PASSWORD, QINGSUYUN_SECRET_KEY: QSY_KEY },
    });
  });
  afterAll(() => h?.stop());

  function open(): Promise<Socket> {
    const { port } = new URL(h.bot.url);
    return new Promise((resolve, reject) => {
      const s = connect(Number(port), '127.0.0.1', () => resolve(s));
      s.on('error', reject);
    });
  }

  /** Reads from the socket until `done(text)` holds, or rejects after `ms`. */
  function readUntil(s: Socket, done: (text: string) => boolean, ms = 5000): Promise<string> {
    return new Promise((resolve, reject) => {
      let text = '';
      const timer = setTimeout(
        () => reject(new Error(`no complete answer within ${ms} ms; got: ${text.slice(0, 300)}`)),
        ms,
      );
      const onData = (d: Buffer) => {
        text += d.toString('latin1');
        if (done(text)) finish();
      };
      const finish = () => {
        clearTimeout(timer);
        s.off('data', onData);
        resolve(text);
      };
      s.on('data', onData);
      s.on('close', finish);
    });
  }

  it('after a 413 for a chunked body over 1 MiB, the next request on the connection is answered', async () => {
    const s = await open();
    try {
      s.write(
        'POST /webhook/event HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          'Transfer-Encoding: chunked\r\n\r\n',
      );
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const first = readUntil(s, (t) => /\r\n\r\n[\s\S]*\}/.test(t));
      for (let i = 0; i < 20 && !s.destroyed; i++) {
        s.write(`${chunk.length.toString(16)}\r\n`);
        s.write(chunk);
        s.write('\r\n');
      }
      const answer = await first;
      expect(answer).toMatch(/^HTTP\/1\.1 413/);
      expect(answer).toContain('payload_too_large');
      // Either the connection is closed (the client then opens a new one) or the next request is answered.
      if (/connection: close/i.test(answer)) {
        await eventually(() => s.destroyed || s.readableEnded, 5000, 'the connection to close');
        return;
      }
      if (!s.destroyed) s.write('0\r\n\r\n');
      s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(await readUntil(s, (t) => t.includes('"status"'))).toMatch(/HTTP\/1\.1 200/);
    } finally {
      s.destroy();
    }
  });

  it('a client that disconnects mid-body: no 5xx, only JSON on stdout or stderr, at most a debug line', async () => {
    const writes: string[] = [];
    const capture = (orig: typeof process.stderr.write) =>
      ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        writes.push(String(chunk));
        return (orig as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof process.stderr.write;
    const err = vi
      .spyOn(process.stderr, 'write')
      .mockImplementation(capture(process.stderr.write.bind(process.stderr)));
    const out = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation(capture(process.stdout.write.bind(process.stdout)));
    const consoleError = vi.spyOn(console, 'error');
    const before = h.logs.lines.length;
    try {
      const auth = `Authorization: Basic ${Buffer.from(`${ALM_USER}:${ALM_PASSWORD}`).toString('base64')}\r\n`;
      for (const path of ['/webhook/event', '/webhook/card', '/webhook/alm', '/webhook/qingsuyun']) {
        const s = await open();
        s.write(
          `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
            `${auth}Content-Length: 1000\r\n\r\n{"a":`,
        );
        await new Promise((r) => setTimeout(r, 50));
        s.destroy();
        const c = await open();
        c.write(
          `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
            `${auth}Transfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\n`,
        );
        await new Promise((r) => setTimeout(r, 50));
        c.destroy();
      }
      // The server has noticed every abort once a new request on a fresh connection is answered after them.
      await eventually(async () => (await fetch(`${h.bot.url}/healthz`)).status === 200);
      await new Promise((r) => setImmediate(r));
    } finally {
      err.mockRestore();
      out.mockRestore();
    }
    expect(consoleError).not.toHaveBeenCalled();
    consoleError.mockRestore();
    for (const line of writes.join('').split('\n').filter(Boolean)) expect(() => JSON.parse(line), line).not.toThrow();
    const lines = h.logs.lines.slice(before);
    expect(lines.filter((l) => (l.level as number) >= 40)).toEqual([]);
    expect(lines.filter((l) => l.status === 500 || /request failed/.test(String(l.msg)))).toEqual([]);
  });
});
