import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync } from 'node:fs';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID } from '../../src/emulator/feishu/index.js';
import { FIXTURES_DIR, loadFixture } from '../fixtures/index.js';
import {
  encryptFeishu,
  postEvent,
  signFeishu,
  signOldCardCallback,
  urlVerification,
  v1Event,
  v2Event,
  type FeishuSignatureHeaders,
} from './feishu-events.js';

const ENCRYPT_KEY = 'test-encrypt-key';
const silent: lark.Logger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };

/** The object every SDK adapter hands to invoke(): body fields, headers on the prototype. */
function sdkInput(rawBody: string, headers: Partial<FeishuSignatureHeaders>): Record<string, unknown> {
  return Object.assign(Object.create({ headers }) as Record<string, unknown>, JSON.parse(rawBody) as object);
}

/** An EventDispatcher with one recording handler for `eventType`. */
function dispatcherFor(eventType: string, opts: { encryptKey?: string } = {}) {
  const seen: Record<string, unknown>[] = [];
  const dispatcher = new lark.EventDispatcher({
    ...opts,
    logger: silent,
    loggerLevel: lark.LoggerLevel.error,
  }).register({
    [eventType]: async (data: Record<string, unknown>) => {
      seen.push(data);
      return 'handled';
    },
  });
  return { dispatcher, seen };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

async function listen(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('encryptFeishu', () => {
  it('produces what the SDK AESCipher decrypts, with a fresh IV each time', () => {
    const body = v2Event('im.chat.access_event.bot_p2p_chat_entered_v1', { chat_id: 'oc_1', note: '你好 ✓' });
    const a = encryptFeishu(body, ENCRYPT_KEY);
    const b = encryptFeishu(body, ENCRYPT_KEY);
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64').subarray(0, 16)).not.toEqual(Buffer.from(b, 'base64').subarray(0, 16));
    const cipher = new lark.AESCipher(ENCRYPT_KEY);
    expect(cipher.decrypt(a)).toBe(JSON.stringify(body));
    expect(JSON.parse(cipher.decrypt(b))).toEqual(body);
    // A fixed body and IV: with a random one, a wrong key passes the padding check about once in 256 runs.
    const fixed = encryptFeishu({ a: 1 }, ENCRYPT_KEY, Buffer.alloc(16));
    expect(() => new lark.AESCipher('another-key').decrypt(fixed)).toThrow();
  });
});

describe('signatures', () => {
  it('signFeishu is hex sha256(timestamp + nonce + encryptKey + body)', () => {
    const raw = '{"a":1}';
    const h = signFeishu(raw, ENCRYPT_KEY, '1700000000', 'n0nce');
    expect(h).toEqual({
      'x-lark-request-timestamp': '1700000000',
      'x-lark-request-nonce': 'n0nce',
      'x-lark-signature': createHash('sha256').update(`1700000000n0nce${ENCRYPT_KEY}${raw}`).digest('hex'),
    });
    expect(signFeishu(raw, ENCRYPT_KEY)['x-lark-request-timestamp']).toMatch(/^\d{10}$/);
  });

  it('the EventDispatcher handler gets a signed plaintext event, not a badly signed or changed one', async () => {
    const fixture = loadFixture<{ event: Record<string, unknown> }>('feishu/bot_p2p_chat_entered.v2.json');
    const type = 'im.chat.access_event.bot_p2p_chat_entered_v1';
    const { dispatcher, seen } = dispatcherFor(type, { encryptKey: ENCRYPT_KEY });
    const raw = JSON.stringify(v2Event(type, fixture.event, { eventId: 'evt-1' }));

    expect(await dispatcher.invoke(sdkInput(raw, signFeishu(raw, ENCRYPT_KEY)))).toBe('handled');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      event_id: 'evt-1',
      event_type: type,
      app_id: DEFAULT_APP_ID,
      chat_id: 'oc_413871888e0d5492e25b173f0812efb7',
    });

    expect(await dispatcher.invoke(sdkInput(raw, signFeishu(raw, 'wrong-key')))).toBeUndefined();
    const changed = raw.replace('oc_4138', 'oc_9999');
    expect(await dispatcher.invoke(sdkInput(changed, signFeishu(raw, ENCRYPT_KEY)))).toBeUndefined();
    expect(await dispatcher.invoke(sdkInput(raw, {}))).toBeUndefined();
    expect(seen).toHaveLength(1);
  });

  it('an encrypted and signed event is decrypted by the dispatcher and reaches the handler', async () => {
    const fixture = loadFixture<{ header: { event_type: string }; event: Record<string, unknown> }>(
      'feishu/helpdesk.ticket.created_v1.json',
    );
    const { dispatcher, seen } = dispatcherFor('helpdesk.ticket.created_v1', { encryptKey: ENCRYPT_KEY });
    const raw = JSON.stringify({ encrypt: encryptFeishu(fixture, ENCRYPT_KEY) });
    expect(await dispatcher.invoke(sdkInput(raw, signFeishu(raw, ENCRYPT_KEY)))).toBe('handled');
    expect(seen[0]).toMatchObject({ ticket_id: '6626871355780366331', event_type: 'helpdesk.ticket.created_v1' });
  });

  it('signOldCardCallback is what CardActionHandler checks for old-style (v1) card callbacks', async () => {
    const seen: unknown[] = [];
    const handler = new lark.CardActionHandler(
      { verificationToken: 'v-token', logger: silent, loggerLevel: lark.LoggerLevel.error },
      async (data: unknown) => {
        seen.push(data);
        return { toast: { type: 'success', content: 'ok' } };
      },
    );
    const raw = JSON.stringify({
      open_id: 'ou_alice',
      open_message_id: 'om_1',
      tenant_key: 't',
      token: 'c-1',
      action: { value: { key: 'approve' }, tag: 'button' },
    });
    const headers = signOldCardCallback(raw, 'v-token', '1700000000', 'abc');
    expect(headers['x-lark-signature']).toBe(createHash('sha1').update(`1700000000abcv-token${raw}`).digest('hex'));
    expect(await handler.invoke(sdkInput(raw, headers))).toEqual({ toast: { type: 'success', content: 'ok' } });
    expect(await handler.invoke(sdkInput(raw, signOldCardCallback(raw, 'other-token')))).toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject(JSON.parse(raw) as object);
  });
});

