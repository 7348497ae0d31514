/**
 * Doctor's checks. Each takes what it looks at (settings, a Feishu probe, rows read from the database) and says
 * ok, warn or fail, with what to do when it is not ok. Functions here only decide; `run.ts` gathers the inputs.
 */
import { DateTime } from 'luxon';
import { almApiConfigured, type Config } from '../config.js';
import type { Answer, BotInfo } from './probe.js';
import { requirementHolds, satisfiedBy, type ScopeNeed } from '../feishu/scopes.js';
import { RECENT_EVENT_DAYS, type EventNeed } from './needs.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  /** What was checked, e.g. "Feishu credentials". */
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do about it (absent when ok). */
  fix?: string;
}

const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
const warn = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'warn', detail, fix });
const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'fail', detail, fix });

export function checkFeishuConfigured(config: Config): CheckResult | undefined {
  if (config.FEISHU_APP_ID && config.FEISHU_APP_SECRET) return undefined;
  return fail(
    'Feishu credentials',
    'FEISHU_APP_ID / FEISHU_APP_SECRET are not set: no card can be sent.',
    'Set them to the App ID and App Secret of the custom app (developer console > Credentials & Basic Info).',
  );
}

export function checkTenantToken(answer: Answer<true>): CheckResult {
  const name = 'Feishu credentials';
  if (answer.ok) return ok(name, 'a tenant_access_token was issued for FEISHU_APP_ID / FEISHU_APP_SECRET.');
  const f = answer.failure;
  if (f.code === 10014 || f.code === 99991543 || f.code === 10003) {
    return fail(
      name,
      `Feishu refused the app id or secret (${f.reason}).`,
      'Copy the App ID and App Secret again from the developer console (Credentials & Basic Info) ' +
        'into FEISHU_APP_ID / FEISHU_APP_SECRET, then restart.',
    );
  }
  return fail(
    name,
    `no tenant_access_token (${f.reason}).`,
    `Check that FEISHU_DOMAIN is right and that this host can reach it.`,
  );
}

export function checkBotInfo(answer: Answer<BotInfo>): CheckResult {
  const name = 'Bot';
  if (!answer.ok) {
    return fail(
      name,
      `bot/v3/info failed (${answer.failure.reason}).`,
      'Enable the Bot feature of the app (developer console > Features > Bot), then publish a version.',
    );
  }
  const info = answer.value;
  const label = `"${info.appName ?? '?'}" (${info.openId ?? 'no open_id'})`;
  if (info.activateStatus !== undefined && info.activateStatus !== 2) {
    return fail(
      name,
      `${label} is not enabled in the tenant (activate_status ${info.activateStatus}).`,
      'Publish a version of the app and have a tenant admin approve and enable it (admin console > Workplace > Apps).',
    );
  }
  return ok(name, `${label} is enabled.`);
}

export function checkScopes(
  answer: Answer<{ name: string; granted: boolean }[]>,
  needs: readonly ScopeNeed[],
  config: Config,
): CheckResult {
  const name = 'Scopes';
  if (!answer.ok) {
    return fail(
      name,
      `the granted scopes could not be read (${answer.failure.reason}).`,
      'Check the Feishu credentials above; application/v6/scopes needs a working tenant token.',
    );
  }
  const granted = new Set(answer.value.filter((s) => s.granted).map((s) => s.name));
  const asked = new Set(answer.value.map((s) => s.name));
  const missing = needs.filter((n) => !satisfiedBy(n).some((s) => granted.has(s)));
  const missingRequired = missing.filter((n) => requirementHolds(n.required, config));
  const missingOptional = missing.filter((n) => !requirementHolds(n.required, config));
  const describe = (list: ScopeNeed[]) =>
    list.map((n) => `${n.scope}${asked.has(n.scope) ? ' (asked, not granted)' : ''} for ${n.why}`).join('; ');
  const fix =
    'Developer console > Permissions & Scopes: add the scopes listed, then publish a new version (a ' +
    'tenant admin may have to approve it).';
  if (missingRequired.length > 0) {
    const extra = missingOptional.length ? ` Optional, also missing: ${describe(missingOptional)}.` : '';
    return fail(name, `missing: ${describe(missingRequired)}.${extra}`, fix);
  }
  if (missingOptional.length > 0)
    return warn(name, `all needed scopes granted; optional ones missing: ${describe(missingOptional)}.`, fix);
  return ok(name, `all ${new Set(needs.map((n) => n.scope)).size} needed scopes are granted.`);
}

/** The last time each event type was stored (from inbound_event). */
export type LastSeen = ReadonlyMap<string, Date>;

