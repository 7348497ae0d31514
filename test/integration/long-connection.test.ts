import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../fixtures/index.js';
import { encryptFeishuText, postEvent, v2Event } from '../helpers/feishu-events.js';
import { ENCRYPT_KEY, eventually, startHarness, type Harness } from '../helpers/harness.js';
import { answerPushedEvent, type LongConnectionDeps } from '../../src/receivers/feishu-ws.js';
import { untilIdle } from '../helpers/idle.js';

const ENTERED = 'im.chat.access_event.bot_p2p_chat_entered_v1';
const SEED_USER = 'ou_84aad35d084aa403a838cf73ee18467';
const users = [
  { open_id: SEED_USER, user_id: 'e33ggbyz', name: 'V2' },
  ...['ou_frag', 'ou_again', 'ou_hook'].map((id) => ({ open_id: id, user_id: id.slice(3), name: id })),
];
const entered = (openId: string) =>
  v2Event(ENTERED, { chat_id: 'oc_p2p', operator_id: { open_id: openId, user_id: 'x', union_id: 'on_x' } });

async function health(h: Harness): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${h.bot.url}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('Feishu long connection (WSClient against the emulator)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { FEISHU_LONG_CONNECTION: 'on' }, emulator: { users } });
    await h.emu!.longConnection.waitForConnections(1);
  });
  afterAll(() => h?.stop());
  afterEach(() => h.emu!.reset());

  it('opens the connection through endpoint discovery, pings, and /healthz shows it', async () => {
    expect(h.emu!.requests.some((r) => r.path === '/callback/ws/endpoint' && r.status === 200)).toBe(true);
    await eventually(() => h.emu!.longConnection.pings >= 1, 5000, 'a ping');
    const { status, body } = await eventually(async () => {
      const r = await health(h);
      return r.body.longConnection === 'connected' ? r : undefined;
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', longConnection: 'connected' });
    expect(h.logs.text()).toContain('long connection to Feishu open');
  });

  it('stores the seed first-chat event before it acknowledges; a repeated push sends no second card', async () => {
    const seed = loadFixture<{ header: { event_id: string } }>('feishu/bot_p2p_chat_entered.v2.json');
    const ack = await h.emu!.pushEvent(seed);
    expect(ack).toEqual({ code: 200 });
    // Acknowledged means stored: the row is there the moment the ACK is.
    const stored = await h.db.prisma.inboundEvent.findMany({
      where: { source: 'feishu', externalId: seed.header.event_id },
    });
    expect(stored).toHaveLength(1);
    const [msg] = await h.emu!.waitForMessages(1);
    expect(msg).toMatchObject({ receive_id: SEED_USER, msg_type: 'interactive' });

    expect(await h.emu!.pushEvent(seed)).toEqual({ code: 200 });
    expect(
      await h.db.prisma.inboundEvent.count({ where: { source: 'feishu', externalId: seed.header.event_id } }),
    ).toBe(1);
    await untilIdle(h.db.prisma);
    expect(h.emu!.messagesTo(SEED_USER)).toHaveLength(1);
  });

  it('answers 500, so that Feishu pushes it again, when the event cannot be stored', async () => {
    // A constraint only this test has: the database refuses the row, so it must not be acknowledged as received.
    await h.db.query(
      `ALTER TABLE inbound_event ADD CONSTRAINT test_refuse CHECK (external_id NOT LIKE 'refuse-%')`,
      [],
    );
    try {
      const body = v2Event(
        ENTERED,
        { chat_id: 'oc_p2p', operator_id: { open_id: 'ou_nul', user_id: 'x', union_id: 'on_x' } },
        { eventId: 'refuse-1' },
      );
      const ack = await h.emu!.pushEvent(body);
      expect(ack.code).toBe(500);
      expect(await h.db.prisma.inboundEvent.count({ where: { externalId: body.header.event_id } })).toBe(0);
    } finally {
      await h.db.query('ALTER TABLE inbound_event DROP CONSTRAINT test_refuse', []);
    }
  });

  it('stores an event jsonb cannot hold (a NUL, a lone surrogate): U+FFFD in the payload, original kept', async () => {
    const body = v2Event('contact.user.updated_v3', { note: 'a\u0000b', other: '\ud800' });
    const ack = await h.emu!.pushEvent(body);
    expect(ack.code).toBe(200);
    const row = await h.db.prisma.inboundEvent.findFirst({ where: { externalId: body.header.event_id } });
    expect((row!.payload as { event: Record<string, string> }).event).toEqual({ note: 'a\ufffdb', other: '\ufffd' });
    expect(JSON.parse(row!.payloadRaw!)).toEqual(body);
  });

  it('joins an event pushed in fragments', async () => {
    const ack = await h.emu!.pushEvent(entered('ou_frag'), { fragments: 3 });
    expect(ack.code).toBe(200);
    await h.emu!.waitForMessages(1);
    expect(h.emu!.messagesTo('ou_frag')).toHaveLength(1);
  });

  it('answers a card callback in the acknowledgement', async () => {
    const click = v2Event('card.action.trigger', {
      operator: { open_id: 'ou_hook', user_id: 'u', union_id: 'on' },
      token: 'c-1',
      action: { value: { action: 'no_such_button' }, tag: 'button' },
      context: { open_message_id: 'om_x', open_chat_id: 'oc_x' },
    });
    const ack = await h.emu!.pushEvent(click);
    expect(ack.code).toBe(200);
    expect(ack.data).toMatchObject({ toast: { type: 'warning' } });
    expect(JSON.stringify(ack.data)).toContain('This button is no longer available.');
  });

  it('answers a form submit in the acknowledgement, saved like one through the webhook', async () => {
    await h.db.prisma.admin.upsert({ where: { openId: 'ou_again' }, create: { openId: 'ou_again' }, update: {} });
    const submit = v2Event('card.action.trigger', {
      operator: { open_id: 'ou_again', user_id: 'u', union_id: 'on' },
      token: 'c-2',
      action: {
        value: { action: 'form', form: 'settings', chats: [] },
        tag: 'button',
        name: 'settings_submit',
        form_value: { repeat_days: '9', daily_cap: '3' },
      },
      context: { open_message_id: 'om_x', open_chat_id: 'oc_x' },
    });
    const ack = await h.emu!.pushEvent(submit);
    expect(ack.code).toBe(200);
    expect(ack.data).toMatchObject({ toast: { type: 'success' }, card: { type: 'raw' } });
    expect(JSON.stringify(ack.data)).toContain('"default_value":"9"');
    expect(await h.db.prisma.setting.findUnique({ where: { key: 'reminders.repeat-days' } })).toMatchObject({
      value: 9,
    });
  });

  it('answers 500 to a pushed message that is not a Feishu event, and stores nothing', async () => {
    const before = await h.db.prisma.inboundEvent.count();
    const ack = await h.emu!.pushEvent({ hello: 'world' });
    expect(ack.code).toBe(500);
    expect(await h.db.prisma.inboundEvent.count()).toBe(before);
  });

  it('acknowledges a click 10,000 deep (plain or encrypted), stores nothing of it; others unaffected', async () => {
    const deepClick = () => {
      const click = v2Event('card.action.trigger', {
        operator: { open_id: 'ou_hook' },
        action: { value: { action: 'x', list: 'DEEP' } },
        context: { open_message_id: 'om_x', open_chat_id: 'oc_x' },
      });
      return JSON.stringify(click).replace('"DEEP"', '['.repeat(10_000) + ']'.repeat(10_000));
    };
    const encrypted = JSON.stringify({ encrypt: encryptFeishuText(deepClick(), ENCRYPT_KEY) });
    const before = await h.db.prisma.inboundEvent.count();
    const neighbour = entered('ou_frag');
    // Pushed together: the SDK hands the bot each one as it arrives, so they are handled side by side.
    const [plainAck, encryptedAck, neighbourAck] = await Promise.all([
      h.emu!.pushEvent(Buffer.from(deepClick())),
      h.emu!.pushEvent(Buffer.from(encrypted)),
      h.emu!.pushEvent(neighbour),
    ]);
    // The SDK has no refusal to send: acknowledged without data, so Feishu does not deliver it again.
    expect(plainAck).toEqual({ code: 200 });
    expect(encryptedAck).toEqual({ code: 200 });
    expect(neighbourAck).toEqual({ code: 200 });
    expect(await h.db.prisma.inboundEvent.count()).toBe(before + 1);
    expect(await h.db.prisma.inboundEvent.count({ where: { externalId: neighbour.header.event_id } })).toBe(1);
    expect(h.logs.text().match(/"code":"payload_too_deep"/g)).toHaveLength(2);
    expect(h.logs.text()).not.toContain('Maximum call stack');
  });

  it('reconnects after the connection drops, and events keep arriving', async () => {
    h.emu!.longConnection.dropConnections();
    await eventually(() => h.logs.text().includes('long connection open again'), 10_000, 'the reconnect');
    await h.emu!.longConnection.waitForConnections(1);
    expect(await h.emu!.pushEvent(entered('ou_again'))).toEqual({ code: 200 });
    await h.emu!.waitForMessages(1);
    expect(h.emu!.messagesTo('ou_again')).toHaveLength(1);
  });

  it('keeps the webhook working beside it', async () => {
    const res = await postEvent(h.eventUrl, entered('ou_hook'), { encryptKey: ENCRYPT_KEY });
    expect(res.status).toBe(200);
    await h.emu!.waitForMessages(1);
    expect(h.emu!.messagesTo('ou_hook')).toHaveLength(1);
  });
});

describe('Feishu long connection refused', () => {
  it('says so when the app secret is wrong, and the bot keeps running on the webhook', async () => {
    const h = await startHarness({ env: { FEISHU_LONG_CONNECTION: 'on', FEISHU_APP_SECRET: 'not-the-secret' } });
    try {
      await eventually(() => h.logs.text().includes('long connection gave up'), 10_000, 'the failure in the log');
      expect(h.logs.text()).toContain('code=514');
      expect(h.logs.text()).not.toContain('not-the-secret');
      expect(h.emu!.longConnection.connections).toBe(0);
      const { status, body } = await health(h);
      expect(status).toBe(200);
      expect(body.longConnection).toBe('failed');
      expect((await postEvent(h.eventUrl, entered('ou_x'), { encryptKey: ENCRYPT_KEY })).status).toBe(200);
    } finally {
      await h.stop();
    }
  });

  it('refuses a pushed event while the bot is stopping, so that Feishu delivers it again', async () => {
    const deps = { accepting: () => false } as unknown as LongConnectionDeps;
    await expect(answerPushedEvent(deps, entered('ou_x'))).rejects.toThrow('stopping');
  });
});