describe('event builders', () => {
  it('v2Event builds {schema, header, event} with defaults and overrides', () => {
    const e = v2Event('elearning.course_registration.created_v2', { course_id: 'c1' });
    expect(e).toEqual({
      schema: '2.0',
      header: {
        event_id: expect.stringMatching(/^[0-9a-f]{32}$/),
        event_type: 'elearning.course_registration.created_v2',
        create_time: expect.stringMatching(/^\d{13}$/),
        token: expect.any(String),
        app_id: DEFAULT_APP_ID,
        tenant_key: expect.any(String),
      },
      event: { course_id: 'c1' },
    });
    const o = v2Event('x', {}, { eventId: 'e', token: 't', appId: 'cli_1', tenantKey: 'tk', createTime: '1' });
    expect(o.header).toEqual({
      event_id: 'e',
      event_type: 'x',
      create_time: '1',
      token: 't',
      app_id: 'cli_1',
      tenant_key: 'tk',
    });
  });

  it('v1Event and urlVerification match the wire formats; a v1 event dispatches on event.type', async () => {
    const fixture = loadFixture<{ uuid: string; token: string; ts: string; event: Record<string, unknown> }>(
      'feishu/p2p_chat_create.v1.json',
    );
    const { type: _type, ...event } = fixture.event;
    const rebuilt = v1Event('p2p_chat_create', event, { uuid: fixture.uuid, token: fixture.token, ts: fixture.ts });
    expect(rebuilt).toEqual(fixture);
    expect(v1Event('p2p_chat_create', {}).ts).toMatch(/^\d{10}\.\d{7}$/);
    expect(urlVerification('abc', 'tok')).toEqual({ challenge: 'abc', token: 'tok', type: 'url_verification' });

    const { dispatcher, seen } = dispatcherFor('p2p_chat_create', { encryptKey: ENCRYPT_KEY });
    const raw = JSON.stringify(rebuilt);
    expect(await dispatcher.invoke(sdkInput(raw, signFeishu(raw, ENCRYPT_KEY)))).toBe('handled');
    expect(seen[0]).toMatchObject({
      type: 'event_callback',
      uuid: 'bc447199585340d1f3728d26b1c0297a',
      chat_id: 'oc_26b66a5eb603162b849f91bcd8815b20',
      user: { name: '张三', open_id: 'ou_7dede290d6a27698b969a7fd70ca53da', user_id: 'gfa21d92' },
    });
  });
});

