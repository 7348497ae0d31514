/**
 * Doctor's checks. Each takes what it looks at (settings, a Feishu probe, rows read from the database) and says
 * ok, warn or fail, with what to do when it is not ok. Functions here only decide; `run.ts` gathers the inputs.
 */
import { DateTime } from 'luxon';
import { formatTime, type I18nText } from '../../cards/kit.js';
import { almApiConfigured, type Config } from '../config.js';
import type { Answer, BotInfo } from './probe.js';
import { requirementHolds, satisfiedBy, type ScopeNeed } from '../feishu/scopes.js';
import { RECENT_EVENT_DAYS, type EventNeed } from './needs.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

/** What a check says in Chinese (its English is the result's own fields). Plain text, no markdown. */
export interface CheckTextZh {
  name: string;
  detail: string;
  fix?: string;
}

export interface CheckResult {
  /** What was checked, e.g. "Feishu credentials". */
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do about it (absent when ok). */
  fix?: string;
  /** The same texts in Chinese. */
  zh: CheckTextZh;
}

/** A text in both languages: `[zh, en]`. */
export type Said = readonly [string, string];

/** A check's result from its texts in both languages. */
export function checkResult(status: CheckStatus, name: Said, detail: Said, fix?: Said): CheckResult {
  return {
    name: name[1],
    status,
    detail: detail[1],
    ...(fix ? { fix: fix[1] } : {}),
    zh: { name: name[0], detail: detail[0], ...(fix ? { fix: fix[0] } : {}) },
  };
}
const ok = (name: Said, detail: Said): CheckResult => checkResult('ok', name, detail);
const warn = (name: Said, detail: Said, fix: Said): CheckResult => checkResult('warn', name, detail, fix);
const fail = (name: Said, detail: Said, fix: Said): CheckResult => checkResult('fail', name, detail, fix);

/** A time as the reader reads it: local time in their zone, with the offset. */
export const when = (date: Date, timeZone: string): I18nText => ({
  zh: formatTime(date, timeZone, 'zh'),
  en: formatTime(date, timeZone, 'en'),
});

const CREDENTIALS: Said = ['飞书凭证', 'Feishu credentials'];

export function checkFeishuConfigured(config: Config): CheckResult | undefined {
  if (config.FEISHU_APP_ID && config.FEISHU_APP_SECRET) return undefined;
  return fail(
    CREDENTIALS,
    [
      '未设置 FEISHU_APP_ID / FEISHU_APP_SECRET：无法发送任何卡片。',
      'FEISHU_APP_ID / FEISHU_APP_SECRET are not set: no card can be sent.',
    ],
    [
      '设置为企业自建应用的 App ID 和 App Secret（开发者后台 > 凭证与基础信息）。',
      'Set them to the App ID and App Secret of the custom app (developer console > Credentials & Basic Info).',
    ],
  );
}

export function checkTenantToken(answer: Answer<true>): CheckResult {
  if (answer.ok)
    return ok(CREDENTIALS, [
      '已为 FEISHU_APP_ID / FEISHU_APP_SECRET 签发 tenant_access_token。',
      'a tenant_access_token was issued for FEISHU_APP_ID / FEISHU_APP_SECRET.',
    ]);
  const f = answer.failure;
  if (f.code === 10014 || f.code === 99991543 || f.code === 10003) {
    return fail(
      CREDENTIALS,
      [`飞书拒绝了 App ID 或 App Secret（${f.reason}）。`, `Feishu refused the app id or secret (${f.reason}).`],
      [
        '从开发者后台（凭证与基础信息）重新复制 App ID 和 App Secret 到 FEISHU_APP_ID / FEISHU_APP_SECRET，然后重启。',
        'Copy the App ID and App Secret again from the developer console (Credentials & Basic Info) ' +
          'into FEISHU_APP_ID / FEISHU_APP_SECRET, then restart.',
      ],
    );
  }
  return fail(
    CREDENTIALS,
    [`没有拿到 tenant_access_token（${f.reason}）。`, `no tenant_access_token (${f.reason}).`],
    [
      '检查 FEISHU_DOMAIN 是否正确，以及本机能否访问它。',
      'Check that FEISHU_DOMAIN is right and that this host can reach it.',
    ],
  );
}

