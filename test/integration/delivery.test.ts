import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../fixtures/index.js';
import { postEvent, v1Event, v2Event } from '../helpers/feishu-events.js';
import { ENCRYPT_KEY, VERIFICATION_TOKEN, eventually, startHarness, type Harness } from '../helpers/harness.js';
import { LANES } from '../helpers/databases.js';
import { untilIdle } from '../helpers/idle.js';

const ENTERED = 'im.chat.access_event.bot_p2p_chat_entered_v1';
const users = Array.from({ length: 10 }, (_, i) => ({
  open_id: `ou_user${i}`,
  user_id: `user${i}`,
  name: `User ${i}`,
}));
const entered = (openId: string) =>
  v2Event(ENTERED, { chat_id: 'oc_p2p', operator_id: { open_id: openId, user_id: 'x', union_id: 'on_x' } });

describe.each(LANES)('first chat and delivery (%s)', (lane) => {
  let h: Harness;
  const notification = (receiveId: string) => h.db.prisma.notification.findFirst({ where: { receiveId } });

  beforeAll(async () => {
    h = await startHarness({
      lane,
      emulator: {
        users: [
          ...users,
          { open_id: 'ou_7dede290d6a27698b969a7fd70ca53da', user_id: 'gfa21d92', name: '张三' },
          { open_id: 'ou_84aad35d084aa403a838cf73ee18467', user_id: 'e33ggbyz', name: 'V2' },
          { open_id: 'ou_out', user_id: 'out', name: 'Out', inAppScope: false },
        ],
      },
    });
  });
  afterAll(() => h?.stop());
  afterEach(() => h.emu!.reset());

  it('sends the onboarding card for the seed p2p_chat_create (v1) to event.user', async () => {
    // The seed payload, with the verification token of this test app.
    const seed = { ...loadFixture<object>('feishu/p2p_chat_create.v1.json'), token: VERIFICATION_TOKEN };
    const res = await postEvent(h.eventUrl, seed, { encryptKey: ENCRYPT_KEY });
    expect(res.status).toBe(200);
    const [msg] = await h.emu!.waitForMessages(1);
    expect(msg).toMatchObject({
      receive_id_type: 'open_id',
      receive_id: 'ou_7dede290d6a27698b969a7fd70ca53da',
      msg_type: 'interactive',
    });
    expect((msg!.card as { schema: string }).schema).toBe('2.0');
    expect(JSON.stringify(msg!.card)).toContain('help');
  });

  it('sends it for bot_p2p_chat_entered (v2) to the operator, once per user ever', async () => {
    const raw = loadFixture<{ header: object }>('feishu/bot_p2p_chat_entered.v2.json');
    const seed = { ...raw, header: { ...raw.header, token: VERIFICATION_TOKEN } };
    await postEvent(h.eventUrl, seed, { encryptKey: ENCRYPT_KEY });
    await h.emu!.waitForMessages(1);
    expect(h.emu!.messages[0]!.receive_id).toBe('ou_84aad35d084aa403a838cf73ee18467');
    // The same user opens the chat again: a new event, no new card.
    const again = await postEvent(h.eventUrl, entered('ou_84aad35d084aa403a838cf73ee18467'), {
      encryptKey: ENCRYPT_KEY,
    });
    expect(again.status).toBe(200);
    await eventually(
      async () => (await h.db.prisma.inboundEvent.count({ where: { status: 'processed', eventType: ENTERED } })) >= 2,
    );
    expect(h.emu!.messagesTo('ou_84aad35d084aa403a838cf73ee18467')).toHaveLength(1);
  });

  it('passes a deterministic uuid of at most 50 characters', async () => {
    await postEvent(h.eventUrl, entered('ou_user1'), { encryptKey: ENCRYPT_KEY });
    const [msg] = await h.emu!.waitForMessages(1);
    const row = await eventually(async () => {
      const n = await notification('ou_user1');
      return n?.status === 'sent' ? n : undefined;
    });
    expect(msg!.uuid).toBe(row!.uuid);
    expect(row!.uuid.length).toBeLessThanOrEqual(50);
    expect(row).toMatchObject({ status: 'sent', messageId: msg!.message_id, attempts: 1 });
  });

  it('retries 5xx, 429 and network errors with backoff and sends once', async () => {
    h.emu!.failNext({ status: 500, times: 1 });
    h.emu!.failNext({
      status: 429,
      code: 99991400,
      msg: 'request trigger frequency limit',
      headers: { 'x-ogw-ratelimit-reset': '1' },
      times: 1,
    });
    h.emu!.failNext({ networkError: true, times: 1 });
    await postEvent(h.eventUrl, entered('ou_user2'), { encryptKey: ENCRYPT_KEY });
    const row = await eventually(
      async () => {
        const n = await notification('ou_user2');
        return n?.status === 'sent' ? n : undefined;
      },
      15_000,
      'the retried send',
    );
    expect(row.attempts).toBe(4);
    expect(h.emu!.messagesTo('ou_user2')).toHaveLength(1);
  });

  it('retries 230020 (frequency limit)', async () => {
    h.emu!.failNext({ status: 400, code: 230020, msg: 'frequency limit', times: 2 });
    await postEvent(h.eventUrl, entered('ou_user3'), { encryptKey: ENCRYPT_KEY });
    const row = await eventually(
      async () => ((await notification('ou_user3'))?.status === 'sent' ? notification('ou_user3') : undefined),
      10_000,
    );
    expect(row!.attempts).toBe(3);
  });

  it('marks a permanent error failed with the reason and does not retry it', async () => {
    await postEvent(h.eventUrl, entered('ou_out'), { encryptKey: ENCRYPT_KEY });
    const row = await eventually(
      async () => {
        const n = await notification('ou_out');
        return n?.status === 'failed' ? n : undefined;
      },
      10_000,
      'the failed notification',
    );
    expect(row.lastError).toContain('230013');
    expect(row.attempts).toBe(1);
    await untilIdle(h.db.prisma);
    expect(
      h.emu!.requests.filter((r) => r.path.startsWith('/open-apis/im/v1/messages') && r.code === 230013),
    ).toHaveLength(1);
  });

  it('gives up after OUTBOX_MAX_ATTEMPTS transient failures and says so', async () => {
    h.emu!.failNext({ status: 503, times: 100 });
    await postEvent(h.eventUrl, entered('ou_user4'), { encryptKey: ENCRYPT_KEY });
    const row = await eventually(
      async () => {
        const n = await notification('ou_user4');
        return n?.status === 'failed' ? n : undefined;
      },
      20_000,
      'giving up',
    );
    expect(row.attempts).toBe(h.config.OUTBOX_MAX_ATTEMPTS);
    expect(row.lastError).toMatch(/gave up after \d+ attempts: HTTP 503/);
  });
});

