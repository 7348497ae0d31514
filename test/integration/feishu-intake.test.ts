import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../fixtures/index.js';
import { postEvent, signFeishu, urlVerification, v1Event, v2Event } from '../helpers/feishu-events.js';
import { ENCRYPT_KEY, eventually, startHarness, type Harness } from '../helpers/harness.js';
import { LANES } from '../helpers/databases.js';
import { untilIdle } from '../helpers/idle.js';

const ENTERED = 'im.chat.access_event.bot_p2p_chat_entered_v1';

describe.each(LANES)('POST /webhook/event (%s)', (lane) => {
  let h: Harness;
  const count = () => h.db.prisma.inboundEvent.count();

  beforeAll(async () => {
    h = await startHarness({ lane, emulator: { users: [{ open_id: 'ou_u1', user_id: 'u1', name: 'User One' }] } });
  });
  afterAll(() => h?.stop());

  it('never writes secrets or request bodies to the log', () => {
    const text = h.logs.text();
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [ENCRYPT_KEY, h.emu!.appSecret, 'ajls384kdjx', 'User One']) expect(text).not.toContain(secret);
  });

  describe('url_verification', () => {
    it('answers a plain challenge without a signature', async () => {
      const res = await postEvent(h.eventUrl, urlVerification('ajls384kdjx'));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(await res.json()).toEqual({ challenge: 'ajls384kdjx' });
    });

    it('answers an encrypted challenge without a signature', async () => {
      const res = await postEvent(h.eventUrl, urlVerification('enc-challenge'), {
        encryptKey: ENCRYPT_KEY,
        encrypt: true,
        sign: false,
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ challenge: 'enc-challenge' });
    });

    it('refuses a challenge with the wrong token', async () => {
      const res = await postEvent(h.eventUrl, urlVerification('x', 'wrong-token'));
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'bad_token' });
    });
  });

  describe('verification failures get a 4xx and store nothing', () => {
    const event = () => v2Event(ENTERED, { operator_id: { open_id: 'ou_u1' } });

    it.each([
      ['no signature', { encryptKey: undefined }, 401, 'missing_signature'],
      ['a wrong signature', { encryptKey: 'another-key' }, 401, 'bad_signature'],
    ])('%s → %s', async (_name, opts, status, error) => {
      const before = await count();
      const res = await postEvent(h.eventUrl, event(), opts);
      expect(res.status).toBe(status);
      expect(await res.json()).toMatchObject({ error });
      expect(await count()).toBe(before);
    });

    it('a signature over different bytes → 401', async () => {
      const body = JSON.stringify(event());
      const headers = signFeishu(body + ' ', ENCRYPT_KEY);
      const before = await count();
      const res = await fetch(h.eventUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      expect(res.status).toBe(401);
      expect(await count()).toBe(before);
    });

    it('a wrong v2 header.token → 401', async () => {
      const before = await count();
      const res = await postEvent(h.eventUrl, v2Event(ENTERED, {}, { token: 'nope' }), { encryptKey: ENCRYPT_KEY });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'bad_token' });
      expect(await count()).toBe(before);
    });

    it('a wrong v1 token → 401', async () => {
      const before = await count();
      const res = await postEvent(h.eventUrl, v1Event('p2p_chat_create', {}, { token: 'nope' }), {
        encryptKey: ENCRYPT_KEY,
      });
      expect(res.status).toBe(401);
      expect(await count()).toBe(before);
    });

    it('malformed JSON → 400', async () => {
      const body = '{"schema":"2.0",';
      const before = await count();
      const res = await fetch(h.eventUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signFeishu(body, ENCRYPT_KEY) },
        body,
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'malformed_json' });
      expect(await count()).toBe(before);
    });

    it('a non-JSON content type → 415', async () => {
      const body = JSON.stringify(event());
      const res = await fetch(h.eventUrl, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', ...signFeishu(body, ENCRYPT_KEY) },
        body,
      });
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({ error: 'unsupported_media_type' });
    });

    it('a body over 1 MiB → 413', async () => {
      const body = JSON.stringify({ ...event(), padding: 'x'.repeat(1024 * 1024) });
      const before = await count();
      const res = await fetch(h.eventUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signFeishu(body, ENCRYPT_KEY) },
        body,
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ error: 'payload_too_large' });
      expect(await count()).toBe(before);
    });

    it('an encrypted body that does not decrypt → 400', async () => {
      const body = JSON.stringify({ encrypt: Buffer.alloc(48, 7).toString('base64') });
      const res = await fetch(h.eventUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signFeishu(body, ENCRYPT_KEY) },
        body,
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'bad_encryption' });
    });

    it('JSON that is not a Feishu event → 400', async () => {
      const res = await postEvent(h.eventUrl, { hello: 'world' }, { encryptKey: ENCRYPT_KEY });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'not_a_feishu_event' });
    });
  });

  describe('accepted events', () => {
    it('stores a signed v2 event before answering 200 with JSON', async () => {
      const ev = v2Event(ENTERED, { operator_id: { open_id: 'ou_u1' } });
      const res = await postEvent(h.eventUrl, ev, { encryptKey: ENCRYPT_KEY });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true });
      const row = await h.db.prisma.inboundEvent.findUnique({
        where: { source_externalId: { source: 'feishu', externalId: ev.header.event_id } },
      });
      expect(row).toMatchObject({ eventType: ENTERED });
    });

    it('accepts an encrypted, signed event', async () => {
      const ev = v2Event('some.unhandled.event_v1', { x: 1 });
      const res = await postEvent(h.eventUrl, ev, { encryptKey: ENCRYPT_KEY, encrypt: true });
      expect(res.status).toBe(200);
      const row = await h.db.prisma.inboundEvent.findFirst({ where: { externalId: ev.header.event_id } });
      expect(row?.payload).toEqual(ev);
    });

    it('records an unhandled event type as ignored', async () => {
      const ev = v2Event('contact.user.updated_v3', {});
      const res = await postEvent(h.eventUrl, ev, { encryptKey: ENCRYPT_KEY });
      expect(await res.json()).toEqual({ ok: true, ignored: true });
      const row = await h.db.prisma.inboundEvent.findFirst({ where: { externalId: ev.header.event_id } });
      expect(row?.status).toBe('ignored');
    });

    it('answers a repeated delivery 200 and does nothing more', async () => {
      const fixture = loadFixture<{ event: Record<string, unknown> }>('feishu/p2p_chat_create.v1.json');
      const ev = v1Event('p2p_chat_create', {
        ...fixture.event,
        user: { name: 'A', open_id: 'ou_dup', user_id: 'dup' },
      });
      h.emu!.addUser({ open_id: 'ou_dup', user_id: 'dup', name: 'Dup' });
      const first = await postEvent(h.eventUrl, ev, { encryptKey: ENCRYPT_KEY });
      const second = await postEvent(h.eventUrl, ev, { encryptKey: ENCRYPT_KEY });
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(await second.json()).toEqual({ ok: true, duplicate: true });
      expect(await h.db.prisma.inboundEvent.count({ where: { externalId: ev.uuid } })).toBe(1);
      await eventually(() => h.emu!.messagesTo('ou_dup').length === 1, 10_000, 'the onboarding card');
      await untilIdle(h.db.prisma);
      expect(h.emu!.messagesTo('ou_dup')).toHaveLength(1);
    });

    it('accepts concurrent deliveries of the same event exactly once', async () => {
      const ev = v2Event('some.other.event_v1', {});
      const results = await Promise.all(
        Array.from({ length: 8 }, () => postEvent(h.eventUrl, ev, { encryptKey: ENCRYPT_KEY })),
      );
      const bodies = await Promise.all(results.map((r) => r.json() as Promise<{ duplicate?: boolean }>));
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(bodies.filter((b) => !b.duplicate)).toHaveLength(1);
      expect(await h.db.prisma.inboundEvent.count({ where: { externalId: ev.header.event_id } })).toBe(1);
    });
  });
});