export function checkBotInfo(answer: Answer<BotInfo>): CheckResult {
  const name: Said = ['机器人', 'Bot'];
  if (!answer.ok) {
    const reason = answer.failure.reason;
    return fail(
      name,
      [`bot/v3/info 调用失败（${reason}）。`, `bot/v3/info failed (${reason}).`],
      [
        '在开发者后台启用应用的机器人能力（应用能力 > 机器人），然后发布版本。',
        'Enable the Bot feature of the app (developer console > Features > Bot), then publish a version.',
      ],
    );
  }
  const info = answer.value;
  const label = `"${info.appName ?? '?'}" (${info.openId ?? 'no open_id'})`;
  if (info.activateStatus !== undefined && info.activateStatus !== 2) {
    return fail(
      name,
      [
        `${label} 未在企业内启用（activate_status ${info.activateStatus}）。`,
        `${label} is not enabled in the tenant (activate_status ${info.activateStatus}).`,
      ],
      [
        '发布应用版本，并请企业管理员审核并启用（管理后台 > 工作台 > 应用管理）。',
        'Publish a version of the app and have a tenant admin approve and enable it ' +
          '(admin console > Workplace > Apps).',
      ],
    );
  }
  return ok(name, [`${label} 已启用。`, `${label} is enabled.`]);
}

export function checkScopes(
  answer: Answer<{ name: string; granted: boolean }[]>,
  needs: readonly ScopeNeed[],
  config: Config,
): CheckResult {
  const name: Said = ['权限', 'Scopes'];
  if (!answer.ok) {
    const reason = answer.failure.reason;
    return fail(
      name,
      [`无法读取已授予的权限（${reason}）。`, `the granted scopes could not be read (${reason}).`],
      [
        '先检查上面的飞书凭证；application/v6/scopes 需要可用的 tenant token。',
        'Check the Feishu credentials above; application/v6/scopes needs a working tenant token.',
      ],
    );
  }
  const granted = new Set(answer.value.filter((s) => s.granted).map((s) => s.name));
  const asked = new Set(answer.value.map((s) => s.name));
  const missing = needs.filter((n) => !satisfiedBy(n).some((s) => granted.has(s)));
  const missingRequired = missing.filter((n) => requirementHolds(n.required, config));
  const missingOptional = missing.filter((n) => !requirementHolds(n.required, config));
  const describe = (list: ScopeNeed[]): Said => [
    list.map((n) => `${n.scope}${asked.has(n.scope) ? '（已申请，未授予）' : ''}：${n.whyZh}`).join('；'),
    list.map((n) => `${n.scope}${asked.has(n.scope) ? ' (asked, not granted)' : ''} for ${n.why}`).join('; '),
  ];
  const fix: Said = [
    '开发者后台 > 权限管理：开通列出的权限，然后发布新版本（可能需要企业管理员审核）。',
    'Developer console > Permissions & Scopes: add the scopes listed, then publish a new version (a ' +
      'tenant admin may have to approve it).',
  ];
  if (missingRequired.length > 0) {
    const [req, opt] = [describe(missingRequired), describe(missingOptional)];
    const extra: Said = missingOptional.length
      ? [` 可选权限也缺少：${opt[0]}。`, ` Optional, also missing: ${opt[1]}.`]
      : ['', ''];
    return fail(name, [`缺少：${req[0]}。${extra[0]}`, `missing: ${req[1]}.${extra[1]}`], fix);
  }
  if (missingOptional.length > 0) {
    const opt = describe(missingOptional);
    return warn(
      name,
      [`所需权限均已授予；缺少可选权限：${opt[0]}。`, `all needed scopes granted; optional ones missing: ${opt[1]}.`],
      fix,
    );
  }
  const count = new Set(needs.map((n) => n.scope)).size;
  return ok(name, [`所需的 ${count} 项权限均已授予。`, `all ${count} needed scopes are granted.`]);
}

/** The last time each event type was stored (from inbound_event). */
type LastSeen = ReadonlyMap<string, Date>;

