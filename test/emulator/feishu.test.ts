import * as lark from '@larksuiteoapi/node-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { FeishuEmulator, type EmulatedUser, type FeishuEmulatorOptions } from '../../src/emulator/feishu/index.js';

const USERS: EmulatedUser[] = [
  {
    open_id: 'ou_alice',
    user_id: 'u_alice',
    union_id: 'on_alice',
    name: '爱丽丝',
    en_name: 'Alice',
    email: 'alice@example.com',
    mobile: '+8613800000001',
    leader_user_id: 'ou_bob',
  },
  { open_id: 'ou_bob', user_id: 'u_bob', union_id: 'on_bob', name: 'Bob', email: 'bob@example.com' },
  { open_id: 'ou_carol', user_id: 'u_carol', name: 'Carol', inAppScope: false },
];

const MESSAGES = '/open-apis/im/v1/messages';
const TOKEN = '/open-apis/auth/v3/tenant_access_token/internal';
const STATUS = { is_frozen: false, is_resigned: false, is_activated: true, is_exited: false, is_unjoin: false };

const running: FeishuEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

async function start(opts: FeishuEmulatorOptions = {}) {
  const emu = await FeishuEmulator.start({ users: USERS, ...opts });
  running.push(emu);
  return { emu, client: sdkClient(emu) };
}

/** A per-test token cache, so no two tests (or clients) share a token. */
function memoryCache(): lark.Cache {
  const entries = new Map<string, { value: unknown; expiresAt?: number }>();
  const key = (k: string | symbol | object, o?: { namespace?: string }) => `${o?.namespace ?? ''}:${String(k)}`;
  return {
    set: async (k, value, expiresAt, o) => {
      entries.set(key(k, o), { value, expiresAt });
      return true;
    },
    get: async (k, o) => {
      const e = entries.get(key(k, o));
      return e && (e.expiresAt === undefined || e.expiresAt > Date.now()) ? e.value : undefined;
    },
  };
}

const silent: lark.Logger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };

function sdkClient(emu: FeishuEmulator, appSecret = emu.appSecret): lark.Client {
  return new lark.Client({
    appId: emu.appId,
    appSecret,
    domain: emu.url,
    cache: memoryCache(),
    logger: silent,
    loggerLevel: lark.LoggerLevel.error,
  });
}

interface SdkFailure {
  message: string;
  code?: string;
  response?: { status: number; data: { code: number; msg: string }; headers: Record<string, string> };
}

/** The error a rejected SDK call throws (an AxiosError for non-2xx answers). */
async function failure(p: Promise<unknown>): Promise<SdkFailure> {
  try {
    await p;
  } catch (e) {
    return e as SdkFailure;
  }
  throw new Error('expected the call to fail');
}

async function rawFetch(
  emu: FeishuEmulator,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(emu.url + path, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(opts.token !== undefined && { authorization: `Bearer ${opts.token}` }),
      ...opts.headers,
    },
    ...(method !== 'GET' && { body: opts.rawBody ?? JSON.stringify(opts.body ?? {}) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

async function fetchToken(emu: FeishuEmulator): Promise<{ token: string; expire: number }> {
  const { body } = await rawFetch(emu, 'POST', TOKEN, { body: { app_id: emu.appId, app_secret: emu.appSecret } });
  return { token: body.tenant_access_token as string, expire: body.expire as number };
}

function card2(text: string, extra: Record<string, unknown> = {}) {
  return {
    schema: '2.0',
    config: { update_multi: true },
    header: { title: { tag: 'plain_text', content: 'Welcome' }, template: 'blue' },
    body: { elements: [{ tag: 'markdown', content: text, element_id: 'md_1' }] },
    ...extra,
  };
}

function sendCard(client: lark.Client, receiveId: string, card: unknown, opts: { type?: string; uuid?: string } = {}) {
  return client.im.v1.message.create({
    params: { receive_id_type: (opts.type ?? 'open_id') as 'open_id' },
    data: {
      receive_id: receiveId,
      msg_type: 'interactive',
      content: typeof card === 'string' ? card : JSON.stringify(card),
      ...(opts.uuid !== undefined && { uuid: opts.uuid }),
    },
  });
}

function sendText(client: lark.Client, receiveId: string, text: string) {
  return client.im.v1.message.create({
    params: { receive_id_type: 'open_id' },
    data: { receive_id: receiveId, msg_type: 'text', content: JSON.stringify({ text }) },
  });
}

const tokenRequests = (emu: FeishuEmulator) => emu.requests.filter((r) => r.path === TOKEN).length;

describe('tenant_access_token', () => {
  it('is issued at top level and reused by the SDK across calls', async () => {
    const { emu, client } = await start();
    const first = await rawFetch(emu, 'POST', TOKEN, { body: { app_id: emu.appId, app_secret: emu.appSecret } });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      code: 0,
      msg: 'ok',
      tenant_access_token: expect.stringMatching(/^t-[0-9a-f]{40}$/),
      expire: 7200,
    });

    await sendText(client, 'ou_alice', 'one');
    await sendText(client, 'ou_bob', 'two');
    await client.contact.v3.user.get({ path: { user_id: 'ou_alice' }, params: { user_id_type: 'open_id' } });
    expect(tokenRequests(emu)).toBe(2); // the raw fetch above and one by the SDK
    expect(emu.messages.map((m) => m.receive_id)).toEqual(['ou_alice', 'ou_bob']);
  });

  it('returns the same token while 30 min remain, then a new one; the old one is valid until it expires', async () => {
    let now = 1_700_000_000_000;
    const { emu } = await start({ clock: () => now });
    const t1 = await fetchToken(emu);
    now += 1000 * 1000;
    expect(await fetchToken(emu)).toEqual({ token: t1.token, expire: 6200 });

    now += 5401 * 1000; // 1799 s left on t1
    const t2 = await fetchToken(emu);
    expect(t2.token).not.toBe(t1.token);
    expect(t2.expire).toBe(7200);
    const get = (token: string) => rawFetch(emu, 'GET', '/open-apis/contact/v3/users/ou_bob', { token });
    expect((await get(t1.token)).body.code).toBe(0);
    expect((await get(t2.token)).body.code).toBe(0);

    now += 1799 * 1000; // t1 is now expired
    expect(await get(t1.token)).toMatchObject({ status: 400, body: { code: 99991663 } });
    expect((await get(t2.token)).body.code).toBe(0);
  });

  it('rejects bad credentials with code 10014 and no token, so the SDK throws', async () => {
    const { emu } = await start();
    const err = await failure(sendText(sdkClient(emu, 'wrong-secret'), 'ou_alice', 'x'));
    expect(err.message).toBe('failed to get tenant_access_token, code: 10014, msg: app secret invalid');
    expect(emu.messages).toHaveLength(0);

    const unknownApp = await rawFetch(emu, 'POST', TOKEN, {
      body: { app_id: 'cli_ffffffffffffffff', app_secret: 'x' },
    });
    expect(unknownApp).toMatchObject({ status: 200, body: { code: 10014, msg: 'app id not exists' } });
    expect(unknownApp.body).not.toHaveProperty('tenant_access_token');
    const missing = await rawFetch(emu, 'POST', TOKEN, { body: { app_id: emu.appId } });
    expect(missing.body).toEqual({ code: 10003, msg: 'invalid param' });
  });

  it('answers a missing bearer token with 99991661 and an unknown one with 99991663 (HTTP 400)', async () => {
    const { emu, client } = await start();
    const body = { receive_id: 'ou_alice', msg_type: 'text', content: '{"text":"x"}' };
    const missing = await rawFetch(emu, 'POST', `${MESSAGES}?receive_id_type=open_id`, { body });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 99991661 });
    const bogus = await rawFetch(emu, 'POST', `${MESSAGES}?receive_id_type=open_id`, { body, token: 't-bogus' });
    expect(bogus).toMatchObject({ status: 400, body: { code: 99991663 } });

    // withTenantToken only takes effect with disableTokenCache: otherwise the SDK fetches a
    // token and overwrites the Authorization header.
    const ownToken = new lark.Client({
      appId: emu.appId,
      appSecret: emu.appSecret,
      domain: emu.url,
      disableTokenCache: true,
      logger: silent,
    });
    const viaSdk = await failure(
      ownToken.im.v1.message.create(
        { params: { receive_id_type: 'open_id' }, data: body },
        lark.withTenantToken('t-bogus'),
      ),
    );
    expect(viaSdk.response?.status).toBe(400);
    expect(viaSdk.response?.data.code).toBe(99991663);

    // The SDK keeps using a cached token that the platform no longer accepts.
    await sendText(client, 'ou_alice', 'warm');
    emu.revokeTokens();
    const stale = await failure(sendText(client, 'ou_alice', 'again'));
    expect(stale.response?.data.code).toBe(99991663);
    expect(emu.messages).toHaveLength(1);
  });
});

