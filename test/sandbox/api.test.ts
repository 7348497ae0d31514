/**
 * The sandbox without a browser: its JSON contract, every seed event accepted by the bot's real endpoints, settings
 * from the environment winning over the sandbox's own, clear 4xx answers, and no console outside the sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startSandbox, SANDBOX_DEFAULTS, type Sandbox } from '../../src/sandbox/start.js';
import { DEMO_USERS } from '../../src/sandbox/demo.js';
import { postEvent, v2Event } from '../../src/emulator/feishu/events.js';
import { eventually, startHarness } from '../helpers/harness.js';

const OUTSIDE = {
  FEISHU_ENCRYPT_KEY: 'outside-encrypt-key',
  FEISHU_VERIFICATION_TOKEN: 'outside-token',
  QINGSUYUN_SECRET_KEY: 'outside-qsy-key',
};

describe('sandbox API', () => {
  let sandbox: Sandbox;
  const api = (path: string, body?: unknown) =>
    fetch(
      `${sandbox.consoleUrl}/api/${path}`,
      body === undefined
        ? {}
        : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
  const idle = () =>
    eventually(
      async () => {
        const prisma = sandbox.bot.database.prisma;
        const busy = await prisma.inboundEvent.count({ where: { status: { in: ['pending', 'processing'] } } });
        const sending = await prisma.notification.count({ where: { status: { in: ['pending', 'sending'] } } });
        return busy + sending === 0;
      },
      30_000,
      'the bot to be idle',
    );

  beforeAll(async () => {
    sandbox = await startSandbox({
      env: { PORT: '0', DATA_DIR: 'memory://', ...OUTSIDE },
      log: createLogger('silent'),
    });
  }, 120_000);
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('lists the demo users with open_id, user_id, name, email and manager', async () => {
    const users = (await (await api('users')).json()) as Record<string, unknown>[];
    expect(users).toHaveLength(DEMO_USERS.length);
    for (const u of users)
      expect(Object.keys(u)).toEqual(expect.arrayContaining(['open_id', 'user_id', 'name', 'email', 'manager']));
    expect(users.find((u) => u.user_id === 'lilei')).toMatchObject({
      manager: 'ou_demo_wangfang',
      email: 'li.lei@demo.example',
    });
  });

  it('takes events signed with the keys from the environment, and lists what the bot sent', async () => {
    expect(sandbox.config.FEISHU_ENCRYPT_KEY).toBe(OUTSIDE.FEISHU_ENCRYPT_KEY);
    const lilei = DEMO_USERS.find((u) => u.user_id === 'lilei')!;
    const event = v2Event(
      'im.chat.access_event.bot_p2p_chat_entered_v1',
      { chat_id: 'oc_x', operator_id: { open_id: lilei.open_id } },
      {
        token: OUTSIDE.FEISHU_VERIFICATION_TOKEN,
        appId: sandbox.feishu.appId,
      },
    );
    const withDefaultKey = await postEvent(`${sandbox.bot.url}/webhook/event`, event, {
      encryptKey: SANDBOX_DEFAULTS.FEISHU_ENCRYPT_KEY!,
    });
    expect(withDefaultKey.status).toBe(401);
    const res = await postEvent(`${sandbox.bot.url}/webhook/event`, event, {
      encryptKey: OUTSIDE.FEISHU_ENCRYPT_KEY,
      encrypt: true,
    });
    expect(res.status).toBe(200);
    const messages = await eventually(
      async () => {
        const list = (await (await api('messages')).json()) as Record<string, string>[];
        return list.length > 0 ? list : undefined;
      },
      30_000,
      'the onboarding card',
    );
    expect(messages[0]).toMatchObject({
      receive_id: lilei.open_id,
      receive_id_type: 'open_id',
      msg_type: 'interactive',
    });
    expect(messages[0]!.message_id).toMatch(/^om_/);
    expect(messages[0]!.content).toBe(messages[0]!.current_content);
    expect(messages[0]!.content).toContain('Welcome to the learning assistant');
  });

  it('fires every seed event through the real endpoints, and none of them fails', async () => {
    const seeds = (await (await api('seeds')).json()) as { id: string; target: string; body: unknown }[];
    expect(seeds.map((s) => s.target)).toEqual(expect.arrayContaining(['event', 'alm', 'qingsuyun']));
    for (const seed of seeds) {
      const answer = (await (await api('fire', { target: seed.target, body: seed.body })).json()) as {
        status: number;
        body: unknown;
      };
      expect([seed.id, answer.status]).toEqual([seed.id, seed.target === 'alm' ? 202 : 200]);
      if (seed.target === 'qingsuyun') expect(answer.body).toBe('success');
    }
    await idle();
    const prisma = sandbox.bot.database.prisma;
    expect(await prisma.inboundEvent.count({ where: { status: 'failed' } })).toBe(0);
    expect(await prisma.inboundEvent.count({ where: { source: 'qingsuyun' } })).toBe(4);
    expect(await prisma.notification.count({ where: { status: 'failed' } })).toBe(0);
  });

  it('makes the next sends fail with 230013, and the outbox records the failure', async () => {
    await idle();
    expect((await api('fail', { kind: '230013', times: 1 })).status).toBe(200);
    const han = DEMO_USERS.find((u) => u.user_id === 'hanmeimei')!;
    const said = (await (
      await api('say', { from: han.open_id, chat_id: sandbox.feishu.p2pChatId(han.open_id), text: 'help' })
    ).json()) as { status: number };
    expect(said.status).toBe(200);
    const failed = await eventually(
      () => sandbox.bot.database.prisma.notification.findFirst({ where: { status: 'failed' } }),
      30_000,
      'a failed send',
    );
    expect(failed.lastError).toContain('230013');
  });

  it('a group message that mentions the bot is a command, answered in the group', async () => {
    const admin = DEMO_USERS.find((u) => u.admin)!;
    const before = sandbox.feishu.messagesTo('oc_demo_helpdesk').length;
    const said = (await (
      await api('say', { from: admin.open_id, chat_id: 'oc_demo_helpdesk', text: '@bot help' })
    ).json()) as { status: number };
    expect(said.status).toBe(200);
    await eventually(
      () => sandbox.feishu.messagesTo('oc_demo_helpdesk').length > before,
      30_000,
      'the help card in the group',
    );
    expect(sandbox.feishu.messagesTo('oc_demo_helpdesk').at(-1)!.content).toContain('Commands');
  });

  it("typing in a demo user's new chat opens it first: the first-chat event, once, then the answer", async () => {
    await idle();
    const zhang = DEMO_USERS.find((u) => u.user_id === 'zhangwei')!;
    const chatId = sandbox.feishu.p2pChatId(zhang.open_id);
    const said = (await (await api('say', { from: zhang.open_id, chat_id: chatId, text: 'help' })).json()) as {
      status: number;
    };
    expect(said.status).toBe(200);
    const welcomes = () =>
      sandbox.feishu.messagesTo(zhang.open_id).filter((m) => m.content.includes('欢迎使用学习助手'));
    await eventually(() => welcomes().length === 1, 10_000, 'the welcome card');
    await eventually(
      () => sandbox.feishu.messagesTo(chatId).some((m) => m.content.includes('Commands')),
      10_000,
      'the help card',
    );
    expect(welcomes()[0]!.content).toContain('Welcome to the learning assistant');
    // Opening it again is not a first chat.
    expect(await (await api('open', { open_id: zhang.open_id })).json()).toEqual({ first: false });
    const entered = await sandbox.bot.database.prisma.inboundEvent.count({
      where: {
        eventType: 'im.chat.access_event.bot_p2p_chat_entered_v1',
        payload: { path: ['event', 'operator_id', 'open_id'], equals: zhang.open_id },
      },
    });
    expect(entered).toBe(1);
  });

  it('"New ids" keeps the ticket id: the update changes the card the creation posted, no second card', async () => {
    type Seed = { id: string; target: string; body: { header: { event_id: string }; event: Record<string, unknown> } };
    const load = async () => (await (await api('seeds')).json()) as Seed[];
    const [first, again] = [await load(), await load()];
    const pick = (list: Seed[], id: string) => list.find((s) => s.id === id)!;
    const created = pick(first, 'ticket-created');
    const updated = pick(again, 'ticket-updated');
    expect(created.body.header.event_id).not.toBe(pick(again, 'ticket-created').body.header.event_id);
    const ticketId = created.body.event.ticket_id as string;
    expect((updated.body.event.object as { ticket_id: string }).ticket_id).toBe(ticketId);
    await idle();
    const cards = () => sandbox.feishu.messages.filter((m) => m.chat_id === 'oc_demo_itduty');
    const before = cards().length;
    await api('fire', {
      target: 'event',
      body: { ...created.body, event: { ...created.body.event, ticket_id: 'T-SANDBOX' } },
    });
    await eventually(() => cards().length === before + 1, 30_000, 'the ticket card');
    const object = { ...(updated.body.event.object as object), ticket_id: 'T-SANDBOX' };
    await api('fire', { target: 'event', body: { ...updated.body, event: { ...updated.body.event, object } } });
    await eventually(() => cards().at(-1)!.updated, 30_000, 'the card updated');
    await idle();
    expect(cards()).toHaveLength(before + 1);
    expect(cards().at(-1)!.content).toContain('工单处理中');
    expect(cards().at(-1)!.content).toContain('VPN 连不上');
  });

  it('Queues keep the error after a retry succeeds, and say why an event sent nothing', async () => {
    await idle();
    expect((await api('fail', { kind: '5xx', times: 1 })).status).toBe(200);
    const wang = DEMO_USERS.find((u) => u.user_id === 'wangfang')!;
    await api('open', { open_id: wang.open_id });
    await idle();
    await api('say', { from: wang.open_id, chat_id: 'oc_demo_helpdesk', text: 'hello everyone' });
    await api('say', { from: wang.open_id, chat_id: sandbox.feishu.p2pChatId(wang.open_id), text: 'help' });
    await idle();
    type Queues = {
      inbox: { event_type: string; status: string; note: string | null }[];
      outbox: { status: string; attempts: number; last_error: string | null }[];
    };
    const q = (await (await api('queues')).json()) as Queues;
    const retried = q.outbox.find((n) => n.status === 'sent' && n.attempts > 1);
    expect(retried?.last_error).toContain('503');
    const quiet = q.inbox.find((e) => e.event_type === 'im.message.receive_v1' && e.note?.includes('not for the bot'));
    expect(quiet).toMatchObject({ status: 'processed' });
  });

  it('answers bad console requests with a clear 4xx', async () => {
    const cases: [string, unknown][] = [
      ['say', { from: 'ou_nobody', chat_id: 'oc_demo_helpdesk', text: 'help' }],
      ['say', { from: DEMO_USERS[0]!.open_id, chat_id: 'oc_elsewhere', text: 'help' }],
      ['fail', { kind: '418', times: 1 }],
      ['fail', { kind: '429', times: 0 }],
      ['fire', { target: 'nowhere', body: {} }],
      ['click', { operator: DEMO_USERS[0]!.open_id, message_id: 'om_unknown', value: {} }],
    ];
    for (const [path, body] of cases) {
      const res = await api(path, body);
      expect([path, res.status]).toEqual([path, 400]);
      expect(await res.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
  });
});

describe('outside the sandbox', () => {
  it('the bot serves no console', async () => {
    const h = await startHarness();
    try {
      expect((await fetch(`${h.bot.url}/sandbox`)).status).toBe(404);
      expect((await fetch(`${h.bot.url}/sandbox/api/users`)).status).toBe(404);
    } finally {
      await h.stop();
    }
  }, 120_000);
});