export function checkEvents(
  lastSeen: LastSeen,
  needs: readonly EventNeed[],
  config: Config,
  now: Date,
  timeZone: string,
): CheckResult[] {
  const since = now.getTime() - RECENT_EVENT_DAYS * 24 * 60 * 60_000;
  const transport: Said = config.FEISHU_LONG_CONNECTION
    ? ['长连接', 'the long connection']
    : ['请求地址 https://<host>/webhook/event', 'the request URL https://<host>/webhook/event'];
  return needs
    .filter((n) => n.applies(config))
    .map((n) => {
      const name: Said = [`事件 ${n.anyOf[0]}`, `Event ${n.anyOf[0]}`];
      const seen = n.anyOf.map((t) => lastSeen.get(t)).filter((d): d is Date => d !== undefined);
      const last = seen.length ? new Date(Math.max(...seen.map((d) => d.getTime()))) : undefined;
      const fix: Said = [
        `开发者后台 > 事件与回调：订阅 ${n.anyOf.join(' 或 ')}（发送到${transport[0]}）并发布版本。` +
          '如果已订阅，可能只是还没有发生过：触发一次（例如给机器人发消息）。',
        `Developer console > Events & Callbacks: subscribe ${n.anyOf.join(' or ')} ` +
          `(delivered to ${transport[1]}) and publish ` +
          'a version. If it is subscribed, nothing may have happened yet: trigger one (e.g. message the bot).',
      ];
      if (!last) return warn(name, [`从未收到（${n.forZh}需要它）。`, `never received (needed for ${n.for}).`], fix);
      const at = when(last, timeZone);
      if (last.getTime() < since)
        return warn(
          name,
          [
            `最近一次收到于 ${at.zh}，已超过 ${RECENT_EVENT_DAYS} 天。`,
            `last received ${at.en}, more than ${RECENT_EVENT_DAYS} days ago.`,
          ],
          fix,
        );
      return ok(name, [`最近一次收到于 ${at.zh}。`, `last received ${at.en}.`]);
    });
}

export function checkHelpdesk(config: Config, answer: Answer<true> | undefined): CheckResult {
  const name: Said = ['服务台', 'Helpdesk'];
  if (!config.FEISHU_HELPDESK_ID || !config.FEISHU_HELPDESK_TOKEN) {
    return warn(
      name,
      [
        '未设置 FEISHU_HELPDESK_ID / FEISHU_HELPDESK_TOKEN：只有手动订阅后才会收到工单事件。',
        'FEISHU_HELPDESK_ID / FEISHU_HELPDESK_TOKEN are not set: ticket events are only received ' +
          'if subscribed by hand.',
      ],
      [
        '从服务台管理页面（设置 > API 凭证）获取并设置，机器人启动时会自动订阅工单事件。',
        'Set them from the helpdesk admin page (Settings > API credentials) so the bot subscribes the ' +
          'ticket events at start.',
      ],
    );
  }
  if (!answer)
    return warn(
      name,
      ['未检查（没有飞书客户端）。', 'not checked (no Feishu client).'],
      ['先设置飞书凭证。', 'Set the Feishu credentials first.'],
    );
  const id = config.FEISHU_HELPDESK_ID;
  if (answer.ok)
    return ok(name, [`已为服务台 ${id} 订阅工单事件。`, `ticket events are subscribed for helpdesk ${id}.`]);
  const reason = answer.failure.reason;
  return fail(
    name,
    [`订阅工单事件失败（${reason}）。`, `subscribing the ticket events failed (${reason}).`],
    [
      '对照服务台管理页面（设置 > API 凭证）检查 FEISHU_HELPDESK_ID / FEISHU_HELPDESK_TOKEN，并确认应用有服务台权限。',
      'Check FEISHU_HELPDESK_ID / FEISHU_HELPDESK_TOKEN against the helpdesk admin page (Settings > ' +
        'API credentials), and that the app has the helpdesk scope.',
    ],
  );
}

export interface AlmState {
  /** The outcome of getting an access token, when the API is configured. */
  credentials?: { ok: true } | { ok: false; reason: string };
  budgetLeft?: number;
  limit: number;
  lastEvent?: Date;
}