describe('im.v1.message.create', () => {
  it('records a card send with its parsed card, to a stable p2p chat whatever the id type', async () => {
    const { emu, client } = await start();
    const card = card2('**Hi** Alice');
    const res = await sendCard(client, 'ou_alice', card);
    const chatId = emu.p2pChatId('ou_alice');
    expect(res.code).toBe(0);
    expect(res.msg).toBe('success');
    expect(res.data).toEqual({
      message_id: expect.stringMatching(/^om_[0-9a-f]{32}$/),
      root_id: '',
      parent_id: '',
      msg_type: 'interactive',
      create_time: expect.stringMatching(/^\d{13}$/),
      update_time: expect.stringMatching(/^\d{13}$/),
      deleted: false,
      updated: false,
      chat_id: chatId,
      sender: { id: emu.appId, id_type: 'app_id', sender_type: 'app', tenant_key: emu.tenantKey },
      body: { content: JSON.stringify(card) },
    });
    expect(emu.messages).toHaveLength(1);
    expect(emu.messages[0]).toMatchObject({
      message_id: res.data?.message_id,
      receive_id_type: 'open_id',
      receive_id: 'ou_alice',
      chat_id: chatId,
      msg_type: 'interactive',
      card,
    });

    await sendCard(client, 'ALICE@example.com', card2('by email'), { type: 'email' });
    await sendCard(client, 'u_alice', card2('by user_id'), { type: 'user_id' });
    await sendCard(client, 'on_alice', card2('by union_id'), { type: 'union_id' });
    expect(emu.messages.map((m) => m.chat_id)).toEqual([chatId, chatId, chatId, chatId]);
    expect(emu.messagesTo('ou_alice')).toHaveLength(4);
    expect(emu.messagesTo('ou_bob')).toHaveLength(0);
    expect(emu.p2pChatId('ou_bob')).not.toBe(chatId);
  });

  it('sends to group chats, refusing chats the bot is not in (230002) and malformed chat ids (230001)', async () => {
    const { emu, client } = await start();
    const ok = await sendCard(client, 'oc_team', card2('hello team'), { type: 'chat_id' });
    expect(ok.data?.chat_id).toBe('oc_team');
    emu.addChat('oc_elsewhere', { botIsMember: false });
    const notMember = await failure(sendCard(client, 'oc_elsewhere', card2('x'), { type: 'chat_id' }));
    expect(notMember.response?.status).toBe(400);
    expect(notMember.response?.data.code).toBe(230002);
    const malformed = await failure(sendCard(client, 'team', card2('x'), { type: 'chat_id' }));
    expect(malformed.response?.data.code).toBe(230001);
    expect(emu.messagesTo('oc_team')).toHaveLength(1);
    expect(emu.messages).toHaveLength(1);
  });

  it("lists a group's members page by page; a group the bot is not in is 232011", async () => {
    const { emu, client } = await start();
    emu.addChat('oc_team', { members: ['ou_alice', 'ou_bob', 'ou_carol'] });
    emu.addChat('oc_elsewhere', { botIsMember: false, members: ['ou_alice'] });
    const first = await client.im.v1.chatMembers.get({
      path: { chat_id: 'oc_team' },
      params: { member_id_type: 'open_id', page_size: 2 },
    });
    expect(first.code).toBe(0);
    expect(first.data).toMatchObject({ has_more: true, member_total: 3 });
    expect(first.data?.items).toEqual([
      { member_id_type: 'open_id', member_id: 'ou_alice', name: '爱丽丝', tenant_key: emu.tenantKey },
      { member_id_type: 'open_id', member_id: 'ou_bob', name: 'Bob', tenant_key: emu.tenantKey },
    ]);
    const rest = await client.im.v1.chatMembers.get({
      path: { chat_id: 'oc_team' },
      params: { member_id_type: 'user_id', page_size: 2, page_token: first.data!.page_token! },
    });
    expect(rest.data).toMatchObject({ has_more: false, page_token: '' });
    expect(rest.data?.items?.map((m) => m.member_id)).toEqual(['u_carol']);
    const outside = await failure(client.im.v1.chatMembers.get({ path: { chat_id: 'oc_elsewhere' } }));
    expect(outside.response?.status).toBe(400);
    expect(outside.response?.data.code).toBe(232011);
  });

  it('dedupes a uuid within an hour: same message_id, one message recorded', async () => {
    let now = 1_700_000_000_000;
    const { emu, client } = await start({ clock: () => now });
    const first = await sendCard(client, 'ou_alice', card2('welcome'), { uuid: 'welcome-ou_alice' });
    now += 59 * 60 * 1000;
    const again = await sendCard(client, 'ou_alice', card2('welcome'), { uuid: 'welcome-ou_alice' });
    expect(again.code).toBe(0);
    expect(again.data?.message_id).toBe(first.data?.message_id);
    expect(emu.messages).toHaveLength(1);
    expect(emu.requests.filter((r) => r.path === MESSAGES && r.status === 200)).toHaveLength(2);

    now += 60 * 1000 + 1; // more than an hour after the first send
    const later = await sendCard(client, 'ou_alice', card2('welcome'), { uuid: 'welcome-ou_alice' });
    expect(later.data?.message_id).not.toBe(first.data?.message_id);
    expect(emu.messages).toHaveLength(2);

    const tooLong = await failure(sendCard(client, 'ou_alice', card2('x'), { uuid: 'u'.repeat(51) }));
    expect(tooLong.response?.data.code).toBe(230001);
  });

  it('applies the app-wide 50/s limit: 60 concurrent sends give 50 messages and 10 HTTP 429 (99991400)', async () => {
    const { emu, client } = await start({ appRatePerSecond: 50, recipientRatePerSecond: 1000 });
    await client.contact.v3.user.get({ path: { user_id: 'ou_bob' } }); // fetch the token first
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => sendText(client, 'ou_alice', `message ${i}`)),
    );
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(50);
    expect(rejected).toHaveLength(10);
    for (const r of rejected) {
      const e = r.reason as SdkFailure;
      expect(e.response?.status).toBe(429);
      expect(e.response?.data).toEqual({ code: 99991400, msg: 'request trigger frequency limit' });
      expect(e.response?.headers['x-ogw-ratelimit-limit']).toBe('50');
      expect(Number(e.response?.headers['x-ogw-ratelimit-reset'])).toBeGreaterThanOrEqual(1);
    }
    expect(emu.messages).toHaveLength(50);
    expect(emu.requests.filter((r) => r.status === 429 && r.code === 99991400)).toHaveLength(10);
  });

  it('uses sliding windows: a slot frees exactly when the oldest accepted send is 1 s old', async () => {
    let now = 1_700_000_000_000;
    const { emu, client } = await start({ clock: () => now, appRatePerSecond: 2, appRatePerMinute: 3 });
    await sendText(client, 'ou_alice', 'a');
    now += 400;
    await sendText(client, 'ou_bob', 'b');
    now += 599; // 999 ms after the first
    expect((await failure(sendText(client, 'ou_alice', 'c'))).response?.status).toBe(429);
    now += 1; // the first send leaves the 1 s window
    await sendText(client, 'ou_alice', 'd');
    now += 2000;
    const minute = await failure(sendText(client, 'ou_alice', 'e'));
    expect(minute.response?.status).toBe(429);
    expect(minute.response?.headers['x-ogw-ratelimit-limit']).toBe('3');
    expect(minute.response?.headers['x-ogw-ratelimit-reset']).toBe('57'); // 60 s - 3 s elapsed
    expect(emu.messages.map((m) => JSON.parse(m.content).text)).toEqual(['a', 'b', 'd']);
  });

  it("counts each API's tier on its own: create, reply and patch each have the app's 2/s here", async () => {
    const now = 1_700_000_000_000;
    const { emu, client } = await start({ clock: () => now, appRatePerSecond: 2, appRatePerMinute: null });
    const a = (await sendCard(client, 'oc_team', card2('a'), { type: 'chat_id' })).data!.message_id!;
    const b = (await sendCard(client, 'ou_alice', card2('b'))).data!.message_id!;
    expect((await failure(sendText(client, 'ou_bob', 'c'))).response?.status).toBe(429);
    const reply = () =>
      client.im.v1.message.reply({
        path: { message_id: a },
        data: { msg_type: 'interactive', content: JSON.stringify(card2('r')) },
      });
    await reply();
    await reply();
    const third = await failure(reply());
    expect(third.response?.status).toBe(429);
    expect(third.response?.data).toEqual({ code: 99991400, msg: 'request trigger frequency limit' });
    const patch = (id: string) =>
      client.im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(card2('p')) } });
    await patch(a);
    await patch(b);
    const refused = await failure(patch(a));
    expect(refused.response?.status).toBe(429);
    expect(refused.response?.headers['x-ogw-ratelimit-limit']).toBe('2');
    expect(refused.response?.headers['x-ogw-ratelimit-reset']).toBe('1');
    expect(emu.messages).toHaveLength(4);
    expect(emu.requests.filter((r) => r.status === 429)).toHaveLength(3);
  });

  it('limits each recipient to 5/s with HTTP 400 code 230020', async () => {
    const { emu, client } = await start();
    await client.contact.v3.user.get({ path: { user_id: 'ou_bob' } });
    const results = await Promise.allSettled([
      ...Array.from({ length: 6 }, (_, i) => sendText(client, 'ou_alice', `a${i}`)),
      sendText(client, 'ou_bob', 'b'),
    ]);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    const e = rejected[0]!.reason as SdkFailure;
    expect(e.response?.status).toBe(400);
    expect(e.response?.data.code).toBe(230020);
    expect(emu.messagesTo('ou_alice')).toHaveLength(5);
    expect(emu.messagesTo('ou_bob')).toHaveLength(1);
  });

  it('refuses users outside the bot availability (230013) and unknown ids (230034)', async () => {
    const { emu, client } = await start();
    const outOfScope = await failure(sendText(client, 'ou_carol', 'hi'));
    expect(outOfScope.response?.status).toBe(400);
    expect(outOfScope.response?.data.code).toBe(230013);
    const unknown = await failure(sendText(client, 'ou_nobody', 'hi'));
    expect(unknown.response?.data.code).toBe(230034);
    emu.addUser({ open_id: 'ou_nobody', user_id: 'u_nobody', name: 'Newcomer' });
    expect((await sendText(client, 'ou_nobody', 'hi')).code).toBe(0);
    expect(emu.messages.map((m) => m.receive_id)).toEqual(['ou_nobody']);
  });

  it('rejects content over 30 KB with 230025 and accepts exactly 30 KB', async () => {
    const { emu, client } = await start();
    const base = JSON.stringify(card2(''));
    const exact = card2('x'.repeat(30 * 1024 - Buffer.byteLength(base)));
    expect(Buffer.byteLength(JSON.stringify(exact))).toBe(30 * 1024);
    expect((await sendCard(client, 'ou_alice', exact)).code).toBe(0);
    const over = await failure(
      sendCard(client, 'ou_alice', card2('x'.repeat(30 * 1024 - Buffer.byteLength(base) + 1))),
    );
    expect(over.response?.status).toBe(400);
    expect(over.response?.data.code).toBe(230025);
    expect(emu.messages).toHaveLength(1);
  });

  it('validates parameters (230001) and card 2.0 structure (230099), counting nested components', async () => {
    const { emu, client } = await start({ recipientRatePerSecond: 100 });
    const code = async (p: Promise<unknown>) => (await failure(p)).response?.data.code;
    const md = (i: number) => ({ tag: 'markdown', content: `line ${i}` });
    const columns = (n: number) => [
      {
        tag: 'column_set',
        columns: [
          { tag: 'column', elements: Array.from({ length: 99 }, (_, i) => md(i)) },
          { tag: 'column', elements: Array.from({ length: n - 102 }, (_, i) => md(i)) },
        ],
      },
    ];
    // 1 column_set + 2 columns + 197 markdown = 200 components.
    expect((await sendCard(client, 'ou_alice', { schema: '2.0', body: { elements: columns(200) } })).code).toBe(0);
    expect(await code(sendCard(client, 'ou_alice', { schema: '2.0', body: { elements: columns(201) } }))).toBe(230099);
    expect(await code(sendCard(client, 'ou_alice', { schema: '2.0', elements: [md(1)] }))).toBe(230099);
    expect(
      await code(sendCard(client, 'ou_alice', { schema: '2.0', body: { elements: [{ tag: 'action', actions: [] }] } })),
    ).toBe(230099);
    expect(await code(sendCard(client, 'ou_alice', '{"schema":"2.0",'))).toBe(230001);
    expect(await code(sendCard(client, 'ou_alice', card2('x'), { type: 'phone' }))).toBe(230001);
    expect(
      await code(
        client.im.v1.message.create({
          params: { receive_id_type: 'open_id' },
          data: { receive_id: 'ou_alice', msg_type: 'fax', content: '{}' },
        }),
      ),
    ).toBe(230001);
    // A 1.0 card and a template reference are accepted as they are.
    expect((await sendCard(client, 'ou_alice', { config: { wide_screen_mode: true }, elements: [md(1)] })).code).toBe(
      0,
    );
    expect((await sendCard(client, 'ou_alice', { type: 'template', data: { template_id: 'AAq123' } })).code).toBe(0);
    expect(emu.messages).toHaveLength(3);
  });
});

