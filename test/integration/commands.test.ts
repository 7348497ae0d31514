/**
 * Chat commands against a real database: who may run them, what each one changes (with its audit row), and what
 * its reply card says. Messages go through the real parser, then `executeCommand`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_CARD_BYTES, cardBytes, escapeMd, formatTime } from '../../cards/kit.js';
import { COMMANDS } from '../../src/commands/catalog.js';
import { executeCommand, type CommandContext, type CommandReply } from '../../src/commands/execute.js';
import { isAdmin, listAdmins } from '../../src/recipients/admins.js';
import { parseCommand, type Mention } from '../../src/commands/parse.js';
import type { Config } from '../../src/config.js';
import type { Database, Db } from '../../src/db/index.js';
import type { FeishuDirectory } from '../../src/identity/directory.js';
import { createLogger } from '../../src/logger.js';
import { createServices, type Services } from '../../src/services/index.js';
import { LANES, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { LogCapture, testConfig } from '../helpers/harness.js';

const BOT = 'ou_bot000000000000000000000000000';
const ENV_ADMIN = 'ou_envadmin00000000000000000000001';
const STRANGER = 'ou_stranger0000000000000000000001';
const ALICE = 'ou_alice000000000000000000000000001';
const BOB = 'ou_bob00000000000000000000000000001';
const CAROL = 'ou_carol000000000000000000000000001';
const GROUP = 'oc_group0000000000000000000000001';
const SECRETS = {
  ALM_WEBHOOK_PASSWORD: 'alm-pass-S3CRET',
  QINGSUYUN_SECRET_KEY: 'qsy-key-S3CRET',
  ALM_CLIENT_SECRET: 'alm-client-S3CRET',
};

/** @_user_0 is the bot; 1–3 are people. */
const MENTIONS: Mention[] = [
  { key: '@_user_0', id: { open_id: BOT }, name: 'Bot' },
  { key: '@_user_1', id: { open_id: ALICE }, name: 'Alice' },
  { key: '@_user_2', id: { open_id: BOB }, name: 'Bob' },
  { key: '@_user_3', id: { open_id: CAROL }, name: 'Carol' },
];

/** Every markdown / plain text of a card (both languages, or the one it was localised to). */
function texts(card: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.content === 'string') out.push(o.content);
    const i18n = o.i18n_content as Record<string, string> | undefined;
    if (i18n) out.push(...Object.values(i18n));
    for (const [k, child] of Object.entries(o)) if (k !== 'i18n_content') walk(child);
  };
  walk(card);
  return out.join('\n');
}
const title = (reply: CommandReply | null) => texts((reply?.card as { header?: unknown } | undefined)?.header);
const template = (reply: CommandReply | null) => (reply?.card as { header: { template: string } }).header.template;

const NEEDS_ADMIN = 'Sorry, this command needs an admin';
const ADMIN_COMMANDS = [
  'bind alm 123 @_user_1',
  'bind alm 123 alice@corp.example',
  'unbind alm 123',
  'bindings',
  'manager @_user_1 @_user_2',
  'manager @_user_1 clear',
  'route tickets here',
  'route exams off',
  'notify completions off',
  'settings',
  'admin add @_user_2',
  'admin remove @_user_2',
  'admins',
  'status',
  'unresolved',
  'retry',
  'course name 5fd087e96dbe3a73394188ae Security basics',
  'due 5fd087e96dbe3a73394188ae 2026-12-01',
  'reminder max 2',
];