export function checkAlm(config: Config, state: AlmState, timeZone: string): CheckResult[] {
  const results: CheckResult[] = [];
  const at = state.lastEvent ? when(state.lastEvent, timeZone) : undefined;
  const lastEvent: Said = at
    ? [`最近一次 webhook 事件：${at.zh}。`, ` Last webhook event: ${at.en}.`]
    : ['尚未收到 webhook 事件。', ' No webhook event received yet.'];
  const webhook: Said = ['ALM webhook', 'ALM webhook'];
  results.push(
    config.ALM_WEBHOOK_USER && config.ALM_WEBHOOK_PASSWORD
      ? ok(webhook, [`已设置 Basic 凭证。${lastEvent[0]}`, `Basic credentials are set.${lastEvent[1]}`])
      : warn(
          webhook,
          [
            '未设置 ALM_WEBHOOK_USER / ALM_WEBHOOK_PASSWORD：/webhook/alm 拒绝所有请求。',
            'ALM_WEBHOOK_USER / ALM_WEBHOOK_PASSWORD are not set: /webhook/alm refuses every request.',
          ],
          [
            '设置这两个值，并在 ALM 中填写相同的值（Admin > Integration Admin > Webhooks）。',
            'Set the pair, and the same in ALM (Admin > Integration Admin > Webhooks).',
          ],
        ),
  );
  const api: Said = ['ALM API', 'ALM API'];
  if (!almApiConfigured(config)) {
    results.push(
      warn(
        api,
        [
          '未设置 ALM_CLIENT_ID / ALM_CLIENT_SECRET / ALM_REFRESH_TOKEN：只能通过「bind」找到学员，卡片显示 ID。',
          'ALM_CLIENT_ID / ALM_CLIENT_SECRET / ALM_REFRESH_TOKEN are not set: learners are found only ' +
            'through "bind", cards show ids.',
        ],
        [
          '在 ALM 中创建 OAuth 应用（Integration Admin > Applications），获取 refresh token，并设置这三个值。',
          'Create an OAuth application in ALM (Integration Admin > Applications), get a refresh token, ' +
            'and set the three values.',
        ],
      ),
    );
    return results;
  }
  const left = state.budgetLeft;
  const budget: Said =
    left !== undefined
      ? [` 本小时剩余额度：${left} / ${state.limit}。`, ` Budget left this hour: ${left} of ${state.limit}.`]
      : ['', ''];
  if (state.credentials && !state.credentials.ok) {
    const reason = state.credentials.reason;
    results.push(
      fail(
        api,
        [`刷新 token 失败（${reason}）。${budget[0]}`, `the token refresh failed (${reason}).${budget[1]}`],
        [
          '检查 ALM_API_BASE（你的数据中心）以及 client id、secret 和 refresh token；被吊销的 refresh token 需要重新创建。',
          'Check ALM_API_BASE (your data centre) and the client id, secret and refresh token; a revoked ' +
            'refresh token must be created again.',
        ],
      ),
    );
  } else if (left === 0) {
    results.push(
      warn(
        api,
        [`凭证可用，但 API 额度已用完。${budget[0]}`, `credentials work, but the API budget is spent.${budget[1]}`],
        [
          '查询会等到下一个时间窗口；只有在 ALM 允许时才调高 ALM_API_MAX_PER_HOUR。',
          'Lookups wait for the next window; raise ALM_API_MAX_PER_HOUR only if ALM allows it.',
        ],
      ),
    );
  } else {
    results.push(ok(api, [`凭证可用。${budget[0]}`, `credentials work.${budget[1]}`]));
  }
  return results;
}

export function checkQingsuyun(config: Config, lastEvent: Date | undefined, timeZone: string): CheckResult {
  const name: Said = ['轻速云', 'Qingsuyun'];
  if (!config.QINGSUYUN_SECRET_KEY) {
    return warn(
      name,
      [
        '未设置 QINGSUYUN_SECRET_KEY：/webhook/qingsuyun 拒绝所有回调。',
        'QINGSUYUN_SECRET_KEY is not set: /webhook/qingsuyun refuses every callback.',
      ],
      ['设置为轻速云回调配置中的 secretKey。', 'Set it to the secretKey configured for the callback in Qingsuyun.'],
    );
  }
  const at = lastEvent ? when(lastEvent, timeZone) : undefined;
  const match = config.QINGSUYUN_USER_MATCH;
  return ok(name, [
    `已设置密钥；按 ${match} 匹配学员；${at ? `最近一次回调 ${at.zh}` : '尚未收到回调'}。`,
    `secret key set; learners matched by ${match}; ${at ? `last callback ${at.en}` : 'no callback received yet'}.`,
  ]);
}

/**
 * China's holiday calendar is published for one year at a time (around November, for the next year): from
 * 1 November on, a missing next year means the send windows would take its holidays for working days.
 */