describe('im.v1.message.reply and urgentApp', () => {
  it("replies in the parent's chat with parent_id and root_id; an unknown parent is 230001", async () => {
    const { emu, client } = await start();
    const parent = await sendCard(client, 'oc_team', card2('ticket'), { type: 'chat_id' });
    const parentId = parent.data!.message_id!;
    const content = JSON.stringify(card2('ping'));
    const first = await client.im.v1.message.reply({
      path: { message_id: parentId },
      data: { msg_type: 'interactive', content, uuid: 'r-1' },
    });
    expect(first.data).toMatchObject({ chat_id: 'oc_team', parent_id: parentId, root_id: parentId });
    const again = await client.im.v1.message.reply({
      path: { message_id: first.data!.message_id! },
      data: { msg_type: 'interactive', content },
    });
    expect(again.data).toMatchObject({ parent_id: first.data!.message_id, root_id: parentId });
    const dup = await client.im.v1.message.reply({
      path: { message_id: parentId },
      data: { msg_type: 'interactive', content, uuid: 'r-1' },
    });
    expect(dup.data?.message_id).toBe(first.data?.message_id);
    const unknown = await failure(
      client.im.v1.message.reply({ path: { message_id: 'om_none' }, data: { msg_type: 'interactive', content } }),
    );
    expect(unknown.response?.data.code).toBe(230001);
    expect(emu.messages.filter((m) => m.parent_id)).toHaveLength(2);
  });

  it('sends an urgent notification only with its scope, to people who received the message', async () => {
    const { emu, client } = await start();
    const [alice, bob] = USERS;
    const sent = await sendCard(client, alice!.open_id, card2('ticket'));
    const urgent = (ids: string[]) =>
      client.im.v1.message.urgentApp({
        path: { message_id: sent.data!.message_id! },
        params: { user_id_type: 'open_id' },
        data: { user_id_list: ids },
      });
    const denied = await failure(urgent([alice!.open_id]));
    expect(denied.response?.data.code).toBe(99991672);
    emu.scopes.set(['im:message.urgent']);
    const res = await urgent([alice!.open_id, bob!.open_id]);
    expect(res.data?.invalid_user_id_list).toEqual([bob!.open_id]);
    expect(emu.urgents).toMatchObject([{ message_id: sent.data!.message_id, open_id: alice!.open_id }]);
  });
});

