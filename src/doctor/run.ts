/** Gathers what doctor's checks look at (Feishu, ALM, the database) and runs them in order. */
import { almApiConfigured, type Config } from '../config.js';
import type { Db } from '../db/index.js';
import { ALM_BUDGET, budgetLeft } from '../alm/budget.js';
import { unnamedCourses } from '../learning/courses.js';
import { readQueueDepths } from '../metrics/depths.js';
import { DateTime } from 'luxon';
import { chineseCalendarCovers } from '../domain/calendar.js';
import { migrationNames, missingMigrations } from '../metrics/readiness.js';
import { SCOPES } from '../feishu/scopes.js';
import {
  checkAlm,
  checkBotInfo,
  checkCourseNames,
  checkDatabase,
  checkEvents,
  checkFeishuConfigured,
  checkHelpdesk,
  checkQingsuyun,
  checkCalendar,
  checkScopes,
  checkTenantToken,
  checkWork,
  checkResult,
  type AlmState,
  type CheckResult,
  type Said,
} from './checks.js';
import { EVENT_NEEDS } from './needs.js';
import type { FeishuProbe } from './probe.js';

export interface DoctorDeps {
  config: Config;
  db: Db;
  /** Undefined when the Feishu credentials are not set. */
  feishu: FeishuProbe | undefined;
  /** Gets an ALM access token (undefined when the ALM API is not configured). */
  almCredentials?: () => Promise<void>;
  /** Which database (shown in the report). */
  databaseKind: string;
  now?: () => Date;
  /** The reader's time zone for the times shown (default: DEFAULT_TIME_ZONE). */
  timeZone?: string;
  /** The inbound event that asked for the report (the `doctor` message): it is not pending work. */
  askedBy?: string;
}

export interface DoctorReport {
  results: CheckResult[];
  ok: boolean;
}

export async function runDoctor(deps: DoctorDeps): Promise<DoctorReport> {
  const { config, db } = deps;
  const now = deps.now?.() ?? new Date();
  const zone = deps.timeZone ?? config.DEFAULT_TIME_ZONE;
  const results: CheckResult[] = [];

  const notConfigured = checkFeishuConfigured(config);
  if (notConfigured || !deps.feishu) {
    results.push(
      notConfigured ??
        checkResult(
          'fail',
          ['飞书凭证', 'Feishu credentials'],
          ['没有飞书客户端。', 'no Feishu client.'],
          ['设置 FEISHU_APP_ID / FEISHU_APP_SECRET。', 'Set FEISHU_APP_ID / FEISHU_APP_SECRET.'],
        ),
    );
  } else {
    // Every other Feishu call needs a tenant token: without one, their failures would only repeat this one.
    const token = await deps.feishu.tenantToken();
    results.push(checkTenantToken(token));
    if (token.ok) results.push(...(await feishuChecks(deps.feishu, config)));
    else
      results.push(
        notChecked(
          ['机器人、权限和服务台', 'Bot, scopes and helpdesk'],
          ['飞书凭证不可用', 'the Feishu credentials do not work'],
          ['先修复凭证。', 'Fix them first.'],
        ),
      );
  }

  const database = await readDatabase(db);
  results.push(
    checkDatabase(database.ok ? { ok: true, kind: deps.databaseKind, missing: database.missing } : database),
  );
  if (!database.ok) {
    results.push(...checkAlm(config, await almState(deps, undefined), zone), checkQingsuyun(config, undefined, zone));
    results.push(
      notChecked(
        ['事件和工作队列', 'Events and work'],
        ['数据库没有响应', 'the database did not answer'],
        ['先修复数据库。', 'Fix the database first.'],
      ),
    );
    return report(results);
  }

  const lastSeen = await readLastSeen(db);
  const lastOf = (source: string) =>
    [...lastSeen.entries()].filter(([k]) => k.startsWith(`${source}\u0000`)).map(([, d]) => d);
  const newest = (dates: Date[]) => (dates.length ? new Date(Math.max(...dates.map((d) => d.getTime()))) : undefined);
  const feishuSeen = new Map(
    [...lastSeen].filter(([k]) => k.startsWith('feishu\u0000')).map(([k, d]) => [k.slice('feishu\u0000'.length), d]),
  );
  results.push(...checkEvents(feishuSeen, EVENT_NEEDS, config, now, zone));
  results.push(...checkAlm(config, await almState(deps, newest(lastOf('alm'))), zone));
  results.push(checkQingsuyun(config, newest(lastOf('qingsuyun')), zone));
  results.push(...checkWork(await readWork(db, now, deps.askedBy)));
  const nextYear = `${DateTime.fromJSDate(now, { zone: config.DEFAULT_TIME_ZONE }).year + 1}-`;
  const overrides = await db.calendarDay.count({ where: { date: { startsWith: nextYear } } });
  results.push(checkCalendar(config, now, chineseCalendarCovers, overrides));
  results.push(checkCourseNames(await unnamedCourses(db, 21)));
  return report(results);
}