export function checkCalendar(
  config: Config,
  now: Date,
  covers: (year: number) => boolean,
  overridesNextYear: number,
): CheckResult {
  const name: Said = ['节假日日历', 'Holiday calendar'];
  if (config.HOLIDAYS === 'none') {
    return ok(name, [
      'HOLIDAYS=none：只按工作日和管理员设置的日子计算。',
      "HOLIDAYS=none: only the working weekdays and the admins' days count.",
    ]);
  }
  const local = DateTime.fromJSDate(now, { zone: config.DEFAULT_TIME_ZONE });
  const next = local.year + 1;
  const declare: Said = [
    '更新 chinese-days 软件包，或用「holiday add」/「workday add」声明这些日子。',
    'Update the chinese-days package, or declare the days with "holiday add" / "workday add".',
  ];
  if (!covers(local.year)) {
    return warn(
      name,
      [
        `没有 ${local.year} 年的中国节假日数据：法定节假日会被当作工作日。`,
        `No Chinese holiday data for ${local.year}: public holidays read as working days.`,
      ],
      declare,
    );
  }
  if (local.month >= 11 && !covers(next) && overridesNextYear === 0) {
    return warn(
      name,
      [
        `还没有 ${next} 年的中国节假日数据：从 1 月 1 日起，法定节假日会被当作工作日。`,
        `No Chinese holiday data for ${next} yet: from 1 January its public holidays would read as working days.`,
      ],
      [
        `国务院公布 ${next} 年的安排后更新 chinese-days 软件包，或用「holiday add」/「workday add」声明这些日子。`,
        `Update the chinese-days package once the State Council publishes ${next}'s schedule, ` +
          'or declare the days with "holiday add" / "workday add".',
      ],
    );
  }
  return ok(name, [
    `已知 ${local.year} 年的法定节假日和调休工作日。`,
    `Chinese public holidays and make-up working days known for ${local.year}.`,
  ]);
}

export function checkDatabase(
  state: { ok: true; kind: string; missing: string[] } | { ok: false; reason: string },
): CheckResult {
  const name: Said = ['数据库', 'Database'];
  if (!state.ok)
    return fail(
      name,
      [`没有响应（${state.reason}）。`, `it did not answer (${state.reason}).`],
      [
        '检查 DATABASE_URL（或 DATA_DIR）以及数据库是否在运行。',
        'Check DATABASE_URL (or DATA_DIR) and that the database is running.',
      ],
    );
  const kind = state.kind;
  if (state.missing.length > 0) {
    const list = state.missing.join(', ');
    return fail(
      name,
      [`${kind}：有未应用的迁移：${list}。`, `${kind}: migrations not applied: ${list}.`],
      ['启动一次机器人：它会在启动时应用未完成的迁移。', 'Start the bot once: it applies pending migrations at start.'],
    );
  }
  return ok(name, [`${kind} 可用；所有迁移均已应用。`, `${kind} answers; all migrations applied.`]);
}

interface WorkState {
  inbox: Record<string, number>;
  outbox: Record<string, number>;
  inboxOldestDueSeconds: number;
  outboxOldestDueSeconds: number;
  /** Scheduled jobs due on the clock and not done (future ones are not work yet), by status. */
  jobs?: Record<string, number>;
  jobsOldestDueSeconds?: number;
  /** The most frequent reason among failed notifications. */
  topFailure?: { reason: string; count: number };
}

/** Due work older than this means the worker or the dispatcher is stuck or far behind. */
export const STUCK_AFTER_SECONDS = 10 * 60;