describe('scripted failures', () => {
  it('answers the next matching request with a scripted status and code, then recovers', async () => {
    const { emu, client } = await start();
    emu.failNext({ status: 500 });
    const e500 = await failure(sendText(client, 'ou_alice', 'x'));
    expect(e500.response?.status).toBe(500);
    expect(e500.response?.data).toEqual({ code: 500, msg: 'scripted failure' });
    expect((await sendText(client, 'ou_alice', 'y')).code).toBe(0);

    emu.failNext({
      status: 400,
      code: 230013,
      msg: 'Bot has NO availability to this user.',
      match: { receiveId: 'ou_bob' },
      times: 2,
    });
    expect((await sendText(client, 'ou_alice', 'not bob')).code).toBe(0);
    for (let i = 0; i < 2; i++) {
      const e = await failure(sendText(client, 'ou_bob', 'bob'));
      expect(e.response?.data).toEqual({ code: 230013, msg: 'Bot has NO availability to this user.' });
    }
    expect((await sendText(client, 'ou_bob', 'bob')).code).toBe(0);

    emu.failNext({ status: 429 });
    const e429 = await failure(sendText(client, 'ou_alice', 'z'));
    expect(e429.response?.status).toBe(429);
    expect(e429.response?.data.code).toBe(99991400);
    expect(e429.response?.headers['x-ogw-ratelimit-reset']).toBe('1');

    // HTTP 200 with code != 0 resolves in the SDK; the caller must look at `code`.
    emu.failNext({ status: 200, code: 230020, msg: 'too frequent' });
    expect(await sendText(client, 'ou_alice', 'w')).toEqual({ code: 230020, msg: 'too frequent' });

    expect(emu.messages.map((m) => JSON.parse(m.content).text)).toEqual(['y', 'not bob', 'bob']);
    expect(emu.requests.filter((r) => r.scripted === 'status').map((r) => [r.status, r.code])).toEqual([
      [500, 500],
      [400, 230013],
      [400, 230013],
      [429, 99991400],
      [200, 230020],
    ]);
  });

  it('drops the connection for networkError without creating a message', async () => {
    const { emu, client } = await start();
    emu.failNext({ networkError: true });
    const e = await failure(sendText(client, 'ou_alice', 'x'));
    expect(e.response).toBeUndefined();
    expect(e.code ?? e.message).toMatch(/ECONNRESET|socket hang up/);
    expect(emu.messages).toHaveLength(0);
    expect(emu.requests.at(-1)).toMatchObject({ path: MESSAGES, status: 0, scripted: 'networkError' });
    expect((await sendText(client, 'ou_alice', 'y')).code).toBe(0);
  });

  it('processes a delayed request at once and answers it late', async () => {
    const { emu, client } = await start();
    await client.contact.v3.user.get({ path: { user_id: 'ou_bob' } });
    emu.failNext({ delayMs: 300 });
    const started = Date.now();
    let answered = false;
    const pending = sendText(client, 'ou_alice', 'slow').finally(() => (answered = true));
    const [recorded] = await emu.waitForMessages(1, 1000);
    expect(answered).toBe(false);
    const res = await pending;
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(res.data?.message_id).toBe(recorded?.message_id);
  });

  it('matches other endpoints by method and path pattern', async () => {
    const { emu, client } = await start();
    emu.failNext({ match: { method: 'GET', path: /^\/open-apis\/contact\/v3\/users\// }, status: 503, code: 1500 });
    expect((await sendText(client, 'ou_alice', 'unaffected')).code).toBe(0);
    const e = await failure(client.contact.v3.user.get({ path: { user_id: 'ou_alice' } }));
    expect(e.response?.status).toBe(503);
    expect(e.response?.data.code).toBe(1500);
    expect((await client.contact.v3.user.get({ path: { user_id: 'ou_alice' } })).code).toBe(0);
  });
});

describe('im.v1.message.patch', () => {
  it('updates a shared card and records the patch', async () => {
    const { emu, client } = await start();
    const sent = await sendCard(client, 'ou_alice', card2('pending'));
    const messageId = sent.data!.message_id!;
    const next = card2('approved ✅');
    const res = await client.im.v1.message.patch({
      path: { message_id: messageId },
      data: { content: JSON.stringify(next) },
    });
    expect(res).toEqual({ code: 0, msg: 'success', data: {} });
    expect(emu.patches).toEqual([
      { message_id: messageId, content: JSON.stringify(next), card: next, at: expect.any(Number) },
    ]);
    expect(emu.messages[0]).toMatchObject({ content: JSON.stringify(next), card: next, updated: true });
  });

  it('keeps schema 2.0 (200830), needs update_multi on 1.0 cards, refuses unknown and non-card messages', async () => {
    const { client } = await start({ recipientRatePerSecond: 100 });
    const code = async (p: Promise<unknown>) => (await failure(p)).response?.data.code;
    const patch = (id: string, card: unknown) =>
      client.im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(card) } });
    const v2 = (await sendCard(client, 'ou_alice', card2('v2'))).data!.message_id!;
    const v1 = {
      config: { update_multi: true },
      elements: [{ tag: 'div', text: { tag: 'plain_text', content: 'v1' } }],
    };
    const e = await failure(patch(v2, v1));
    expect(e.response?.status).toBe(400);
    expect(e.response?.data.code).toBe(200830);

    const shared = (await sendCard(client, 'ou_alice', v1)).data!.message_id!;
    expect((await patch(shared, { ...v1, elements: [] })).code).toBe(0);
    expect(await code(patch(shared, { elements: [] }))).toBe(230001); // new card not shared
    const unshared = (await sendCard(client, 'ou_alice', { elements: [] })).data!.message_id!;
    expect(await code(patch(unshared, v1))).toBe(230001);

    const text = (await sendText(client, 'ou_alice', 'plain')).data!.message_id!;
    expect(await code(patch(text, card2('x')))).toBe(230001);
    expect(await code(patch('om_missing', card2('x')))).toBe(230001);
  });

  it('allows 5 patches per second per message (230020) and none after 14 days', async () => {
    let now = 1_700_000_000_000;
    // A token that outlives the jump: the SDK would keep sending an expired one.
    const { emu, client } = await start({ clock: () => now, tokenTtlSeconds: 30 * 24 * 3600 });
    const id = (await sendCard(client, 'ou_alice', card2('0'))).data!.message_id!;
    const patch = (text: string) =>
      client.im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(card2(text)) } });
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => patch(String(i))));
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.map((r) => (r.reason as SdkFailure).response?.data.code)).toEqual([230020]);
    expect(emu.patches).toHaveLength(5);
    now += 14 * 24 * 3600 * 1000 + 1;
    expect((await failure(patch('late'))).response?.data.code).toBe(230001);
  });
});