/** The bot, its scopes and the helpdesk subscription: independent calls, made together. */
async function feishuChecks(feishu: FeishuProbe, config: Config): Promise<CheckResult[]> {
  const helpdesk = config.FEISHU_HELPDESK_ID && config.FEISHU_HELPDESK_TOKEN ? feishu.subscribeHelpdesk() : undefined;
  const [bot, scopes, subscribed] = await Promise.all([feishu.botInfo(), feishu.scopes(), helpdesk]);
  return [checkBotInfo(bot), checkScopes(scopes, SCOPES, config), checkHelpdesk(config, subscribed)];
}

function notChecked(name: Said, why: Said, fix: Said): CheckResult {
  return checkResult('warn', name, [`未检查：${why[0]}。`, `not checked: ${why[1]}.`], fix);
}

function report(results: CheckResult[]): DoctorReport {
  return { results, ok: results.every((r) => r.status !== 'fail') };
}

async function readDatabase(db: Db): Promise<{ ok: true; missing: string[] } | { ok: false; reason: string }> {
  try {
    const rows = await db.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    return {
      ok: true,
      missing: missingMigrations(
        await migrationNames(),
        rows.map((r) => r.migration_name),
      ),
    };
  } catch (err) {
    // It answers but has no migration table: a database the bot never started on.
    const answers = await db.$queryRaw`SELECT 1`.then(
      () => true,
      () => false,
    );
    return answers ? { ok: true, missing: await migrationNames() } : { ok: false, reason: errorName(err) };
  }
}

/** source + NUL + event type → when it was last stored. One grouped query. */
async function readLastSeen(db: Db): Promise<Map<string, Date>> {
  const rows = await db.$queryRaw<{ source: string; event_type: string; last: Date | string }[]>`
    SELECT source, event_type, max(received_at) AS last FROM inbound_event GROUP BY source, event_type`;
  return new Map(rows.map((r) => [`${r.source}\u0000${r.event_type}`, new Date(r.last)]));
}

async function almState(deps: DoctorDeps, lastEvent: Date | undefined): Promise<AlmState> {
  const { config, db } = deps;
  const state: AlmState = { limit: config.ALM_API_MAX_PER_HOUR, ...(lastEvent && { lastEvent }) };
  if (!almApiConfigured(config)) return state;
  if (deps.almCredentials) {
    state.credentials = await deps.almCredentials().then(
      () => ({ ok: true as const }),
      (err: unknown) => ({
        ok: false as const,
        reason: err instanceof Error ? err.message.slice(0, 200) : String(err),
      }),
    );
  }
  const left = await budgetLeft(db, { ...ALM_BUDGET, limit: config.ALM_API_MAX_PER_HOUR }).catch(() => undefined);
  if (left !== undefined) state.budgetLeft = left;
  return state;
}

/**
 * The queues as doctor reports them. The `doctor` message that asked is itself being processed while the report is
 * made: it is not counted as pending work.
 */
async function readWork(db: Db, now: Date, askedBy: string | undefined) {
  const [depths, top, asking] = await Promise.all([
    readQueueDepths(db, now),
    db.$queryRaw<{ reason: string | null; count: number }[]>`
      SELECT last_error AS reason, count(*)::int AS count FROM notification WHERE status = 'failed'
       GROUP BY last_error ORDER BY count(*) DESC LIMIT 1`,
    askedBy ? db.inboundEvent.findUnique({ where: { id: askedBy }, select: { status: true } }) : null,
  ]);
  const counts = (d: typeof depths.inbox) => Object.fromEntries(d.byStatus.map((s) => [s.status, s.count]));
  const first = top[0];
  const inbox = counts(depths.inbox);
  const own = asking?.status;
  if (own && (own === 'processing' || own === 'pending')) inbox[own] = Math.max(0, (inbox[own] ?? 0) - 1);
  return {
    inbox,
    outbox: counts(depths.outbox),
    inboxOldestDueSeconds: depths.inbox.oldestDueSeconds,
    outboxOldestDueSeconds: depths.outbox.oldestDueSeconds,
    ...(depths.jobs && { jobs: counts(depths.jobs), jobsOldestDueSeconds: depths.jobs.oldestDueSeconds }),
    ...(first && {
      topFailure: { reason: (first.reason ?? 'no reason recorded').slice(0, 300), count: Number(first.count) },
    }),
  };
}

/** The error's class and code, never its message (a connection string could be in it). */
function errorName(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' || typeof code === 'number' ? `${err.name} ${code}` : err.name;
  }
  return typeof err;
}