export function checkEvents(lastSeen: LastSeen, needs: readonly EventNeed[], config: Config, now: Date): CheckResult[] {
  const since = now.getTime() - RECENT_EVENT_DAYS * 24 * 60 * 60_000;
  const transport = config.FEISHU_LONG_CONNECTION
    ? 'the long connection'
    : 'the request URL https://<host>/webhook/event';
  return needs
    .filter((n) => n.applies(config))
    .map((n) => {
      const name = `Event ${n.anyOf[0]}`;
      const seen = n.anyOf.map((t) => lastSeen.get(t)).filter((d): d is Date => d !== undefined);
      const last = seen.length ? new Date(Math.max(...seen.map((d) => d.getTime()))) : undefined;
      const fix =
        `Developer console > Events & Callbacks: subscribe ${n.anyOf.join(' or ')} ` +
        `(delivered to ${transport}) and publish ` +
        'a version. If it is subscribed, nothing may have happened yet: trigger one (e.g. message the bot).';
      if (!last) return warn(name, `never received (needed for ${n.for}).`, fix);
      if (last.getTime() < since)
        return warn(name, `last received ${last.toISOString()}, more than ${RECENT_EVENT_DAYS} days ago.`, fix);
      return ok(name, `last received ${last.toISOString()}.`);
    });
}

export function checkHelpdesk(config: Config, answer: Answer<true> | undefined): CheckResult {
  const name = 'Helpdesk';
  if (!config.FEISHU_HELPDESK_ID || !config.FEISHU_HELPDESK_TOKEN) {
    return warn(
      name,
      'FEISHU_HELPDESK_ID / FEISHU_HELPDESK_TOKEN are not set: ticket events are only received if subscribed by hand.',
      'Set them from the helpdesk admin page (Settings > API credentials) so the bot subscribes the ' +
        'ticket events at start.',
    );
  }
  if (!answer) return warn(name, 'not checked (no Feishu client).', 'Set the Feishu credentials first.');
  if (answer.ok) return ok(name, `ticket events are subscribed for helpdesk ${config.FEISHU_HELPDESK_ID}.`);
  return fail(
    name,
    `subscribing the ticket events failed (${answer.failure.reason}).`,
    'Check FEISHU_HELPDESK_ID / FEISHU_HELPDESK_TOKEN against the helpdesk admin page (Settings > ' +
      'API credentials), and that the app has the helpdesk scope.',
  );
}

export interface AlmState {
  /** The outcome of getting an access token, when the API is configured. */
  credentials?: { ok: true } | { ok: false; reason: string };
  budgetLeft?: number;
  limit: number;
  lastEvent?: Date;
}

export function checkAlm(config: Config, state: AlmState): CheckResult[] {
  const results: CheckResult[] = [];
  const lastEvent = state.lastEvent
    ? ` Last webhook event: ${state.lastEvent.toISOString()}.`
    : ' No webhook event received yet.';
  results.push(
    config.ALM_WEBHOOK_USER && config.ALM_WEBHOOK_PASSWORD
      ? ok('ALM webhook', `Basic credentials are set.${lastEvent}`)
      : warn(
          'ALM webhook',
          'ALM_WEBHOOK_USER / ALM_WEBHOOK_PASSWORD are not set: /webhook/alm refuses every request.',
          'Set the pair, and the same in ALM (Admin > Integration Admin > Webhooks).',
        ),
  );
  if (!almApiConfigured(config)) {
    results.push(
      warn(
        'ALM API',
        'ALM_CLIENT_ID / ALM_CLIENT_SECRET / ALM_REFRESH_TOKEN are not set: learners are found only ' +
          'through `bind`, cards show ids.',
        'Create an OAuth application in ALM (Integration Admin > Applications), get a refresh token, ' +
          'and set the three values.',
      ),
    );
    return results;
  }
  const budget = state.budgetLeft !== undefined ? ` Budget left this hour: ${state.budgetLeft} of ${state.limit}.` : '';
  if (state.credentials && !state.credentials.ok) {
    results.push(
      fail(
        'ALM API',
        `the token refresh failed (${state.credentials.reason}).${budget}`,
        'Check ALM_API_BASE (your data centre) and the client id, secret and refresh token; a revoked ' +
          'refresh token must be created again.',
      ),
    );
  } else if (state.budgetLeft === 0) {
    results.push(
      warn(
        'ALM API',
        `credentials work, but the API budget is spent.${budget}`,
        'Lookups wait for the next window; raise ALM_API_MAX_PER_HOUR only if ALM allows it.',
      ),
    );
  } else {
    results.push(ok('ALM API', `credentials work.${budget}`));
  }
  return results;
}