describe('contact', () => {
  it("gives a user's own time_zone when the directory has one, and leaves it out otherwise", async () => {
    const { emu, client } = await start();
    emu.addUser({ open_id: 'ou_dora', user_id: 'u_dora', name: 'Dora', time_zone: 'Europe/Berlin' });
    const get = async (id: string) =>
      (await client.contact.v3.user.get({ path: { user_id: id }, params: { user_id_type: 'open_id' } })).data?.user;
    expect(await get('ou_dora')).toMatchObject({ open_id: 'ou_dora', time_zone: 'Europe/Berlin' });
    expect(await get('ou_bob')).not.toHaveProperty('time_zone');
  });

  it('gets a user with leader_user_id in the requested id type', async () => {
    const { client } = await start();
    const byOpenId = await client.contact.v3.user.get({
      path: { user_id: 'ou_alice' },
      params: { user_id_type: 'open_id' },
    });
    expect(byOpenId).toEqual({
      code: 0,
      msg: 'success',
      data: {
        user: {
          open_id: 'ou_alice',
          user_id: 'u_alice',
          union_id: 'on_alice',
          name: '爱丽丝',
          en_name: 'Alice',
          email: 'alice@example.com',
          mobile: '+8613800000001',
          leader_user_id: 'ou_bob',
          status: STATUS,
          department_ids: [],
        },
      },
    });
    const byUserId = await client.contact.v3.user.get({
      path: { user_id: 'u_alice' },
      params: { user_id_type: 'user_id' },
    });
    expect(byUserId.data?.user?.leader_user_id).toBe('u_bob');
    const byUnionId = await client.contact.v3.user.get({
      path: { user_id: 'on_alice' },
      params: { user_id_type: 'union_id' },
    });
    expect(byUnionId.data?.user?.leader_user_id).toBe('on_bob');
    const bob = await client.contact.v3.user.get({ path: { user_id: 'ou_bob' } });
    expect(bob.data?.user).not.toHaveProperty('leader_user_id');

    const unknown = await failure(client.contact.v3.user.get({ path: { user_id: 'ou_nobody' } }));
    expect(unknown.response?.status).toBe(400);
    expect(unknown.response?.data.code).toBe(41050);
    const wrongType = await failure(
      client.contact.v3.user.get({ path: { user_id: 'ou_alice' }, params: { user_id_type: 'user_id' } }),
    );
    expect(wrongType.response?.data.code).toBe(41050);
  });

  it('batch_get_id resolves found emails and mobiles and leaves unknown ones without user_id', async () => {
    const { client } = await start();
    const res = await client.contact.v3.user.batchGetId({
      params: { user_id_type: 'open_id' },
      data: { emails: ['Alice@Example.com', 'unknown@example.com'], mobiles: ['+8613800000001'] },
    });
    expect(res).toEqual({
      code: 0,
      msg: 'success',
      data: {
        user_list: [
          { email: 'Alice@Example.com', user_id: 'ou_alice', status: STATUS },
          { email: 'unknown@example.com' },
          { mobile: '+8613800000001', user_id: 'ou_alice', status: STATUS },
        ],
      },
    });
    const asUserId = await client.contact.v3.user.batchGetId({
      params: { user_id_type: 'user_id' },
      data: { emails: ['bob@example.com'] },
    });
    expect(asUserId.data?.user_list?.[0]?.user_id).toBe('u_bob');

    const tooMany = await failure(
      client.contact.v3.user.batchGetId({
        params: { user_id_type: 'open_id' },
        data: { emails: Array.from({ length: 51 }, (_, i) => `u${i}@example.com`) },
      }),
    );
    expect(tooMany.response?.status).toBe(400);
    expect(tooMany.response?.data.code).toBe(99992402);
  });
});