describe.each(LANES)('chat commands (%s)', (lane) => {
  let testDb: TestDatabase;
  let database: Database;
  let db: Db;
  let config: Config;
  let services: Services;
  let logs: LogCapture;
  const wake = vi.fn();
  let now = new Date('2026-03-02T04:00:00Z');

  interface RunOptions {
    actor?: string;
    chat?: 'p2p' | 'group';
    config?: Config;
    services?: Services;
    db?: Db;
    requestId?: string;
  }
  const context = (o: RunOptions = {}): CommandContext => ({
    db: o.db ?? db,
    config: o.config ?? config,
    services: o.services ?? services,
    actor: { openId: o.actor ?? ENV_ADMIN },
    ...(o.requestId && { requestId: o.requestId }),
    chat: { chatId: o.chat === 'group' ? GROUP : 'oc_p2p_chat', chatType: o.chat ?? 'p2p' },
    wakeWaiting: wake,
    now: () => now,
    log: createLogger('info', logs),
  });
  /** Sends `text` as a message (in a group, @mentioning the bot first). */
  const run = (text: string, o: RunOptions = {}) => {
    const chatType = o.chat ?? 'p2p';
    const parsed = parseCommand({
      text: chatType === 'group' ? `@_user_0 ${text}` : text,
      mentions: MENTIONS,
      botOpenId: BOT,
      chatType,
    });
    return executeCommand(context(o), parsed);
  };
  const say = async (text: string, o: RunOptions = {}) => texts((await run(text, o))?.card);

  /** Everything admin commands can change, to check that a refused command changed nothing. */
  const snapshot = async () => ({
    identities: await db.learnerIdentity.findMany({ orderBy: [{ source: 'asc' }, { externalUserId: 'asc' }] }),
    overrides: await db.managerOverride.findMany(),
    routes: await db.route.findMany(),
    settings: await db.setting.findMany(),
    admins: await db.admin.findMany(),
    notifications: await db.notification.findMany({
      orderBy: { dedupeKey: 'asc' },
      select: { dedupeKey: true, status: true, attempts: true },
    }),
    audit: await db.auditLog.count(),
  });
  const audits = () => db.auditLog.findMany({ orderBy: { id: 'asc' } });
  const snapshotOfEmpty = async () => ({
    identities: [],
    overrides: [],
    routes: [],
    settings: [],
    admins: [],
    notifications: [],
    audit: 0,
  });

  let seq = 0;
  const notification = (data: {
    status: string;
    waitFor?: string;
    attempts?: number;
    lastError?: string;
    role?: string;
  }) => {
    seq += 1;
    return db.notification.create({
      data: {
        dedupeKey: `n:${String(seq).padStart(6, '0')}`,
        uuid: `u-${seq}`,
        kind: 'completions',
        receiveIdType: 'open_id',
        receiveId: data.waitFor ? '' : ALICE,
        content: '{}',
        ...data,
      },
    });
  };

  beforeAll(async () => {
    testDb = await createTestDatabase(lane);
    database = await testDb.open();
    db = database.prisma;
    logs = new LogCapture();
    config = testConfig({
      ADMIN_OPEN_IDS: ENV_ADMIN,
      ALM_WEBHOOK_USER: 'alm-user',
      ALM_WEBHOOK_PASSWORD: SECRETS.ALM_WEBHOOK_PASSWORD,
      QINGSUYUN_SECRET_KEY: SECRETS.QINGSUYUN_SECRET_KEY,
      ALM_CLIENT_SECRET: SECRETS.ALM_CLIENT_SECRET,
    });
    services = createServices({ db, config, log: createLogger('silent'), feishu: undefined });
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.dispose();
  });
  beforeEach(async () => {
    wake.mockClear();
    now = new Date('2026-03-02T04:00:00Z');
    await db.notification.deleteMany();
    await db.inboundEvent.deleteMany();
    for (const table of [
      db.learnerIdentity,
      db.learningRecord,
      db.managerOverride,
      db.route,
      db.setting,
      db.admin,
      db.userPreference,
      db.auditLog,
      db.course,
    ] as const) {
      await (table as { deleteMany: () => Promise<unknown> }).deleteMany();
    }
  });

  describe('authorization', () => {
    it('answers every admin command from a non-admin with the needs-admin card, and changes nothing', async () => {
      await db.learnerIdentity.create({
        data: { source: 'alm', externalUserId: '123', status: 'resolved', origin: 'binding', openId: BOB },
      });
      await db.admin.create({ data: { openId: BOB } });
      await notification({ status: 'failed' });
      await notification({ status: 'waiting', waitFor: 'alm:123' });
      const before = await snapshot();
      for (const text of ADMIN_COMMANDS) {
        for (const chat of ['p2p', 'group'] as const) {
          const reply = await run(text, { actor: STRANGER, chat });
          expect(texts(reply?.card), text).toContain(NEEDS_ADMIN);
          expect(template(reply)).toBe('orange');
        }
      }
      expect(await snapshot()).toEqual(before);
      expect(wake).not.toHaveBeenCalled();
    });

    it('does not show admin usage lines to non-admins, but does to admins', async () => {
      for (const text of ['bind alm', 'route nonsense here', 'admin add', 'notify completions maybe']) {
        const forStranger = await say(text, { actor: STRANGER });
        expect(forStranger).toContain(NEEDS_ADMIN);
        expect(forStranger).not.toContain('Usage');
        const forAdmin = await say(text);
        expect(forAdmin).toContain('Usage: ');
        expect(forAdmin).not.toContain(NEEDS_ADMIN);
      }
      expect(await say('bind alm')).toContain('Usage: bind &#60;alm&#124;qingsuyun&#62; &#60;external user id&#62;');
    });

    it('lets the env admin and command-added admins run admin commands', async () => {
      expect(await isAdmin(db, config, ENV_ADMIN)).toBe(true);
      expect(await isAdmin(db, config, ALICE)).toBe(false);
      expect(await isAdmin(db, config, '')).toBe(false);
      expect(await say('settings', { actor: ALICE })).toContain(NEEDS_ADMIN);
      expect(await say('admin add @_user_1')).toContain('is now an admin');
      expect(await isAdmin(db, config, ALICE)).toBe(true);
      const settings = await say('settings', { actor: ALICE });
      expect(settings).not.toContain(NEEDS_ADMIN);
      expect(settings).toContain('Notifications (for everyone)');
      await run('notify seats off', { actor: ALICE });
      expect((await db.setting.findUnique({ where: { key: 'notify.seats' } }))?.value).toBe(false);
    });

    it('shows admin commands in help to admins only', async () => {
      const bind = COMMANDS.find((c) => c.name === 'bind')!;
      expect(await say('help', { actor: STRANGER })).not.toContain(bind.description.en);
      expect(await say('help')).toContain(bind.description.en);
      expect(await say('帮助', { actor: STRANGER })).toContain('Show the commands you can use');
    });
  });

  describe('bind, unbind, bindings', () => {
    it('binds by mention, counts the waiting notifications, audits, then wakes the resolver', async () => {
      await db.learnerIdentity.create({
        data: {
          source: 'alm',
          externalUserId: '123',
          status: 'unresolved',
          lastError: 'ALM has no user 123',
          attempts: 3,
        },
      });
      await notification({ status: 'waiting', waitFor: 'alm:123' });
      await notification({ status: 'waiting', waitFor: 'alm:123', role: 'manager' });
      await notification({ status: 'waiting', waitFor: 'alm:1234' });
      await notification({ status: 'waiting', waitFor: 'qingsuyun:123' });
      await notification({ status: 'skipped', waitFor: 'alm:123' });
      let seenByWake: Promise<unknown> | undefined;
      wake.mockImplementation(() => {
        // Called after the commit: the binding is visible to other connections by then.
        seenByWake = db.learnerIdentity.findUnique({
          where: { source_externalUserId: { source: 'alm', externalUserId: '123' } },
        });
      });
      const reply = await run('bind alm 123 @_user_1');
      wake.mockReset();
      expect(await seenByWake).toMatchObject({ openId: ALICE, origin: 'binding' });
      const text = texts(reply?.card);
      expect(title(reply)).toContain('Bound');
      expect(text).toContain(`Bound the ALM account 123 to <at id=${ALICE}></at>.`);
      expect(text).toContain('2 notifications were waiting for this learner and will be sent now.');
      expect(text).toContain('有 2 条通知在等待这位学员');
      const row = await db.learnerIdentity.findUnique({
        where: { source_externalUserId: { source: 'alm', externalUserId: '123' } },
      });
      expect(row).toMatchObject({
        status: 'resolved',
        origin: 'binding',
        openId: ALICE,
        boundBy: ENV_ADMIN,
        lastError: null,
      });
      const [audit] = await audits();
      expect(audit).toMatchObject({ actor: ENV_ADMIN, command: 'bind' });
      expect(audit!.detail).toMatchObject({
        source: 'alm',
        externalUserId: '123',
        openId: ALICE,
        waiting: 2,
        target: { kind: 'user', openId: ALICE },
      });
    });

    it('binds by typed open_id, says whom it replaces, and escapes the external id', async () => {
      await db.learnerIdentity.create({
        data: { source: 'qingsuyun', externalUserId: 'a_b.c', status: 'resolved', origin: 'lookup', openId: BOB },
      });
      const text = await say(`bind 轻速云 a_b.c ${CAROL}`);
      expect(text).toContain(`Bound the Qingsuyun account ${escapeMd('a_b.c')} to <at id=${CAROL}></at>.`);
      expect(text).toContain(`It was matched to <at id=${BOB}></at> before.`);
      expect(text).toContain('No notifications were waiting for this learner.');
      expect(text).not.toContain('a_b.c');
      const row = await db.learnerIdentity.findUnique({
        where: { source_externalUserId: { source: 'qingsuyun', externalUserId: 'a_b.c' } },
      });
      expect(row).toMatchObject({ origin: 'binding', openId: CAROL });
      expect((await audits())[0]!.detail).toMatchObject({
        target: { kind: 'open_id', openId: CAROL },
        previousOpenId: BOB,
      });
      expect(wake).toHaveBeenCalledTimes(1);
    });

    it('refuses typed open_ids the directory does not know (bind, manager, admin add), changing nothing', async () => {
      const directory = {
        available: true,
        user: async (openId: string) => (openId === ALICE ? { openId, userId: null, name: 'Alice' } : null),
      } as unknown as FeishuDirectory;
      const o = { services: { ...services, directory } };
      const before = await snapshot();
      for (const text of [
        'bind alm 88888 ou_nonexistent',
        `manager ${ALICE} ou_nonexistent`,
        'manager ou_nonexistent @_user_1',
        'admin add ou_nonexistent',
      ]) {
        const reply = await say(text, o);
        expect(reply, text).toContain('找不到用户');
        expect(reply, text).toContain('飞书通讯录中没有 open_id 为 `ou_nonexistent` 的用户');
        expect(reply, text).toContain('No user with the open_id `ou_nonexistent` is in the Feishu directory');
      }
      expect(await snapshot()).toEqual(before);
      expect(await say(`bind alm 88888 ${ALICE}`, o)).toContain(
        `Bound the ALM account 88888 to <at id=${ALICE}></at>.`,
      );
      const down = {
        services: {
          ...services,
          directory: {
            available: true,
            user: async () => {
              throw new Error('down');
            },
          } as unknown as FeishuDirectory,
        },
      };
      expect(await say('bind alm 88889 ou_someone', down)).toContain('Feishu could not be reached to check this user');
    });

    it('binds by email through the directory, and explains when it cannot', async () => {
      const lookups: string[] = [];
      let answer: () => Promise<string | null> = async () => BOB;
      const directory = {
        available: true,
        openIdFor: async (kind: string, value: string) => {
          lookups.push(`${kind}:${value}`);
          return answer();
        },
      } as unknown as FeishuDirectory;
      const withDirectory = { services: { ...services, directory } };

      expect(await say('bind alm 77 Bob@Corp.example', withDirectory)).toContain(
        `Bound the ALM account 77 to <at id=${BOB}></at>.`,
      );
      expect(lookups).toEqual(['email:bob@corp.example']);
      expect((await audits())[0]!.detail).toMatchObject({
        target: { kind: 'email', email: 'bob@corp.example' },
        openId: BOB,
      });
      expect(wake).toHaveBeenCalledTimes(1);

      const before = await snapshot();
      answer = async () => null;
      const missing = await run('bind alm 78 nobody@corp.example', withDirectory);
      expect(texts(missing?.card)).toContain('No Feishu user has the email nobody@corp.example.');
      answer = async () => {
        throw new Error('Feishu contact lookup failed: 503');
      };
      const down = await run('bind alm 78 nobody@corp.example', withDirectory);
      expect(texts(down?.card)).toContain('Feishu could not be reached to look up this email');
      expect(texts(down?.card)).not.toContain('503');
      expect(template(down)).toBe('red');
      // The real directory without Feishu credentials cannot look anyone up.
      expect(await say('bind alm 78 nobody@corp.example')).toContain('Feishu app credentials are not configured');
      expect(await snapshot()).toEqual(before);
      expect(wake).toHaveBeenCalledTimes(1);
    });

    it('unbinds, saying whether there was a binding', async () => {
      await db.learnerIdentity.create({
        data: { source: 'alm', externalUserId: '123', status: 'resolved', origin: 'binding', openId: ALICE },
      });
      expect(await say('unbind alm 123')).toContain(
        `Removed the link between the ALM account 123 and <at id=${ALICE}></at>.`,
      );
      expect(await db.learnerIdentity.count()).toBe(0);
      expect(await say('unbind alm 123')).toContain('The ALM account 123 had no binding; nothing changed.');
      const rows = await audits();
      expect(rows.map((r) => [r.command, (r.detail as { existed: boolean }).existed])).toEqual([
        ['unbind', true],
        ['unbind', false],
      ]);
    });

    it('lists bindings only, by source, at most 50 with a count of the rest', async () => {
      await db.learnerIdentity.createMany({
        data: [
          ...Array.from({ length: 52 }, (_, i) => ({
            source: 'alm',
            externalUserId: `alm-${i}`,
            status: 'resolved',
            origin: 'binding',
            openId: ALICE,
            boundBy: ENV_ADMIN,
          })),
          { source: 'qingsuyun', externalUserId: 'q<1>', status: 'resolved', origin: 'binding', openId: BOB },
          { source: 'alm', externalUserId: 'looked-up', status: 'resolved', origin: 'lookup', openId: CAROL },
        ],
      });
      const all = await say('bindings');
      expect(all).toContain('53 bindings');
      expect(all).toContain('…and 3 more');
      expect(all).not.toContain('looked-up');
      const qsy = await say('bindings 轻速云');
      expect(qsy).toContain('1 binding');
      expect(qsy).toContain(`Qingsuyun account q&#60;1&#62; → <at id=${BOB}></at>`);
      expect(qsy).not.toContain('alm-');
      expect(await say('bindings alm')).toContain(`by <at id=${ENV_ADMIN}></at>`);
      expect(await db.auditLog.count()).toBe(0);
    });
  });

  it('sets and clears the manager override', async () => {
    expect(await say('manager @_user_1 @_user_2')).toContain(
      `The manager of <at id=${ALICE}></at> is now <at id=${BOB}></at>.`,
    );
    expect(await db.managerOverride.findUnique({ where: { learnerOpenId: ALICE } })).toMatchObject({
      managerOpenId: BOB,
      setBy: ENV_ADMIN,
    });
    expect(await services.resolver.managerOf(ALICE)).toBe(BOB);
    expect(await say(`manager @_user_1 ${CAROL}`)).toContain(`(was <at id=${BOB}></at>)`);
    expect(await say('manager @_user_1 clear')).toContain(`Cleared the manager set for <at id=${ALICE}></at>`);
    expect(await db.managerOverride.count()).toBe(0);
    expect(await say('经理 @_user_1 清除')).toContain('nothing changed');
    expect((await audits()).map((r) => [r.command, r.detail])).toEqual([
      ['manager', { learnerOpenId: ALICE, managerOpenId: BOB, previousManagerOpenId: null }],
      ['manager', { learnerOpenId: ALICE, managerOpenId: CAROL, previousManagerOpenId: BOB }],
      ['manager', { learnerOpenId: ALICE, managerOpenId: null, previousManagerOpenId: CAROL }],
      ['manager', { learnerOpenId: ALICE, managerOpenId: null, previousManagerOpenId: null }],
    ]);
  });

  describe('route', () => {
    it('routes a kind to the group and off again, with receipts and audit rows', async () => {
      const on = await say('route completions here', { chat: 'group' });
      expect(on).toContain("This chat will receive a team feed of completions (in addition to the manager's card).");
      expect(await db.route.findMany()).toMatchObject([
        { kind: 'completions', chatId: GROUP, scope: '*', createdBy: ENV_ADMIN },
      ]);
      expect(await say('路由 完成 这里', { chat: 'group' })).toContain(
        'This chat already receives completions; nothing changed.',
      );
      expect(await db.route.count()).toBe(1);
      expect(await say('route seats here', { chat: 'group' })).toContain('CI_STATS');
      expect(await say('route completions off', { chat: 'group' })).toContain(
        'This chat will no longer receive completions.',
      );
      expect(await db.route.findMany({ select: { kind: true } })).toEqual([{ kind: 'seats' }]);
      expect(await say('route completions off', { chat: 'group' })).toContain('nothing changed');
      expect((await audits()).map((r) => r.detail)).toEqual([
        { kind: 'completions', chatId: GROUP, on: true, existed: false },
        { kind: 'completions', chatId: GROUP, on: true, existed: true },
        { kind: 'seats', chatId: GROUP, on: true, existed: false },
        { kind: 'completions', chatId: GROUP, on: false, removed: 1 },
        { kind: 'completions', chatId: GROUP, on: false, removed: 0 },
      ]);
    });

    it('warns when the routed kind is turned off for everyone', async () => {
      await run('notify failures off');
      expect(await say('route failures here', { chat: 'group' })).toContain(
        'Note: failures are turned off for everyone',
      );
    });

    it('refuses to route from a direct chat', async () => {
      const reply = await run('route tickets here', { chat: 'p2p' });
      expect(texts(reply?.card)).toContain('@mention me with this command in the group that should receive tickets');
      expect(await db.route.count()).toBe(0);
      expect(await db.auditLog.count()).toBe(0);
    });
  });

  describe('notify and settings', () => {
    it('turns a kind off and on for everyone', async () => {
      expect(await say('notify completions off')).toContain('Turned completions notifications off for everyone');
      expect((await db.setting.findUnique({ where: { key: 'notify.completions' } }))?.value).toBe(false);
      expect(await say('notify completions off')).toContain('already off; nothing changed');
      expect(await say('通知 完成 开')).toContain('Turned completions notifications on for everyone.');
      expect(await db.setting.findUnique({ where: { key: 'notify.completions' } })).toMatchObject({
        value: true,
        updatedBy: ENV_ADMIN,
      });
      expect((await audits()).map((r) => r.detail)).toEqual([
        { kind: 'completions', on: false, previous: true },
        { kind: 'completions', on: false, previous: false },
        { kind: 'completions', on: true, previous: false },
      ]);
    });

    it('shows kinds, routes, admins and configured sources, never secrets', async () => {
      await run('notify exams off');
      await run('route tickets here', { chat: 'group' });
      await db.route.create({ data: { kind: 'tickets', chatId: 'oc_other_[x]', scope: '*' } });
      await db.feishuChat.create({ data: { chatId: GROUP, name: 'IT 值班 *duty*' } });
      await run('admin add @_user_2');
      const reply = await run('settings');
      const text = texts(reply?.card);
      const form = JSON.stringify(reply?.card);
      // Every kind as a checker, checked when on.
      expect(form).toContain('"name":"notify_exams","checked":false');
      expect(form).toContain('"name":"notify_completions","checked":true');
      // A chat receiving tickets by its name (from Feishu, cached), its id small and grey; without a name by its id.
      expect(text).toContain(`${escapeMd('IT 值班 *duty*')} <font color='grey'>${escapeMd(GROUP)}</font>`);
      expect(text).toContain('oc&#95;other&#95;&#91;x&#93;');
      expect(text).toContain('2 admins (1 from ADMIN_OPEN_IDS)');
      expect(text).toContain('- ALM webhook: ✅ configured');
      expect(text).toContain('- Qingsuyun: ✅ configured');
      expect(text).toContain('- ALM API: not configured');
      expect(text).toContain('- Helpdesk: not configured');
      expect(text).toContain('- Feishu app: not configured');
      // The routes: each kind's chats chosen in a multi select of the chats the bot knows.
      const routes = JSON.stringify((await run('settings routes'))?.card);
      expect(routes).toContain(`"name":"route_tickets","type":"default"`);
      expect(routes).toContain(`"selected_values":["${GROUP}","oc_other_[x]"]`);
      expect(routes).toContain('IT 值班 *duty* (…');
      const seats = /"name":"route_seats"(.*?)"selected_values":(\[[^\]]*\])/.exec(routes);
      expect(seats?.[2]).toBe('[]');
      const raw = JSON.stringify(reply);
      for (const secret of Object.values(SECRETS)) expect(raw).not.toContain(secret);
    });
  });

  describe('admins', () => {
    it('adds and removes admins, refusing env admins and the last admin', async () => {
      expect(await say('admin add @_user_1')).toContain(`<at id=${ALICE}></at> is now an admin.`);
      expect(await db.admin.findUnique({ where: { openId: ALICE } })).toMatchObject({ addedBy: ENV_ADMIN });
      expect(await say('admin add @_user_1')).toContain('is already an admin; nothing changed');
      expect(await say(`admin add ${ENV_ADMIN}`)).toContain('set in ADMIN_OPEN_IDS');
      const envRemoval = await run(`admin remove ${ENV_ADMIN}`, { actor: ALICE });
      expect(texts(envRemoval?.card)).toContain(
        'set in the environment (ADMIN_OPEN_IDS) and cannot be removed by command',
      );
      expect(await isAdmin(db, config, ENV_ADMIN)).toBe(true);
      expect(await say('admin remove @_user_2')).toContain('is not an admin; nothing changed');
      expect(await say('admin remove @_user_1', { actor: ALICE })).toContain(
        `<at id=${ALICE}></at> is no longer an admin.`,
      );
      expect(await db.admin.count()).toBe(0);
      expect((await audits()).map((r) => r.detail)).toEqual([
        { action: 'add', openId: ALICE, changed: true },
        { action: 'add', openId: ALICE, changed: false },
        { action: 'remove', openId: BOB, changed: false },
        { action: 'remove', openId: ALICE, changed: true },
      ]);

      // Without env admins, the last admin cannot remove themselves; with another one they can.
      const noEnv = { config: { ...config, ADMIN_OPEN_IDS: [] } };
      await db.admin.create({ data: { openId: BOB } });
      const last = await run('admin remove @_user_2', { ...noEnv, actor: BOB });
      expect(texts(last?.card)).toContain('is the last admin and cannot be removed');
      expect(await db.admin.count()).toBe(1);
      await run('admin add @_user_3', { ...noEnv, actor: BOB });
      expect(await say('admin remove @_user_2', { ...noEnv, actor: BOB })).toContain('is no longer an admin');
      expect((await db.admin.findMany()).map((a) => a.openId)).toEqual([CAROL]);
    });

    it('applies a message processed twice once, and answers it the same way both times', async () => {
      const first = await run('admin add @_user_1', { requestId: 'evt-1' });
      expect(texts(first?.card)).toContain(`<at id=${ALICE}></at> is now an admin.`);
      // The worker died after the change but before the reply was committed: the same message comes round again.
      const again = await run('admin add @_user_1', { requestId: 'evt-1' });
      expect(again?.card).toEqual(first?.card);
      expect(await audits()).toMatchObject([
        { command: 'admin', requestId: 'evt-1', detail: { action: 'add', openId: ALICE, changed: true } },
      ]);
      // Another message is another change.
      expect(texts((await run('admin add @_user_1', { requestId: 'evt-2' }))?.card)).toContain(
        'is already an admin; nothing changed',
      );
      expect(await audits()).toHaveLength(2);
    });

    it('gives two simultaneous runs of one message a single change and the same reply', async () => {
      const [a, b] = await Promise.all([
        run('admin add @_user_2', { requestId: 'evt-race' }),
        run('admin add @_user_2', { requestId: 'evt-race' }),
      ]);
      expect(texts(a?.card)).toContain(`<at id=${BOB}></at> is now an admin.`);
      expect(b?.card).toEqual(a?.card);
      expect(await audits()).toHaveLength(1);
      expect(await db.admin.count()).toBe(1);
    });

    it('lists env admins and added admins with mentions', async () => {
      await run('admin add @_user_1');
      expect(await listAdmins(db, config)).toMatchObject([
        { openId: ENV_ADMIN, fromEnv: true },
        { openId: ALICE, fromEnv: false, addedBy: ENV_ADMIN },
      ]);
      const text = await say('admins');
      expect(text).toContain('2 admins');
      expect(text).toContain(`- <at id=${ENV_ADMIN}></at> · ADMIN_OPEN_IDS (environment)`);
      expect(text).toContain(`- <at id=${ALICE}></at> · added by <at id=${ENV_ADMIN}></at> · 2026-03-02 12:00 (UTC+8)`);
    });
  });

  it('reports status: events per origin and type in 24 h, the outbox backlog, last events in the zone', async () => {
    const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
    let n = 0;
    const event = (source: string, eventType: string, receivedAt: Date) =>
      db.inboundEvent.create({ data: { source, externalId: `e${++n}`, eventType, payload: {}, receivedAt } });
    await event('alm', 'LEARNER_COMPLETION', hoursAgo(1));
    await event('alm', 'LEARNER_ENROLLMENT', hoursAgo(23));
    await event('alm', 'LEARNER_ENROLLMENT', hoursAgo(30));
    await event('qingsuyun', 'exam', hoursAgo(50));
    for (let i = 0; i < 5; i++) await event('feishu', 'im.message.receive_v1', hoursAgo(2));
    await event('feishu', 'helpdesk.ticket.created_v1', hoursAgo(2));
    await event('feishu', 'elearning.course_registration.created_v2', hoursAgo(3));
    for (const status of ['pending', 'pending', 'sending', 'failed', 'failed', 'sent', 'skipped'])
      await notification({ status });
    for (let i = 0; i < 3; i++) await notification({ status: 'waiting', waitFor: 'alm:9' });
    await db.learnerIdentity.create({ data: { source: 'alm', externalUserId: '9', status: 'unresolved' } });
    await db.userPreference.create({ data: { openId: ENV_ADMIN, timeZone: 'Europe/London' } });

    const reply = await run('status');
    const text = texts(reply?.card);
    const alm = `- ALM: 2 events in 24 h (LEARNER${escapeMd('_')}COMPLETION ×1, LEARNER${escapeMd('_')}ENROLLMENT ×1)`;
    expect(text).toContain(`${alm} · last: ${formatTime(hoursAgo(1), 'Europe/London', 'en')}`);
    expect(text).toContain(`${alm} · last: 2026-03-02 03:00 (UTC)`);
    expect(text).toContain('- Qingsuyun: 0 events in 24 h · last: 2026-02-28 02:00 (UTC)');
    // Chat messages and tickets are Feishu events, but not eLearning ones.
    expect(text).toContain(
      `- Feishu eLearning: 1 event in 24 h (${escapeMd('elearning.course_registration.created_v2')} ×1) · last:`,
    );
    expect(text).toContain(`- Feishu helpdesk: 1 event in 24 h (${escapeMd('helpdesk.ticket.created_v1')} ×1)`);
    expect(text).toContain(`- Feishu chat: 5 events in 24 h (${escapeMd('im.message.receive_v1')} ×5)`);
    expect(text).toContain(`- 飞书消息：24 小时内 5 个事件 (${escapeMd('im.message.receive_v1')} ×5) · 最近一次：`);
    expect(text).toContain('- Pending: 3');
    expect(text).toContain('- Failed: 2');
    expect(text).toContain('- Waiting for an unresolved learner: 3');
    expect(text).toContain('- Learners not found in Feishu: 1');
    expect(template(reply)).toBe('orange');
  });

  it('lists unresolved learners with their reason, waiting count and the bind command that fixes each', async () => {
    await db.learnerIdentity.createMany({
      data: [
        {
          source: 'alm',
          externalUserId: '123',
          status: 'unresolved',
          displayName: '*Bob* <at id=all></at>',
          lastError: 'ALM has no user 123',
        },
        {
          source: 'qingsuyun',
          externalUserId: 'zhang_san',
          status: 'unresolved',
          lastError: 'no Feishu user has the user_id zhang_san',
        },
        { source: 'alm', externalUserId: '456', status: 'resolved', origin: 'lookup', openId: ALICE },
      ],
    });
    await notification({ status: 'waiting', waitFor: 'alm:123' });
    await notification({ status: 'waiting', waitFor: 'alm:123' });
    await notification({ status: 'sent', waitFor: 'qingsuyun:zhang_san' });
    const text = await say('unresolved');
    expect(text).toContain('2 learners');
    expect(text).toContain('- **ALM account 123** (&#42;Bob&#42; &#60;at id=all&#62;&#60;/at&#62;)');
    expect(text).not.toContain('<at id=all>');
    expect(text).toContain('Reason: ALM has no user 123');
    expect(text).toContain('Notifications waiting: 2');
    expect(text).toContain('Fix: bind alm 123 &#60;@user &#124; email&#62;');
    expect(text).toContain('修复：绑定 alm 123 &#60;@用户 &#124; 邮箱&#62;');
    expect(text).toContain('Fix: bind qingsuyun zhang&#95;san &#60;@user &#124; email&#62;');
    expect(text).toContain('Notifications waiting: 0');
    expect(text).not.toContain('456');
    await db.learnerIdentity.deleteMany({ where: { status: 'unresolved' } });
    expect(await say('unresolved')).toContain('Every learner has been matched to a Feishu user.');
  });

  it('keeps long lists of hostile data below the card size limit', async () => {
    const ugly = (i: number) => `${i}${'<*_|&>'.repeat(20)}`.slice(0, 128);
    await db.learnerIdentity.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({
        source: i % 2 ? 'alm' : 'qingsuyun',
        externalUserId: ugly(i),
        status: 'unresolved',
        displayName: '<>'.repeat(100),
        lastError: '|#'.repeat(200),
      })),
    });
    const unresolved = await run('unresolved');
    expect(cardBytes(unresolved?.card)).toBeLessThan(MAX_CARD_BYTES);
    expect(texts(unresolved?.card)).toMatch(/…and \d+ more/);
    await db.learnerIdentity.updateMany({
      data: { status: 'resolved', origin: 'binding', openId: ALICE, boundBy: BOB },
    });
    const bindings = await run('bindings');
    expect(cardBytes(bindings?.card)).toBeLessThan(MAX_CARD_BYTES);
    expect(texts(bindings?.card)).toContain('60 bindings');
  });

  it('writes a change and its audit row together, or neither', async () => {
    const failingAudit = new Proxy(db, {
      get(target, prop) {
        const value = (target as unknown as Record<PropertyKey, unknown>)[prop];
        if (prop !== '$transaction') return value;
        return (fn: (tx: unknown) => Promise<unknown>) =>
          db.$transaction((tx) =>
            fn(
              new Proxy(tx, {
                get: (t, p) =>
                  p === 'auditLog'
                    ? { create: () => Promise.reject(new Error('audit table full')) }
                    : (t as unknown as Record<PropertyKey, unknown>)[p],
              }),
            ),
          );
      },
    });
    for (const text of ['bind alm 5 @_user_1', 'notify exams off', 'admin add @_user_2', 'manager @_user_1 @_user_2']) {
      expect(await say(text, { db: failingAudit }), text).toContain('Something went wrong');
    }
    expect(await say('route exams here', { db: failingAudit, chat: 'group' })).toContain('Something went wrong');
    expect(await snapshot()).toEqual(await snapshotOfEmpty());
    expect(wake).not.toHaveBeenCalled();
  });

  it('re-queues the deliveries that failed for good', async () => {
    await notification({ status: 'failed', attempts: 12, lastError: 'gave up' });
    await notification({ status: 'failed', attempts: 3, lastError: 'bad card' });
    await notification({ status: 'pending', attempts: 2, lastError: 'rate limited' });
    expect(await say('retry')).toContain('Queued 2 failed notifications to be sent again.');
    const rows = await db.notification.findMany({ orderBy: { dedupeKey: 'asc' } });
    expect(rows.map((r) => [r.status, r.attempts, r.lastError])).toEqual([
      ['pending', 0, null],
      ['pending', 0, null],
      ['pending', 2, 'rate limited'],
    ]);
    expect(rows[0]!.availableAt).toEqual(now);
    expect(await say('重试')).toContain('There were no failed notifications; nothing changed.');
    expect((await audits()).map((r) => [r.command, r.detail])).toEqual([
      ['retry', { requeued: 2 }],
      ['retry', { requeued: 0 }],
    ]);
  });

  describe('courses', () => {
    const COURSE = '5fd087e96dbe3a73394188ae';
    it('names a Feishu eLearning course: progress says "a course in Feishu eLearning" until then', async () => {
      await db.learningRecord.create({
        data: {
          source: 'feishu',
          externalUserId: ALICE,
          itemKey: COURSE,
          itemId: COURSE,
          itemType: 'course',
          state: 'in_progress',
          progressPercent: 50,
        },
      });
      const before = await say('progress', { actor: ALICE });
      expect(before).toContain(`A course in Feishu eLearning (course id ${COURSE})`);
      expect(before).toContain(`飞书学习中的一门课程（课程 ID ${COURSE}）`);
      expect(before).not.toContain(`**${COURSE}**`);

      const reply = await say(`course name ${COURSE} Security  *basics*`);
      expect(reply).toContain(`The course ${COURSE} is now called **Security &#42;basics&#42;**`);
      expect(reply).toContain('1 learning record uses it');
      const after = await say('progress', { actor: ALICE });
      expect(after).toContain('- **Security &#42;basics&#42;** (course) · In progress 50%');
      expect(after).not.toContain(COURSE);
      expect((await audits()).map((r) => [r.command, r.detail])).toEqual([
        ['course', { courseId: COURSE, name: 'Security *basics*', previous: null, records: 1 }],
      ]);
      expect(await say(`课程 名称 ${COURSE}`)).toContain('Missing course name');
      expect(await say('course name bad/id x')).toContain('is not a valid course id');
    });

    it('shows and changes the reminder rules; a learner lists their coming reminders', async () => {
      expect(JSON.stringify((await run('settings'))?.card)).toContain('"name":"due_days","label"');
      expect(JSON.stringify((await run('settings'))?.card)).toContain('"default_value":"7,3,1,-1"');
      const replans = () => db.job.count({ where: { kind: 'replan', subject: 'replan:all', status: 'pending' } });
      expect(await say('reminder due-days 5,1')).toContain('The reminder rule due-days is now **5,1** (was 7,3,1,-1)');
      // Every planned reminder is re-planned by the new rule in the background: one chain, the newest change's.
      expect(await replans()).toBe(1);
      expect(await say('reminder self-enrolled on')).toContain('is now **on** (was off)');
      expect(await replans()).toBe(1);
      expect(await db.job.count({ where: { kind: 'replan', reason: 'started over after a newer change' } })).toBe(1);
      expect(await say('reminder self-enrolled on')).toContain('is already **on**; nothing changed');
      expect(await replans()).toBe(1);
      expect(await say('reminder stalled-days 0')).toContain('is not a valid value for stalled-days');
      expect(JSON.stringify((await run('settings'))?.card)).toContain('"name":"self_enrolled","checked":true');
      expect(await say('reminders', { actor: ALICE })).toContain('No learning reminders are planned for you.');
      await db.userPreference.create({ data: { openId: ALICE, mutedKinds: ['reminders'] } });
      expect(await say('提醒', { actor: ALICE })).toContain('You muted reminders');
    });

    it('sets and clears a due date, refusing dates that do not exist', async () => {
      expect(await say(`due ${COURSE} 2026-02-30`)).toContain('is not a valid date');
      expect(await say(`due ${COURSE} 2026-12-01`)).toContain(`is due to finish by **2026-12-01**`);
      expect(await db.job.count({ where: { kind: 'replan', subject: `replan:course:${COURSE}` } })).toBe(1);
      expect(await db.course.findUnique({ where: { courseId: COURSE } })).toMatchObject({
        dueOn: '2026-12-01',
        dueSetBy: ENV_ADMIN,
      });
      expect(await say(`截止 ${COURSE} 关闭`)).toContain('Cleared the due date of the course');
      expect(await say(`due ${COURSE} off`)).toContain('had no due date; nothing changed');
      expect((await db.course.findUnique({ where: { courseId: COURSE } }))?.dueOn).toBeNull();
    });
  });

  describe('learner commands', () => {
    it('shows progress across sources, in the user zone, and only the user records', async () => {
      await db.learnerIdentity.createMany({
        data: [
          { source: 'alm', externalUserId: '555', status: 'resolved', origin: 'binding', openId: ALICE },
          { source: 'qingsuyun', externalUserId: 'alice_q', status: 'resolved', origin: 'lookup', openId: ALICE },
          { source: 'alm', externalUserId: '666', status: 'resolved', origin: 'lookup', openId: BOB },
        ],
      });
      const record = (source: string, externalUserId: string, itemKey: string, more: Record<string, unknown>) =>
        db.learningRecord.create({
          data: { source, externalUserId, itemKey, itemType: 'course', state: 'enrolled', ...more },
        });
      const done = new Date('2026-03-01T10:30:00Z');
      await record('feishu', ALICE, 'c1', { itemName: 'Feishu *basics*', state: 'completed', completedAt: done });
      await record('alm', '555', 'lo1', { itemName: 'Safety 101', state: 'in_progress', progressPercent: 40 });
      await record('qingsuyun', 'alice_q', 'p1', {
        itemName: 'Final exam',
        itemType: 'exam',
        state: 'passed',
        score: 95,
        totalScore: 100,
        completedAt: done,
      });
      await record('alm', '666', 'lo2', { itemName: 'Bob course' });
      await record('feishu', BOB, 'c2', { itemName: 'Bob feishu course' });
      await db.userPreference.create({ data: { openId: ALICE, timeZone: 'America/New_York' } });

      const reply = await run('进度', { actor: ALICE });
      const text = texts(reply?.card);
      expect(text).toContain('Feishu &#42;basics&#42;');
      expect(text).toContain('✅ Completed · 2026-03-01 05:30 (UTC-5)');
      expect(text).toContain('- **Safety 101** (course) · In progress 40%');
      expect(text).toContain('- **Final exam** (exam) · ✅ Passed · 95 / 100 · 2026-03-01 05:30 (UTC-5)');
      expect(text).toContain('Adobe Learning Manager');
      expect(text).toContain('轻速云 / Qingsuyun');
      expect(text).not.toContain('Bob');
      expect(text.indexOf('Feishu &#42;basics')).toBeLessThan(text.indexOf('Safety 101'));
      expect(await say('progress', { actor: CAROL })).toContain('you have no courses or exams on record');
    });

    it('mute alone lists the kinds and what is muted; kinds not sent to the person cannot be muted', async () => {
      await db.userPreference.create({ data: { openId: ALICE, mutedKinds: ['exams'] } });
      const list = await say('mute', { actor: ALICE });
      expect(list).toContain(
        '你可以静音这些通知：\n- 完成：🔔 接收中\n- 考试：🔕 已静音\n- 报名：🔔 接收中\n- 打卡：🔔 接收中',
      );
      expect(list).not.toContain('工单');
      expect(list).not.toContain('You can mute'); // Chinese unless the person chose English
      await db.userPreference.update({ where: { openId: ALICE }, data: { lang: 'en' } });
      const english = await say('取消静音', { actor: ALICE });
      expect(english).toContain('You can mute these notifications:\n- completions: 🔔 on\n- exams: 🔕 muted');
      expect(english).not.toContain('你可以');
      for (const kind of ['tickets', 'failures', 'seats']) {
        const refused = await say(`mute ${kind}`, { actor: ALICE });
        expect(refused).toContain('Cannot mute');
        expect(refused).toContain('go to chats and admins, not to you personally');
      }
      expect(await say('静音 工单', { actor: STRANGER })).toContain(
        '「工单」通知发到群里或发给管理员，不是发给你个人的',
      );
      expect((await db.userPreference.findUnique({ where: { openId: ALICE } }))?.mutedKinds).toEqual(['exams']);
    });

    it('answers mute in Chinese by default and in English when the person chose it', async () => {
      const zh = await say('mute completions', { actor: BOB });
      expect(zh).toContain('你将不再收到「完成」通知。');
      expect(zh).not.toContain('You will no longer');
      await db.userPreference.update({ where: { openId: BOB }, data: { lang: 'en' } });
      const en = await say('unmute completions', { actor: BOB });
      expect(en).toContain('You will receive completions notifications again.');
      expect(en).not.toContain('你将');
    });

    it('mutes and unmutes kinds for the user only, noting manager notices', async () => {
      await db.userPreference.create({ data: { openId: ALICE, lang: 'en' } });
      const muted = await say('mute completions', { actor: ALICE });
      expect(muted).toContain('You will no longer receive completions notifications.');
      expect(muted).toContain('Notices about you sent to your manager are not affected.');
      await run('静音 考试', { actor: ALICE });
      expect(await say('mute exam', { actor: ALICE })).toContain('already muted');
      expect((await db.userPreference.findUnique({ where: { openId: ALICE } }))?.mutedKinds).toEqual([
        'completions',
        'exams',
      ]);
      expect(await say('unmute completions', { actor: ALICE })).toContain(
        'You will receive completions notifications again.',
      );
      expect(await say('unmute completions', { actor: ALICE })).toContain('were not muted; nothing changed');
      expect((await db.userPreference.findUnique({ where: { openId: ALICE } }))?.mutedKinds).toEqual(['exams']);
      expect(await db.userPreference.count()).toBe(1);
      expect(await db.auditLog.count()).toBe(0);
    });

    it('sets the card language, and answers in it from then on', async () => {
      const en = await run('lang en', { actor: ALICE });
      expect((await db.userPreference.findUnique({ where: { openId: ALICE } }))?.lang).toBe('en');
      expect(texts(en?.card)).toBe(
        ['Language set', 'Language set', 'Cards sent to you will now be in English.'].join('\n'),
      );
      const help = texts((await run('help', { actor: ALICE }))?.card);
      expect(help).toContain('Learner commands');
      expect(help).not.toContain('学员命令');
      const zh = texts((await run('语言 中文', { actor: ALICE }))?.card);
      expect(zh).toContain('之后发给你的卡片将使用中文。');
      expect(zh).not.toContain('English');
    });
  });

  describe('messages that are not commands', () => {
    it('names an unknown command and suggests the closest ones this person may use, in both languages', async () => {
      const admin = await say('routes tickets here');
      expect(admin).toContain('Unknown command');
      expect(admin).toContain('「routes」不是命令。\n你是不是想用：\n- 路由 &#60;工单');
      expect(admin).toContain('"routes" is not a command.\nDid you mean:\n- route &#60;tickets');
      // A learner is not offered admin commands.
      const learner = await say('routes', { actor: STRANGER });
      expect(learner).toContain('"routes" is not a command.');
      expect(learner).not.toContain('Did you mean');
      expect(await say('静默 考试', { actor: STRANGER })).toContain(
        '「静默」不是命令。\n你是不是想用：\n- 静音 &#91;类型&#93;',
      );
      expect(await say('hlep', { actor: STRANGER })).toContain('Did you mean:\n- help');
    });

    it('answers a non-command with a short hint, wrong arguments with the usage line, and ignores others', async () => {
      const hint = await say('hello there');
      expect(hint).toContain('Send "help" (帮助) to see the commands you can use.');
      expect(hint).toContain('「hello」不是命令。');
      expect(hint).toContain('"hello" is not a command.');
      expect(hint).not.toContain('Did you mean');
      expect(hint).not.toContain('there');
      const quoted = await say('<b>*x* now');
      expect(quoted).toContain(`"${escapeMd('<b>*x*')}" is not a command.`);
      expect(quoted).not.toContain('<b>');
      const usage = await say('mute <everything>', { actor: STRANGER });
      expect(usage).toContain('Usage: mute &#91;kind&#93;');
      expect(usage).toContain('"&#60;everything&#62;" is not a valid notification kind');
      expect(usage).not.toContain('<everything>');
      expect(await executeCommand(context(), { type: 'ignore' })).toBeNull();
      expect(await run('help', { chat: 'group', actor: STRANGER })).not.toBeNull();
      expect(
        await executeCommand(
          context({ chat: 'group' }),
          parseCommand({ text: 'help', chatType: 'group', mentions: [], botOpenId: BOT }),
        ),
      ).toBeNull();
    });

    it('answers an unexpected failure with a generic card and logs it without the message text', async () => {
      const broken = new Proxy(db, {
        get(target, prop) {
          if (prop === 'learningRecord')
            return { findMany: () => Promise.reject(new Error('connection lost near ou_secret_detail')) };
          return (target as unknown as Record<PropertyKey, unknown>)[prop];
        },
      });
      const reply = await run('progress', { actor: ALICE, db: broken });
      const text = texts(reply?.card);
      expect(text).toContain('Something went wrong with this command, and nothing was changed.');
      expect(JSON.stringify(reply)).not.toContain('ou_secret_detail');
      const line = logs.lines.findLast((l) => l.msg === 'command failed');
      expect(line).toMatchObject({ level: 50, command: 'progress', error: 'Error' });
      expect(logs.text()).not.toContain('ou_secret_detail');
    });

    it('survives anything typed, by anyone', async () => {
      const inputs = [
        '',
        ' ',
        '/',
        '//',
        'bind',
        'bind alm',
        `bind alm ${'x'.repeat(200)} @_user_1`,
        'manager @_user_9 clear',
        'admin add @_user_0',
        '\u0000\u202e',
        '<at id=all></at>',
        'route checkins here',
        '经理 @_user_1 @_user_1',
        'x'.repeat(3000),
      ];
      for (const text of inputs) {
        for (const actor of [STRANGER, ENV_ADMIN]) {
          for (const chat of ['p2p', 'group'] as const) {
            const reply = await run(text, { actor, chat });
            if (reply) expect(JSON.stringify(reply.card)).not.toContain('<at id=all>');
          }
        }
      }
      expect(await db.auditLog.count()).toBe(0);
    });
  });
});