describe('restart with pending work', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bot-restart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('processes and sends after a restart what was accepted before it', async () => {
    // Background work off: events are stored and acknowledged, nothing is processed yet.
    const h = await startHarness({ dataDir, background: false, emulator: { users } });
    try {
      for (const u of users.slice(0, 5)) {
        const res = await postEvent(h.eventUrl, entered(u.open_id), { encryptKey: ENCRYPT_KEY });
        expect(res.status).toBe(200);
      }
      expect(await h.db.prisma.inboundEvent.count({ where: { status: 'pending' } })).toBe(5);
      expect(h.emu!.messages).toHaveLength(0);
      await h.bot.stop();
      // A new bot on the same data directory, now with its worker and dispatcher running.
      const h2 = await startHarness({
        dataDir,
        emulator: false,
        env: { FEISHU_APP_ID: h.emu!.appId, FEISHU_APP_SECRET: h.emu!.appSecret, FEISHU_DOMAIN: h.emu!.url },
      });
      try {
        await h.emu!.waitForMessages(5, 15_000);
        expect(new Set(h.emu!.messages.map((m) => m.receive_id))).toEqual(
          new Set(users.slice(0, 5).map((u) => u.open_id)),
        );
      } finally {
        await h2.stop();
      }
    } finally {
      await h.emu!.stop();
    }
  });
});

describe('without Feishu credentials', () => {
  it('starts, says what is missing, stores events and keeps their cards pending', async () => {
    const h = await startHarness({ emulator: false });
    try {
      expect(h.bot.dispatcher).toBeUndefined();
      expect(h.logs.text()).toContain('FEISHU_APP_ID / FEISHU_APP_SECRET are not set');
      const health = await fetch(`${h.bot.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', database: 'pglite' });
      const res = await postEvent(
        h.eventUrl,
        v1Event('p2p_chat_create', { user: { open_id: 'ou_nocreds' } }, { token: VERIFICATION_TOKEN }),
        { encryptKey: ENCRYPT_KEY },
      );
      expect(res.status).toBe(200);
      const n = await eventually(() => h.db.prisma.notification.findFirst({ where: { receiveId: 'ou_nocreds' } }));
      expect(n.status).toBe('pending');
    } finally {
      await h.stop();
    }
  });
});
