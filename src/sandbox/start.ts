/**
 * The sandbox: the bot on the embedded database, talking to an in-process Feishu emulator and an ALM API
 * stand-in, with a demo organisation and the console at /sandbox. Settings from the environment win over the
 * sandbox's defaults (so an outside tool can sign events with its own keys), except the ones that would send the
 * bot outside this process: the Feishu domain, the ALM API base, a PostgreSQL URL and the long connection.
 */
import { loadConfig, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import { startBot, type Bot, type StartOptions } from '../bot.js';
import { FeishuEmulator, DEFAULT_APP_ID, DEFAULT_APP_SECRET } from '../emulator/feishu/index.js';
import { AlmEmulator, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN } from '../emulator/alm/index.js';
import {
  DEMO_ADMIN,
  DEMO_DESK,
  DEMO_GROUPS,
  DEMO_HELPDESK_ID,
  DEMO_LEARNING_OBJECTS,
  DEMO_USERS,
  emulatedUsers,
} from './demo.js';
import { sandboxRoutes } from './routes.js';
import { DEMO_DUE_COURSE, DEMO_DUE_INSTANCE } from './seeds.js';
import { DateTime } from 'luxon';
import { SCOPES } from '../feishu/scopes.js';
import { SettableClock } from '../domain/clock.js';

/** Used when the environment does not set them. */
export const SANDBOX_DEFAULTS: Readonly<Record<string, string>> = {
  PORT: '3000',
  // The console can fire events and click cards as anyone: only this machine may reach it unless HOST says otherwise.
  HOST: '127.0.0.1',
  DATA_DIR: './data-sandbox',
  FEISHU_APP_ID: DEFAULT_APP_ID,
  FEISHU_APP_SECRET: DEFAULT_APP_SECRET,
  FEISHU_ENCRYPT_KEY: 'sandbox-encrypt-key',
  FEISHU_VERIFICATION_TOKEN: 'sandbox-verification-token',
  FEISHU_HELPDESK_ID: DEMO_HELPDESK_ID,
  FEISHU_HELPDESK_TOKEN: 'sandbox-helpdesk-token',
  ALM_WEBHOOK_USER: 'sandbox-alm',
  ALM_WEBHOOK_PASSWORD: 'sandbox-alm-password',
  ALM_CLIENT_ID: DEFAULT_CLIENT_ID,
  ALM_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
  ALM_REFRESH_TOKEN: DEFAULT_REFRESH_TOKEN,
  QINGSUYUN_SECRET_KEY: 'sandbox-qingsuyun-secret-key',
  // Retries a person can watch: the first after about a second, none later than ten.
  WORKER_POLL_MS: '200',
  OUTBOX_RETRY_BASE_MS: '1000',
  OUTBOX_RETRY_MAX_MS: '10000',
};

export interface Sandbox {
  bot: Bot;
  /** Business time, moved by the console (`/sandbox/api/clock`). */
  clock: SettableClock;
  feishu: FeishuEmulator;
  alm: AlmEmulator;
  config: Config;
  /** The console: `<bot url>/sandbox`. */
  consoleUrl: string;
  stop(): Promise<void>;
}

interface SandboxOptions {
  /** Default process.env. */
  env?: NodeJS.ProcessEnv;
  log: Logger;
  /** The kinds of scheduled jobs (default: the bot's own). */
  jobKinds?: StartOptions['jobKinds'];
}

export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const env = opts.env ?? process.env;
  const merged: Record<string, string | undefined> = { ...SANDBOX_DEFAULTS };
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim() !== '') merged[k] = v;
  const admins = new Set([
    DEMO_ADMIN.open_id,
    ...(merged.ADMIN_OPEN_IDS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ]);
  merged.ADMIN_OPEN_IDS = [...admins].join(',');

  // Business time: real time by default, or from SANDBOX_CLOCK; the console and its API move it.
  const start = merged.SANDBOX_CLOCK ? new Date(merged.SANDBOX_CLOCK) : new Date();
  if (Number.isNaN(start.getTime()))
    throw new Error('SANDBOX_CLOCK must be an ISO instant such as 2026-10-12T09:00+08:00');
  const clock = new SettableClock(start, true);
  const feishu = await FeishuEmulator.start({
    messageClock: () => clock.now().getTime(),
    appId: merged.FEISHU_APP_ID!,
    appSecret: merged.FEISHU_APP_SECRET!,
    users: emulatedUsers(),
    botName: '学习助手 Learning assistant',
    helpdesks: [{ id: merged.FEISHU_HELPDESK_ID!, token: merged.FEISHU_HELPDESK_TOKEN! }],
    // The demo app is set up as the README says: every scope the bot asks for is granted, so `doctor` passes.
    grantedScopes: SCOPES.map((need) => need.scope),
  });
  for (const group of DEMO_GROUPS) feishu.addChat(group.chat_id, { name: group.name, members: group.members });
  const alm = await AlmEmulator.start({
    clientId: merged.ALM_CLIENT_ID!,
    clientSecret: merged.ALM_CLIENT_SECRET!,
    refreshToken: merged.ALM_REFRESH_TOKEN!,
  });
  for (const u of DEMO_USERS) if (u.alm_user_id) alm.addUser({ id: u.alm_user_id, email: u.email, name: u.en_name });
  for (const lo of DEMO_LEARNING_OBJECTS) alm.addLearningObject(lo);
  // The demo course's instance in the sample events, due two weeks after the sandbox starts: an admin enrolment
  // into it plans due-date reminders from ALM's completion deadline.
  alm.addInstance({
    id: DEMO_DUE_INSTANCE,
    completionDeadline: new Date(start.getTime() + 14 * 24 * 60 * 60_000).toISOString(),
  });

  let config: Config;
  try {
    config = loadConfig({
      ...merged,
      DATABASE_URL: '',
      FEISHU_LONG_CONNECTION: 'off',
      FEISHU_DOMAIN: feishu.url,
      ALM_API_BASE: alm.url,
    });
  } catch (err) {
    await Promise.all([feishu.stop(), alm.stop()]);
    throw err;
  }

  const started: { bot?: Bot } = {};
  const extraRoutes = sandboxRoutes({
    feishu,
    config,
    clock,
    bot: () => started.bot && { url: started.bot.url, prisma: started.bot.database.prisma, jobs: started.bot.jobs },
  });
  let bot: Bot;
  try {
    bot = await startBot({ config, log: opts.log, extraRoutes, clock, jobKinds: opts.jobKinds });
  } catch (err) {
    await Promise.all([feishu.stop(), alm.stop()]);
    throw err;
  }
  started.bot = bot;
  // Both demo groups receive helpdesk tickets, so a claim changes the card in each of them.
  for (const group of DEMO_GROUPS) {
    await bot.database.prisma.route.upsert({
      where: { kind_chatId_scope: { kind: 'tickets', chatId: group.chat_id, scope: '*' } },
      create: { kind: 'tickets', chatId: group.chat_id, scope: '*', createdBy: 'sandbox' },
      update: {},
    });
  }
  const desk = { duty: [...DEMO_DESK.duty], leads: [...DEMO_DESK.leads], updatedBy: 'sandbox' };
  await bot.database.prisma.helpdeskDesk.upsert({
    where: { chatId: DEMO_DESK.chatId },
    create: { chatId: DEMO_DESK.chatId, ...desk },
    update: {},
  });
  // The demo course with a due date: named, and due 10 days after the sandbox started (its events carry only ids).
  const dueOn = DateTime.fromJSDate(bot.clock.now(), { zone: config.DEFAULT_TIME_ZONE })
    .plus({ days: 10 })
    .toISODate()!;
  await bot.database.prisma.course.upsert({
    where: { courseId: DEMO_DUE_COURSE },
    create: { courseId: DEMO_DUE_COURSE, name: '数据安全必修课 Data security essentials', dueOn, dueSetBy: 'sandbox' },
    update: {},
  });
  // The demo org's directory, looked up once: its managers (王芳, 赵敏) are known to the weekly digest plan from the
  // start, as a real tenant's become known from their reports' events.
  for (const u of DEMO_USERS) await bot.services.directory.user(u.open_id).catch(() => null);
  let stopping: Promise<void> | undefined;
  return {
    bot,
    clock,
    feishu,
    alm,
    config,
    consoleUrl: `${bot.url}/sandbox`,
    stop() {
      stopping ??= (async () => {
        await bot.stop();
        await Promise.all([feishu.stop(), alm.stop()]);
      })();
      return stopping;
    },
  };
}
