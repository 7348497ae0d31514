/**
 * Doctor against the real server, the Feishu and ALM emulators and a real database: a healthy setup, then each
 * failure it must name with what to do. The chat command runs through a signed message; the script is spawned.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../fixtures/index.js';
import { postEvent, v2Event } from '../helpers/feishu-events.js';
import { ENCRYPT_KEY, VERIFICATION_TOKEN, eventually, startHarness, type Harness } from '../helpers/harness.js';
import { LANES, createTestDatabase } from '../helpers/databases.js';
import { say, textMessage } from '../helpers/chat.js';
import { untilIdle } from '../helpers/idle.js';
import { AlmEmulator } from '../../src/emulator/alm/index.js';
import { FeishuEmulator } from '../../src/emulator/feishu/index.js';
import { neededScopes } from '../../src/feishu/scopes.js';
import { runDoctor, type DoctorDeps, type DoctorReport } from '../../src/doctor/run.js';
import { feishuProbe } from '../../src/doctor/probe.js';
import { createFeishuClient } from '../../src/feishu/client.js';
import type { Config } from '../../src/config.js';
import { openDatabase } from '../../src/db/index.js';

const ADMIN = 'ou_doctoradmin000000000000000000001';
const ALL_SCOPES = neededScopes();
const HELPDESK = { id: 'hd-doc', token: 'hd-doc-token' };
/** The operator of the bot_p2p_chat_entered seed, who gets the welcome card. */
const SEED_USER = 'ou_84aad35d084aa403a838cf73ee18467';

const result = (report: DoctorReport, name: string) => report.results.find((r) => r.name === name);
const failed = (report: DoctorReport) => report.results.filter((r) => r.status === 'fail').map((r) => r.name);

/** Every markdown text of a card. */
function cardText(card: unknown): string {
  return JSON.stringify(card);
}