export function checkQingsuyun(config: Config, lastEvent: Date | undefined): CheckResult {
  const name = 'Qingsuyun';
  if (!config.QINGSUYUN_SECRET_KEY) {
    return warn(
      name,
      'QINGSUYUN_SECRET_KEY is not set: /webhook/qingsuyun refuses every callback.',
      'Set it to the secretKey configured for the callback in Qingsuyun.',
    );
  }
  const last = lastEvent ? `last callback ${lastEvent.toISOString()}` : 'no callback received yet';
  return ok(name, `secret key set; learners matched by ${config.QINGSUYUN_USER_MATCH}; ${last}.`);
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
  const name = 'Holiday calendar';
  if (config.HOLIDAYS === 'none')
    return ok(name, "HOLIDAYS=none: only the working weekdays and the admins' days count.");
  const local = DateTime.fromJSDate(now, { zone: config.DEFAULT_TIME_ZONE });
  const next = local.year + 1;
  if (!covers(local.year)) {
    return warn(
      name,
      `No Chinese holiday data for ${local.year}: public holidays read as working days.`,
      'Update the chinese-days package, or declare the days with `holiday add` / `workday add`.',
    );
  }
  if (local.month >= 11 && !covers(next) && overridesNextYear === 0) {
    return warn(
      name,
      `No Chinese holiday data for ${next} yet: from 1 January its public holidays would read as working days.`,
      `Update the chinese-days package once the State Council publishes ${next}'s schedule, ` +
        'or declare the days with `holiday add` / `workday add`.',
    );
  }
  return ok(name, `Chinese public holidays and make-up working days known for ${local.year}.`);
}

export function checkDatabase(
  state: { ok: true; kind: string; missing: string[] } | { ok: false; reason: string },
): CheckResult {
  const name = 'Database';
  if (!state.ok)
    return fail(
      name,
      `it did not answer (${state.reason}).`,
      'Check DATABASE_URL (or DATA_DIR) and that the database is running.',
    );
  if (state.missing.length > 0) {
    return fail(
      name,
      `${state.kind}: migrations not applied: ${state.missing.join(', ')}.`,
      'Start the bot once: it applies pending migrations at start.',
    );
  }
  return ok(name, `${state.kind} answers; all migrations applied.`);
}

export interface WorkState {
  inbox: Record<string, number>;
  outbox: Record<string, number>;
  inboxOldestDueSeconds: number;
  outboxOldestDueSeconds: number;
  /** The most frequent reason among failed notifications. */
  topFailure?: { reason: string; count: number };
}

/** Due work older than this means the worker or the dispatcher is stuck or far behind. */
export const STUCK_AFTER_SECONDS = 10 * 60;

export function checkWork(work: WorkState): CheckResult[] {
  const results: CheckResult[] = [];
  const failedNotifications = work.outbox.failed ?? 0;
  const failedEvents = work.inbox.failed ?? 0;
  if (failedNotifications > 0) {
    const top = work.topFailure ? ` Most common reason (${work.topFailure.count}): ${work.topFailure.reason}` : '';
    results.push(
      fail(
        'Failed notifications',
        `${failedNotifications} failed for good.${top}`,
        'Fix the cause, then send `retry` to the bot to send them again.',
      ),
    );
  } else {
    results.push(ok('Failed notifications', 'none.'));
  }
  if (failedEvents > 0) {
    results.push(
      fail(
        'Failed events',
        `${failedEvents} events could not be processed.`,
        'Look for "event failed" in the log (last_error in inbound_event) and fix the cause.',
      ),
    );
  }
  const pending = (work.outbox.pending ?? 0) + (work.outbox.sending ?? 0);
  const pendingEvents = (work.inbox.pending ?? 0) + (work.inbox.processing ?? 0);
  const stuck = Math.max(work.inboxOldestDueSeconds, work.outboxOldestDueSeconds);
  const backlog = `${pendingEvents} events and ${pending} notifications pending`;
  if (stuck > STUCK_AFTER_SECONDS) {
    results.push(
      warn(
        'Pending work',
        `${backlog}; the oldest has been due for ${Math.round(stuck / 60)} min.`,
        'Check that the bot is running and the log for send or processing errors (rate limits, Feishu outages).',
      ),
    );
  } else {
    results.push(ok('Pending work', `${backlog}.`));
  }
  const waiting = work.outbox.waiting ?? 0;
  if (waiting > 0) {
    results.push(
      warn(
        'Waiting notifications',
        `${waiting} wait for a learner not found in Feishu.`,
        'Send `unresolved` to list them and `bind` each account to its Feishu user.',
      ),
    );
  }
  return results;
}

/** Feishu eLearning courses seen in events without a name (their events carry only ids). */
export function checkCourseNames(unnamed: readonly { courseId: string; learners: number }[]): CheckResult {
  const name = 'Course names';
  if (unnamed.length === 0) return ok(name, 'every Feishu eLearning course seen has a name.');
  const shown = unnamed
    .slice(0, 10)
    .map((c) => `${c.courseId} (${c.learners} ${c.learners === 1 ? 'learner' : 'learners'})`);
  const more = unnamed.length > 10 ? `, and ${unnamed.length - 10} more` : '';
  return warn(
    name,
    `${unnamed.length} Feishu eLearning ${unnamed.length === 1 ? 'course has' : 'courses have'} no name: ` +
      `${shown.join(', ')}${more}. Cards call ${unnamed.length === 1 ? 'it' : 'each'} "a course in Feishu eLearning".`,
    'Send "course name <course id> <name>" for each, with the name shown in Feishu eLearning.',
  );
}