describe('bot/v3/info', () => {
  it('returns the configured bot at top level (not under data), as the SDK channel reads it', async () => {
    const { emu, client } = await start({ botOpenId: 'ou_learning_bot', botName: 'Learning Bot' });
    expect(emu.botOpenId).toBe('ou_learning_bot');
    const res = await client.request({ url: '/open-apis/bot/v3/info', method: 'GET' });
    expect(res).toEqual({
      code: 0,
      msg: 'ok',
      bot: {
        activate_status: 2,
        app_name: 'Learning Bot',
        avatar_url: expect.any(String),
        ip_white_list: [],
        open_id: 'ou_learning_bot',
      },
    });
    expect(res).not.toHaveProperty('data');
    const { token } = await fetchToken(emu);
    const slash = await rawFetch(emu, 'GET', '/open-apis/bot/v3/info/', { token });
    expect((slash.body.bot as { open_id: string }).open_id).toBe('ou_learning_bot');
  });

  it('defaults to ou_bot_emulator and needs a tenant token', async () => {
    const { emu, client } = await start();
    expect(emu.botOpenId).toBe('ou_bot_emulator');
    const res = await client.request<{ bot: { open_id: string; app_name: string } }>({
      url: '/open-apis/bot/v3/info',
      method: 'GET',
    });
    expect(res.bot.open_id).toBe('ou_bot_emulator');
    expect(res.bot.app_name).toBe('Emulator Bot');
    const anonymous = await rawFetch(emu, 'GET', '/open-apis/bot/v3/info');
    expect(anonymous).toMatchObject({ status: 400, body: { code: 99991661 } });
  });
});