describe.each(LANES)('doctor (%s)', (lane) => {
  let h: Harness;
  let alm: AlmEmulator;

  const doctor = (config: Config = h.config, over: Partial<DoctorDeps> = {}) => {
    const feishu = createFeishuClient(config, h.log);
    const almApi = h.bot.services.alm;
    return runDoctor({
      config,
      db: h.db.prisma,
      feishu: feishu && feishuProbe(feishu, config),
      ...(almApi && { almCredentials: () => almApi.checkCredentials() }),
      databaseKind: lane,
      ...over,
    });
  };

  beforeAll(async () => {
    alm = await AlmEmulator.start();
    h = await startHarness({
      lane,
      emulator: {
        grantedScopes: ALL_SCOPES,
        helpdesks: [HELPDESK],
        users: [
          { open_id: ADMIN, user_id: 'adm1', name: 'Admin' },
          { open_id: SEED_USER, user_id: 'seed1', name: 'Seed' },
        ],
      },
      env: {
        ADMIN_OPEN_IDS: ADMIN,
        ALM_CLIENT_ID: alm.clientId,
        ALM_CLIENT_SECRET: alm.clientSecret,
        ALM_REFRESH_TOKEN: alm.refreshToken,
        ALM_API_BASE: alm.url,
        ALM_WEBHOOK_USER: 'alm-hook',
        ALM_WEBHOOK_PASSWORD: 'alm-hook-password',
        QINGSUYUN_SECRET_KEY: 'qsy-doctor-key',
        FEISHU_HELPDESK_ID: HELPDESK.id,
        FEISHU_HELPDESK_TOKEN: HELPDESK.token,
      },
    });
  });
  afterAll(async () => {
    await h?.stop();
    await alm?.stop();
  });

  it('warns for each needed event never received, with how to subscribe it', async () => {
    const report = await doctor();
    const events = report.results.filter((r) => r.name.startsWith('Event '));
    expect(events.map((r) => r.name)).toEqual([
      'Event im.message.receive_v1',
      'Event im.chat.access_event.bot_p2p_chat_entered_v1',
      'Event helpdesk.ticket.created_v1',
    ]);
    for (const r of events) {
      expect(r.status).toBe('warn');
      expect(r.detail).toContain('never received');
      expect(r.fix).toMatch(/Events & Callbacks: subscribe .*https:\/\/<host>\/webhook\/event/);
    }
    expect(report.ok).toBe(true);
  });

  it('passes every check on a healthy setup, through the admin chat command', async () => {
    const entered = loadFixture<{ header: object }>('feishu/bot_p2p_chat_entered.v2.json');
    expect(
      (
        await postEvent(
          h.eventUrl,
          { ...entered, header: { ...entered.header, token: VERIFICATION_TOKEN } },
          { encryptKey: ENCRYPT_KEY },
        )
      ).status,
    ).toBe(200);
    const ticket = loadFixture<{ event: Record<string, unknown> }>('feishu/helpdesk.ticket.created_v1.json');
    expect(
      (await postEvent(h.eventUrl, v2Event('helpdesk.ticket.created_v1', ticket.event), { encryptKey: ENCRYPT_KEY }))
        .status,
    ).toBe(200);
    // A healthy setup late in a year has next year's holidays: here an admin's day stands in for them.
    const nextYear = new Date().getUTCFullYear() + 1;
    await h.db.prisma.calendarDay.create({ data: { date: `${nextYear}-01-01`, kind: 'holiday' } });
    // The welcome and the ticket's cards are sent first, and the scheduled jobs due at start (this week's digest
    // plan) run: the report then has no other work in hand to count.
    await untilIdle(h.db.prisma);
    await h.bot.jobs.runUntilIdle();
    const chatId = h.emu!.p2pChatId(ADMIN);
    expect((await say(h.bot.url, textMessage({ from: ADMIN, chatId, chatType: 'p2p', text: 'doctor' }))).status).toBe(
      200,
    );
    const reply = await eventually(
      () => h.emu!.messages.find((m) => m.receive_id === chatId && cardText(m.card).includes('Doctor')),
      20_000,
      'doctor reply',
    );
    const text = cardText(reply.card);
    expect(text).toContain('All checks passed');
    expect(text).toContain('Feishu credentials');
    expect(text).toContain(`all ${ALL_SCOPES.length} needed scopes are granted`);
    expect(text).not.toMatch(/❌|⚠️/);
    expect((reply.card as { header: { template: string } }).header.template).toBe('green');
    // One language per reader: the Chinese text is Chinese through and through, times are local, no backticks,
    // and the doctor message being answered is not counted as pending work.
    const body = (reply.card as { body: { elements: { i18n_content: Record<string, string> }[] } }).body.elements[0]!
      .i18n_content;
    expect(body.zh_cn).toContain('✅ **飞书凭证**：已为 FEISHU&#95;APP&#95;ID / FEISHU&#95;APP&#95;SECRET 签发');
    expect(body.zh_cn).toContain(`所需的 ${ALL_SCOPES.length} 项权限均已授予`);
    expect(body.zh_cn).toContain('✅ **待处理的工作**：待处理：0 个事件，0 条通知，0 个到期的定时任务。');
    expect(body.zh_cn).not.toMatch(/never|received|pending|英文/);
    expect(body.en_us).toContain('✅ **Pending work**: 0 events, 0 notifications and 0 due scheduled jobs pending.');
    expect(body.zh_cn).toMatch(/最近一次收到于 \d{4}-\d\d-\d\d \d\d:\d\d（UTC\+8）/);
    expect(body.en_us).toMatch(/last received \d{4}-\d\d-\d\d \d\d:\d\d &#40;UTC\+8&#41;/);
    for (const lang of [body.zh_cn!, body.en_us!]) {
      expect(lang).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
      expect(lang).not.toContain('`');
      expect(lang).not.toContain('&#96;');
    }
    expect(h.emu!.helpdeskSubscriptions(HELPDESK.id)).toContain('helpdesk.ticket/ticket.created_v1');
  });

  it('lists Feishu eLearning courses seen without a name until an admin names them', async () => {
    expect(result(await doctor(), 'Course names')).toMatchObject({ status: 'ok' });
    const data = { source: 'feishu', itemType: 'course', state: 'enrolled' };
    await h.db.prisma.learningRecord.createMany({
      data: [
        { ...data, externalUserId: 'ou_doc_a', itemKey: 'doc_course_1' },
        { ...data, externalUserId: 'ou_doc_b', itemKey: 'doc_course_1' },
        { ...data, externalUserId: 'ou_doc_a', itemKey: 'doc_course_2', itemName: 'Named' },
      ],
    });
    const unnamed = result(await doctor(), 'Course names');
    expect(unnamed).toMatchObject({ status: 'warn' });
    expect(unnamed?.detail).toContain('1 Feishu eLearning course has no name: doc_course_1 (2 learners)');
    expect(unnamed?.fix).toContain('course name <course id> <name>');
    await h.db.prisma.learningRecord.deleteMany({ where: { itemKey: { in: ['doc_course_1', 'doc_course_2'] } } });
  });

  it('is for admins only', async () => {
    const chatId = h.emu!.p2pChatId('ou_someone');
    await say(h.bot.url, textMessage({ from: 'ou_someone', chatId, chatType: 'p2p', text: '诊断' }));
    const reply = await eventually(() => h.emu!.messages.find((m) => m.receive_id === chatId), 10_000, 'reply');
    expect(cardText(reply.card)).toContain('this command needs an admin');
  });

  it('fails on a wrong app secret, saying where to copy it from', async () => {
    const report = await doctor({ ...h.config, FEISHU_APP_SECRET: 'not-the-secret' });
    const r = result(report, 'Feishu credentials')!;
    expect(r).toMatchObject({ status: 'fail' });
    expect(r.detail).toContain('code 10014');
    expect(r.fix).toContain('App Secret');
    expect(report.ok).toBe(false);
    // The calls that need a token are not made: their failures would only repeat this one.
    expect(failed(report)).toEqual(['Feishu credentials']);
    expect(result(report, 'Bot, scopes and helpdesk')).toMatchObject({ status: 'warn' });
    expect(result(report, 'Database')!.status).toBe('ok');
  });

  it('fails on a missing required scope and names it; an optional one only warns', async () => {
    h.emu!.scopes.set(
      ALL_SCOPES.filter((s) => s !== 'contact:user.id:readonly' && !s.startsWith('elearning')),
      ['contact:user.id:readonly'],
    );
    try {
      const report = await doctor();
      const r = result(report, 'Scopes')!;
      expect(r.status).toBe('fail');
      expect(r.detail).toContain('contact:user.id:readonly (asked, not granted)');
      expect(r.detail).toContain('Optional, also missing: elearning:course_learner_data:readonly');
      expect(r.fix).toContain('Permissions & Scopes');
      expect(failed(report)).toEqual(['Scopes']);

      h.emu!.scopes.set(ALL_SCOPES.filter((s) => !s.startsWith('elearning')));
      expect(result(await doctor(), 'Scopes')!.status).toBe('warn');
    } finally {
      h.emu!.scopes.set(ALL_SCOPES);
    }
  });

  it('warns when the ALM API is not configured, and fails when its credentials are refused', async () => {
    const bare = { ...h.config, ALM_CLIENT_ID: undefined, ALM_CLIENT_SECRET: undefined, ALM_REFRESH_TOKEN: undefined };
    const report = await doctor(bare, { almCredentials: undefined });
    const api = result(report, 'ALM API')!;
    expect(api.status).toBe('warn');
    expect(api.detail).toContain('ALM_CLIENT_ID / ALM_CLIENT_SECRET / ALM_REFRESH_TOKEN are not set');
    expect(api.fix).toContain('refresh token');

    const refused = await doctor(h.config, {
      almCredentials: () => Promise.reject(new Error('ALM token refresh: HTTP 401')),
    });
    expect(result(refused, 'ALM API')).toMatchObject({ status: 'fail', detail: expect.stringContaining('HTTP 401') });
    expect(result(await doctor(), 'ALM API')).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/Budget left this hour: \d+ of 500/),
    });
  });

  it('fails on notifications that failed for good, with the most common reason and "retry"', async () => {
    const row = (key: string) => ({
      dedupeKey: `doctor-test:${key}`,
      kind: 'reply',
      receiveIdType: 'chat_id',
      receiveId: 'oc_gone',
      content: '{}',
      uuid: key.padEnd(8, 'x'),
      status: 'failed',
      lastError: 'the bot is not in the chat (HTTP 400, code 230002)',
    });
    await h.db.prisma.notification.createMany({ data: [row('f1'), row('f2')] });
    try {
      const report = await doctor();
      const r = result(report, 'Failed notifications')!;
      expect(r.status).toBe('fail');
      expect(r.detail).toContain('2 failed for good');
      expect(r.detail).toContain('code 230002');
      expect(r.fix).toContain('"retry"');
      expect(r.zh.fix).toContain('「retry」');
      expect(report.ok).toBe(false);
    } finally {
      await h.db.prisma.notification.deleteMany({ where: { dedupeKey: { startsWith: 'doctor-test:' } } });
    }
  });

  it('fails when the database does not answer, and skips what needs it', async () => {
    // A PostgreSQL server that is not there (nothing listens on port 1).
    const down = await openDatabase({
      url: 'postgresql://postgres@127.0.0.1:1/none',
      dataDir: 'memory://',
      migrate: false,
    });
    try {
      const report = await doctor(h.config, { db: down.prisma });
      expect(result(report, 'Database')).toMatchObject({
        status: 'fail',
        fix: expect.stringContaining('DATABASE_URL'),
      });
      expect(result(report, 'Events and work')).toMatchObject({ status: 'warn' });
      expect(result(report, 'Feishu credentials')!.status).toBe('ok');
      expect(report.ok).toBe(false);
    } finally {
      await down.close();
    }
  });
});