export function checkWork(work: WorkState): CheckResult[] {
  const results: CheckResult[] = [];
  const failedNotifications = work.outbox.failed ?? 0;
  const failedEvents = work.inbox.failed ?? 0;
  const failedName: Said = ['发送失败的通知', 'Failed notifications'];
  if (failedNotifications > 0) {
    const top = work.topFailure;
    const reason: Said = top
      ? [` 最常见的原因（${top.count} 条）：${top.reason}`, ` Most common reason (${top.count}): ${top.reason}`]
      : ['', ''];
    results.push(
      fail(
        failedName,
        [
          `${failedNotifications} 条通知发送失败，不会再重试。${reason[0]}`,
          `${failedNotifications} failed for good.${reason[1]}`,
        ],
        [
          '排除原因后，向机器人发送「retry」重新发送。',
          'Fix the cause, then send "retry" to the bot to send them again.',
        ],
      ),
    );
  } else {
    results.push(ok(failedName, ['没有。', 'none.']));
  }
  if (failedEvents > 0) {
    results.push(
      fail(
        ['处理失败的事件', 'Failed events'],
        [`${failedEvents} 个事件无法处理。`, `${failedEvents} events could not be processed.`],
        [
          '在日志中查找 "event failed"（inbound_event 表的 last_error）并排除原因。',
          'Look for "event failed" in the log (last_error in inbound_event) and fix the cause.',
        ],
      ),
    );
  }
  const pending = (work.outbox.pending ?? 0) + (work.outbox.sending ?? 0);
  const pendingEvents = (work.inbox.pending ?? 0) + (work.inbox.processing ?? 0);
  const dueJobs = (work.jobs?.pending ?? 0) + (work.jobs?.running ?? 0);
  const stuck = Math.max(work.inboxOldestDueSeconds, work.outboxOldestDueSeconds, work.jobsOldestDueSeconds ?? 0);
  const backlog: Said = [
    `待处理：${pendingEvents} 个事件，${pending} 条通知，${dueJobs} 个到期的定时任务`,
    `${pendingEvents} events, ${pending} notifications and ${dueJobs} due scheduled jobs pending`,
  ];
  const pendingName: Said = ['待处理的工作', 'Pending work'];
  if (stuck > STUCK_AFTER_SECONDS) {
    const minutes = Math.round(stuck / 60);
    results.push(
      warn(
        pendingName,
        [
          `${backlog[0]}；最早的一项已到期 ${minutes} 分钟。`,
          `${backlog[1]}; the oldest has been due for ${minutes} min.`,
        ],
        [
          '检查机器人是否在运行，并在日志中查找发送或处理错误（频率限制、飞书故障）。',
          'Check that the bot is running and the log for send or processing errors (rate limits, Feishu outages).',
        ],
      ),
    );
  } else {
    results.push(ok(pendingName, [`${backlog[0]}。`, `${backlog[1]}.`]));
  }
  const waiting = work.outbox.waiting ?? 0;
  if (waiting > 0) {
    results.push(
      warn(
        ['等待中的通知', 'Waiting notifications'],
        [`${waiting} 条通知在等待一位尚未在飞书中找到的学员。`, `${waiting} wait for a learner not found in Feishu.`],
        [
          '发送「unresolved」列出它们，并用「bind」把每个账号绑定到对应的飞书用户。',
          'Send "unresolved" to list them and "bind" each account to its Feishu user.',
        ],
      ),
    );
  }
  return results;
}

/** Feishu eLearning courses seen in events without a name (their events carry only ids). */
export function checkCourseNames(unnamed: readonly { courseId: string; learners: number }[]): CheckResult {
  const name: Said = ['课程名称', 'Course names'];
  if (unnamed.length === 0)
    return ok(name, ['见到的飞书学习课程都有名称。', 'every Feishu eLearning course seen has a name.']);
  const shown = unnamed.slice(0, 10);
  const zhList = shown.map((c) => `${c.courseId}（${c.learners} 名学员）`).join('、');
  const enList = shown.map((c) => `${c.courseId} (${c.learners} ${c.learners === 1 ? 'learner' : 'learners'})`);
  const rest = unnamed.length - shown.length;
  return warn(
    name,
    [
      `${unnamed.length} 门飞书学习课程没有名称：${zhList}${rest > 0 ? `，另有 ${rest} 门` : ''}。` +
        '卡片上称它们为「飞书学习中的一门课程」。',
      `${unnamed.length} Feishu eLearning ${unnamed.length === 1 ? 'course has' : 'courses have'} no name: ` +
        `${enList.join(', ')}${rest > 0 ? `, and ${rest} more` : ''}. ` +
        `Cards call ${unnamed.length === 1 ? 'it' : 'each'} "a course in Feishu eLearning".`,
    ],
    [
      '为每门课程发送「course name <课程 ID> <名称>」，名称用飞书学习中显示的名称。',
      'Send "course name <course id> <name>" for each, with the name shown in Feishu eLearning.',
    ],
  );
}