describe('postEvent', () => {
  it('sends compact JSON with the content type and a signature over the exact bytes', async () => {
    const got: { headers: IncomingHttpHeaders; raw: string }[] = [];
    const url = await listen((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (raw += c));
      req.on('end', () => {
        got.push({ headers: req.headers, raw });
        res.end('{}');
      });
    });
    const body = v2Event('elearning.course_registration.created_v2', { course_id: 'c1', name: 'Ünïcode ✓' });
    const res = await postEvent(url, body, { encryptKey: ENCRYPT_KEY, headers: { 'x-extra': '1' } });
    expect(res.status).toBe(200);
    const [{ headers, raw }] = got as [(typeof got)[number]];
    expect(raw).toBe(JSON.stringify(body));
    expect(headers['content-type']).toBe('application/json; charset=utf-8');
    expect(headers['x-extra']).toBe('1');
    const expected = createHash('sha256')
      .update(
        `${String(headers['x-lark-request-timestamp'])}${String(headers['x-lark-request-nonce'])}${ENCRYPT_KEY}${raw}`,
      )
      .digest('hex');
    expect(headers['x-lark-signature']).toBe(expected);

    await postEvent(url, body, { encryptKey: ENCRYPT_KEY, encrypt: true, sign: false });
    const second = got[1]!;
    expect(second.headers['x-lark-signature']).toBeUndefined();
    const wire = JSON.parse(second.raw) as { encrypt: string };
    expect(Object.keys(wire)).toEqual(['encrypt']);
    expect(JSON.parse(new lark.AESCipher(ENCRYPT_KEY).decrypt(wire.encrypt))).toEqual(body);

    await postEvent(url, { a: 1 });
    expect(got[2]!.headers['x-lark-signature']).toBeUndefined();
    await expect(postEvent(url, body, { encrypt: true })).rejects.toThrow('encrypt needs an encryptKey');
  });

  it('drives the SDK webhook adapter end to end: challenge, signed event, rejected unsigned event', async () => {
    const type = 'elearning.course_registration.created_v2';
    const { dispatcher, seen } = dispatcherFor(type, { encryptKey: ENCRYPT_KEY });
    const url =
      (await listen(lark.adaptDefault('/webhook/event', dispatcher, { autoChallenge: true }))) + '/webhook/event';

    const challenge = await postEvent(url, urlVerification('ch-123'), {
      encryptKey: ENCRYPT_KEY,
      encrypt: true,
      sign: false,
    });
    expect(await challenge.json()).toEqual({ challenge: 'ch-123' });

    const fixture = loadFixture<object>('feishu/elearning.course_registration.created_v2.json');
    const ok = await postEvent(url, fixture, { encryptKey: ENCRYPT_KEY, encrypt: true });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('"handled"');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ course_id: '5fd087e96dbe3a73394188ae', learning_state: 4 });

    const unsigned = await postEvent(url, fixture, { encryptKey: ENCRYPT_KEY, encrypt: true, sign: false });
    expect(await unsigned.text()).toBe('');
    expect(seen).toHaveLength(1);
  });

  it('gives up after the timeout when the receiver does not answer', async () => {
    const url = await listen(() => {
      /* never answers */
    });
    const started = Date.now();
    await expect(postEvent(url, { a: 1 }, { timeoutMs: 100 })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('fixtures', () => {
  const names = (dir: string) =>
    readdirSync(`${FIXTURES_DIR}/${dir}`)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort();

  it('has the four Feishu samples', () => {
    expect(names('feishu')).toEqual([
      'bot_p2p_chat_entered.v2',
      'elearning.course_registration.created_v2',
      'helpdesk.ticket.created_v1',
      'p2p_chat_create.v1',
    ]);
    const v2Types = {
      'bot_p2p_chat_entered.v2': 'im.chat.access_event.bot_p2p_chat_entered_v1',
      'elearning.course_registration.created_v2': 'elearning.course_registration.created_v2',
      'helpdesk.ticket.created_v1': 'helpdesk.ticket.created_v1',
    };
    for (const [n, eventType] of Object.entries(v2Types)) {
      const f = loadFixture<{ schema: string; header: { event_type: string } }>(`feishu/${n}.json`);
      expect([f.schema, f.header.event_type]).toEqual(['2.0', eventType]);
    }
    expect(loadFixture<{ event: { type: string } }>('feishu/p2p_chat_create.v1.json').event.type).toBe(
      'p2p_chat_create',
    );
  });

  it('one ALM sample per event, named by its eventName, except the documented CERTIFICATION_ENROLLMENT_BATCH', () => {
    const alm = names('alm');
    expect(alm).toHaveLength(27);
    for (const n of alm) {
      const f = loadFixture<{ accountId: number; events: { eventName: string; eventId: string }[] }>(`alm/${n}.json`);
      expect(f.events).toHaveLength(1);
      expect(f.events[0]!.eventName).toBe(n === 'CERTIFICATION_ENROLLMENT_BATCH' ? 'COURSE_ENROLLMENT_BATCH' : n);
    }
    expect(loadFixture<{ events: { data: object }[] }>('alm/COURSE_UNENROLLMENT.json').events[0]!.data).toEqual({
      userId: 12311591,
      loId: 'course:12324298',
      loInstanceId: 'course:12324298_14450088',
      loType: 'course',
      enrollmentSource: 'ADMIN_ENROLL',
    });
  });

  it('has the four Qingsuyun callbacks, comments stripped', () => {
    expect(names('qingsuyun')).toEqual(['answerSheet', 'clockFinish', 'courseFinish', 'coursewareFinish']);
    for (const n of names('qingsuyun')) {
      const f = loadFixture<{ type: string; uuid: string; eventBody: object }>(`qingsuyun/${n}.json`);
      expect(f.type).toBe(n);
      expect(f.uuid).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(loadFixture<{ callbackUrl: string }>('qingsuyun/answerSheet.json').callbackUrl).toBe(
      'http://www.***.com/eventCallBack',
    );
  });
});