describe('helpdesk', () => {
  const SUBSCRIBE = '/open-apis/helpdesk/v1/events/subscribe';
  const HELPDESKS = [
    { id: '7001', token: 'ht-learning' },
    { id: '7002', token: 'ht-it' },
  ];
  const CREATED = { type: 'helpdesk.ticket', subtype: 'ticket.created_v1' };
  const UPDATED = { type: 'helpdesk.ticket', subtype: 'ticket.updated_v1' };

  /** A client configured with a helpdesk credential, as lark.withHelpDeskCredential() needs. */
  function helpdeskClient(emu: FeishuEmulator, helpDeskId?: string, helpDeskToken?: string): lark.Client {
    return new lark.Client({
      appId: emu.appId,
      appSecret: emu.appSecret,
      domain: emu.url,
      cache: memoryCache(),
      logger: silent,
      loggerLevel: lark.LoggerLevel.error,
      ...(helpDeskId !== undefined && { helpDeskId }),
      ...(helpDeskToken !== undefined && { helpDeskToken }),
    });
  }

  const subscribe = (
    client: lark.Client,
    events: Array<{ type: string; subtype: string }>,
    opts = lark.withHelpDeskCredential(),
  ) => client.helpdesk.v1.event.subscribe({ data: { events } }, opts);

  const credential = (id: string, token: string) => Buffer.from(`${id}:${token}`).toString('base64');

  it('subscribes with the SDK helpdesk credential, idempotently, per helpdesk', async () => {
    const { emu } = await start({ helpdesks: HELPDESKS });
    const client = helpdeskClient(emu, '7001', 'ht-learning');
    expect(await subscribe(client, [CREATED])).toEqual({ code: 0, msg: 'success', data: {} });
    expect(emu.helpdeskSubscriptions('7001')).toEqual(['helpdesk.ticket/ticket.created_v1']);

    expect((await subscribe(client, [CREATED])).code).toBe(0);
    expect((await subscribe(client, [UPDATED, CREATED])).code).toBe(0);
    expect(emu.helpdeskSubscriptions('7001')).toEqual([
      'helpdesk.ticket/ticket.created_v1',
      'helpdesk.ticket/ticket.updated_v1',
    ]);
    expect(emu.helpdeskSubscriptions('7002')).toEqual([]);

    // One client for several helpdesks: pass the header per call instead.
    const perCall = { headers: { 'X-Lark-Helpdesk-Authorization': `Bearer ${credential('7002', 'ht-it')}` } };
    expect((await subscribe(client, [UPDATED], perCall)).code).toBe(0);
    expect(emu.helpdeskSubscriptions('7002')).toEqual(['helpdesk.ticket/ticket.updated_v1']);

    const unsub = await client.helpdesk.v1.event.unsubscribe(
      { data: { events: [CREATED] } },
      lark.withHelpDeskCredential(),
    );
    expect(unsub).toEqual({ code: 0, msg: 'success', data: {} });
    expect(emu.helpdeskSubscriptions('7001')).toEqual(['helpdesk.ticket/ticket.updated_v1']);
    // Unsubscribing what is not subscribed is not an error.
    expect(
      (await client.helpdesk.v1.event.unsubscribe({ data: { events: [CREATED] } }, lark.withHelpDeskCredential())).code,
    ).toBe(0);
    expect(emu.helpdeskSubscriptions('7001')).toEqual(['helpdesk.ticket/ticket.updated_v1']);
  });

  it('refuses a missing or wrong helpdesk credential with HTTP 401 / 154001', async () => {
    const { emu } = await start({ helpdesks: HELPDESKS });
    const refused = async (p: Promise<unknown>) => {
      const e = await failure(p);
      expect(e.response?.status).toBe(401);
      expect(e.response?.data.code).toBe(154001);
    };
    const good = helpdeskClient(emu, '7001', 'ht-learning');
    await refused(good.helpdesk.v1.event.subscribe({ data: { events: [CREATED] } })); // no withHelpDeskCredential()
    await refused(subscribe(helpdeskClient(emu, '7001', 'ht-it'), [CREATED])); // another helpdesk's token
    await refused(subscribe(helpdeskClient(emu, '7999', 'ht-learning'), [CREATED])); // unknown helpdesk
    await refused(subscribe(helpdeskClient(emu), [CREATED])); // Client without helpDeskId/helpDeskToken
    await refused(good.helpdesk.v1.event.unsubscribe({ data: { events: [CREATED] } }));
    expect(emu.helpdeskSubscriptions('7001')).toEqual([]);
    expect(emu.requests.filter((r) => r.path === SUBSCRIBE).map((r) => r.code)).toEqual([
      154001, 154001, 154001, 154001,
    ]);

    // The tenant token is checked first; the base64 value without "Bearer " is accepted too.
    const body = { events: [CREATED] };
    const helpdeskHeader = { 'x-lark-helpdesk-authorization': credential('7001', 'ht-learning') };
    const noTenant = await rawFetch(emu, 'POST', SUBSCRIBE, { body, headers: helpdeskHeader });
    expect(noTenant).toMatchObject({ status: 400, body: { code: 99991661 } });
    const { token } = await fetchToken(emu);
    expect((await rawFetch(emu, 'POST', SUBSCRIBE, { token, body, headers: helpdeskHeader })).body).toEqual({
      code: 0,
      msg: 'success',
      data: {},
    });
    const notBase64 = await rawFetch(emu, 'POST', SUBSCRIBE, {
      token,
      body,
      headers: { 'x-lark-helpdesk-authorization': 'Bearer 7001:ht-learning' },
    });
    expect(notBase64).toMatchObject({ status: 401, body: { code: 154001 } });
    expect(emu.helpdeskSubscriptions('7001')).toEqual(['helpdesk.ticket/ticket.created_v1']);
  });

  it('refuses empty, malformed or unknown events with 400 / 154000, subscribing none of them', async () => {
    const { emu } = await start({ helpdesks: HELPDESKS });
    const client = helpdeskClient(emu, '7001', 'ht-learning');
    const code = async (p: Promise<unknown>) => {
      const e = await failure(p);
      expect(e.response?.status).toBe(400);
      return e.response?.data.code;
    };
    expect(await code(subscribe(client, []))).toBe(154000);
    expect(await code(subscribe(client, [CREATED, { type: 'helpdesk.ticket', subtype: 'ticket.create_v1' }]))).toBe(
      154000,
    );
    expect(await code(subscribe(client, [{ type: 'helpdesk.ticket' } as never]))).toBe(154000);
    expect(emu.helpdeskSubscriptions('7001')).toEqual([]);
    const message = { type: 'helpdesk.ticket_message', subtype: 'ticket_message.created_v1' };
    expect((await subscribe(client, [message])).code).toBe(0);
    expect(emu.helpdeskSubscriptions('7001')).toEqual(['helpdesk.ticket_message/ticket_message.created_v1']);
  });

  it('applies scripted failures to events/subscribe', async () => {
    const { emu } = await start({ helpdesks: HELPDESKS });
    const client = helpdeskClient(emu, '7001', 'ht-learning');
    emu.failNext({ status: 500 }); // default match: message create, not subscribe
    emu.failNext({ match: { path: SUBSCRIBE }, status: 500, code: 155000, msg: 'Internal error' });
    const e = await failure(subscribe(client, [CREATED]));
    expect(e.response?.status).toBe(500);
    expect(e.response?.data).toEqual({ code: 155000, msg: 'Internal error' });
    expect(emu.helpdeskSubscriptions('7001')).toEqual([]);

    emu.failNext({ match: { path: /\/helpdesk\/v1\/events\// }, networkError: true });
    const dropped = await failure(subscribe(client, [CREATED]));
    expect(dropped.response).toBeUndefined();
    expect(emu.helpdeskSubscriptions('7001')).toEqual([]);

    emu.failNext({ match: { path: SUBSCRIBE }, status: 429 });
    expect((await failure(subscribe(client, [CREATED]))).response?.data.code).toBe(99991400);

    expect((await subscribe(client, [CREATED])).code).toBe(0);
    expect(emu.helpdeskSubscriptions('7001')).toEqual(['helpdesk.ticket/ticket.created_v1']);
    expect(emu.requests.filter((r) => r.path === SUBSCRIBE).map((r) => [r.status, r.scripted])).toEqual([
      [500, 'status'],
      [0, 'networkError'],
      [429, 'status'],
      [200, undefined],
    ]);
  });

  it('gets tickets only with their own helpdesk credential', async () => {
    const now = 1_700_000_000_000;
    const { emu } = await start({ helpdesks: HELPDESKS, clock: () => now });
    emu.addTicket({ ticket_id: 'tk_1', helpdesk_id: '7001', guest: { id: 'ou_alice', name: 'Alice' }, status: 2 });
    const client = helpdeskClient(emu, '7001', 'ht-learning');
    const res = await client.helpdesk.v1.ticket.get({ path: { ticket_id: 'tk_1' } }, lark.withHelpDeskCredential());
    expect(res.code).toBe(0);
    expect(res.data?.ticket).toMatchObject({
      ticket_id: 'tk_1',
      helpdesk_id: '7001',
      guest: { id: 'ou_alice', name: 'Alice' },
      status: 2,
      ticket_type: 1,
      created_at: now,
      updated_at: -1,
      agents: [],
    });
    const notFound = async (c: lark.Client, id: string) => {
      const e = await failure(c.helpdesk.v1.ticket.get({ path: { ticket_id: id } }, lark.withHelpDeskCredential()));
      expect(e.response?.status).toBe(404);
      expect(e.response?.data.code).toBe(154004);
    };
    await notFound(client, 'tk_missing');
    await notFound(helpdeskClient(emu, '7002', 'ht-it'), 'tk_1');
    const wrong = await failure(
      helpdeskClient(emu, '7001', 'nope').helpdesk.v1.ticket.get(
        { path: { ticket_id: 'tk_1' } },
        lark.withHelpDeskCredential(),
      ),
    );
    expect(wrong.response?.data.code).toBe(154001);
  });

  it('reset clears subscriptions but keeps helpdesk credentials and tickets', async () => {
    const { emu } = await start({ helpdesks: HELPDESKS });
    emu.addTicket({ ticket_id: 'tk_1', helpdesk_id: '7001' });
    const client = helpdeskClient(emu, '7001', 'ht-learning');
    await subscribe(client, [CREATED, UPDATED]);
    emu.reset();
    expect(emu.helpdeskSubscriptions('7001')).toEqual([]);
    expect((await subscribe(client, [UPDATED])).code).toBe(0);
    expect(emu.helpdeskSubscriptions('7001')).toEqual(['helpdesk.ticket/ticket.updated_v1']);
    expect(
      (await client.helpdesk.v1.ticket.get({ path: { ticket_id: 'tk_1' } }, lark.withHelpDeskCredential())).code,
    ).toBe(0);
  });
});

describe('emulator housekeeping', () => {
  it('answers unknown routes with 404 and malformed JSON with 9499, recording every request', async () => {
    const { emu } = await start();
    const { token } = await fetchToken(emu);
    const notFound = await rawFetch(emu, 'GET', '/open-apis/im/v1/chats', { token });
    expect(notFound).toMatchObject({ status: 404, body: { code: 404, msg: 'not found' } });
    const badJson = await rawFetch(emu, 'POST', `${MESSAGES}?receive_id_type=open_id`, {
      token,
      rawBody: '{"receive_id":',
    });
    expect(badJson).toMatchObject({ status: 400, body: { code: 9499 } });
    expect(emu.requests.map((r) => [r.method, r.path, r.status, r.code])).toEqual([
      ['POST', TOKEN, 200, 0],
      ['GET', '/open-apis/im/v1/chats', 404, 404],
      ['POST', MESSAGES, 400, 9499],
    ]);
    expect(emu.requests[2]?.query).toBe('?receive_id_type=open_id');
  });

  it('waitForMessages resolves once enough messages exist and rejects on timeout', async () => {
    const { emu, client } = await start();
    const waiting = emu.waitForMessages(2, 2000);
    await Promise.all([sendText(client, 'ou_alice', '1'), sendText(client, 'ou_bob', '2')]);
    expect((await waiting).map((m) => m.receive_id).sort()).toEqual(['ou_alice', 'ou_bob']);
    await expect(emu.waitForMessages(3, 50)).rejects.toThrow('waitForMessages: wanted 3 messages, have 2 after 50 ms');
  });

  it('stop closes open connections at once, dropping delayed replies', async () => {
    const emu = await FeishuEmulator.start({ users: USERS });
    const client = sdkClient(emu);
    emu.failNext({ delayMs: 10_000 });
    const pending = failure(sendText(client, 'ou_alice', 'x'));
    await emu.waitForMessages(1, 1000);
    const started = Date.now();
    await emu.stop();
    const e = await pending;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(e.response).toBeUndefined();
    await expect(fetch(emu.url + TOKEN, { method: 'POST' })).rejects.toThrow();
  });

  it('reset clears records and limits but keeps users and tokens', async () => {
    const { emu, client } = await start();
    await Promise.allSettled(Array.from({ length: 6 }, () => sendText(client, 'ou_alice', 'x')));
    emu.failNext({ status: 500 });
    emu.reset();
    expect(emu.messages).toHaveLength(0);
    expect(emu.requests).toHaveLength(0);
    const res = await sendText(client, 'ou_alice', 'after reset');
    expect(res.code).toBe(0);
    expect(tokenRequests(emu)).toBe(0);
    expect(emu.messages).toHaveLength(1);
  });
});