/** Runs `npm run doctor`'s entry point with these settings; resolves with its exit code and output. */
function runScript(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/doctor/main.ts'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('npm run doctor', () => {
  let emu: FeishuEmulator;
  let dir: string;

  beforeAll(async () => {
    emu = await FeishuEmulator.start({ grantedScopes: ALL_SCOPES });
    dir = mkdtempSync(join(tmpdir(), 'doctor-'));
    // A database the bot has started on once (migrated), then stopped.
    const db = await (await createTestDatabase('pglite', dir)).open();
    await db.close();
  });
  afterAll(async () => {
    await emu?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({
    DATA_DIR: dir,
    FEISHU_APP_ID: emu.appId,
    FEISHU_APP_SECRET: emu.appSecret,
    FEISHU_DOMAIN: emu.url,
    QINGSUYUN_SECRET_KEY: 'k',
  });

  // One run (each costs a process start): the lines of checks that pass, warn and fail, and the exit code.
  it('prints each check with what to do, and exits 1 when one fails (a wrong app secret)', async () => {
    const { code, out } = await runScript({ ...env(), FEISHU_APP_SECRET: 'wrong-secret' });
    expect(out).toMatch(/FAIL {2}Feishu credentials: .*10014.*\n {6}→ Copy the App ID and App Secret again/);
    expect(out).toContain('ok    Database: embedded database');
    expect(out).toMatch(/WARN {2}ALM API: .*\n {6}→ Create an OAuth application/);
    expect(out).toMatch(/1 failed, \d+ to look at\./);
    expect(out).not.toContain('wrong-secret');
    expect(code).toBe(1);
  }, 60_000);
});
