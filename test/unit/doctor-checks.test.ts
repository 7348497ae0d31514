import { describe, expect, it } from 'vitest';
import {
  checkBotInfo,
  checkCalendar,
  checkEvents,
  checkScopes,
  checkWork,
  STUCK_AFTER_SECONDS,
} from '../../src/doctor/checks.js';
import { chineseCalendarCovers } from '../../src/domain/calendar.js';
import { loadConfig } from '../../src/config.js';
import { EVENT_NEEDS } from '../../src/doctor/needs.js';
import { SCOPES } from '../../src/feishu/scopes.js';
import { reportCard, reportText } from '../../src/doctor/format.js';
import { toDepth } from '../../src/metrics/depths.js';
import { missingMigrations } from '../../src/metrics/readiness.js';
import { bearerMatches } from '../../src/metrics/routes.js';
import { testConfig } from '../helpers/harness.js';

const config = testConfig({});
const NOW = new Date('2026-12-01T00:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 24 * 60 * 60_000);
const work = { inbox: {}, outbox: {}, inboxOldestDueSeconds: 0, outboxOldestDueSeconds: 0 };

describe('doctor checks', () => {
  it('fails a bot the tenant has not enabled', () => {
    const r = checkBotInfo({ ok: true, value: { appName: 'Bot', openId: 'ou_b', activateStatus: 3 } });
    expect(r).toMatchObject({ status: 'fail', detail: expect.stringContaining('activate_status 3') });
    expect(r.fix).toContain('Publish a version');
    expect(checkBotInfo({ ok: true, value: { appName: 'Bot', openId: 'ou_b', activateStatus: 2 } }).status).toBe('ok');
  });

  it('accepts a broader scope in place of a narrower one', () => {
    const names = SCOPES.map((n) => n.alternatives.at(-1) ?? n.scope);
    const r = checkScopes({ ok: true, value: names.map((name) => ({ name, granted: true })) }, SCOPES, config);
    expect(r.status).toBe('ok');
    const granted = (list: string[]) => ({ ok: true as const, value: list.map((name) => ({ name, granted: true })) });
    const narrow = names.filter((n) => n !== 'contact:contact:readonly_as_app');
    expect(checkScopes(granted(narrow), SCOPES, config)).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('contact:user.base:readonly for'),
    });
  });

  it('requires a scope only with the configuration that uses it', () => {
    const all = SCOPES.map((n) => n.scope);
    const granted = (list: string[]) => ({ ok: true as const, value: list.map((name) => ({ name, granted: true })) });
    const noUserId = all.filter((s) => s !== 'contact:user.employee_id:readonly');
    expect(checkScopes(granted(noUserId), SCOPES, { ...config, QINGSUYUN_USER_MATCH: 'user_id' }).status).toBe('fail');
    expect(checkScopes(granted(noUserId), SCOPES, { ...config, QINGSUYUN_USER_MATCH: 'email' }).status).toBe('warn');
    const noHelpdesk = all.filter((s) => !s.startsWith('helpdesk:'));
    const helpdesk = { ...config, FEISHU_HELPDESK_ID: 'hd', FEISHU_HELPDESK_TOKEN: 'tok' };
    expect(checkScopes(granted(noHelpdesk), SCOPES, helpdesk).status).toBe('fail');
    const without = { ...config, FEISHU_HELPDESK_ID: undefined, FEISHU_HELPDESK_TOKEN: undefined };
    expect(checkScopes(granted(noHelpdesk), SCOPES, without).status).toBe('warn');
  });

  it('tells an event seen long ago from one seen recently', () => {
    const seen = new Map([
      ['im.message.receive_v1', daysAgo(1)],
      ['p2p_chat_create', daysAgo(30)],
    ]);
    const [message, entered] = checkEvents(seen, EVENT_NEEDS, config, NOW);
    expect(message).toMatchObject({ status: 'ok' });
    expect(entered).toMatchObject({ status: 'warn', detail: expect.stringContaining('more than 7 days ago') });
  });

  it('warns about work due for too long and notifications waiting for a learner', () => {
    const results = checkWork({
      ...work,
      outbox: { pending: 3, waiting: 2 },
      outboxOldestDueSeconds: STUCK_AFTER_SECONDS + 60,
    });
    expect(results.find((r) => r.name === 'Pending work')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('11 min'),
    });
    expect(results.find((r) => r.name === 'Waiting notifications')).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('`bind`'),
    });
    expect(results.every((r) => r.status !== 'fail')).toBe(true);
  });

  it('formats a report as text lines with the fix under each, and as a card coloured by the worst result', () => {
    const report = { ok: false, results: checkWork({ ...work, outbox: { failed: 1 } }) };
    expect(reportText(report)).toMatch(/^FAIL {2}Failed notifications: 1 failed for good\.\n {6}→ Fix the cause/);
    expect((reportCard(report) as { header: { template: string } }).header.template).toBe('red');
  });
});

describe('metrics helpers', () => {
  it('reports every open status, 0 when absent, and the oldest due age', () => {
    const depth = toDepth([{ status: 'pending', count: 4, oldest_due_seconds: 12.5 }], ['pending', 'failed']);
    expect(depth).toEqual({
      byStatus: [
        { status: 'pending', count: 4 },
        { status: 'failed', count: 0 },
      ],
      oldestDueSeconds: 12.5,
    });
  });

  it('lists the migrations the database lacks', () => {
    expect(missingMigrations(['a', 'b', 'c'], ['a', 'c'])).toEqual(['b']);
    expect(missingMigrations(['a'], ['a', 'z'])).toEqual([]);
  });

  it('matches only the exact bearer token', () => {
    expect(bearerMatches('Bearer s3cret', 's3cret')).toBe(true);
    expect(bearerMatches('bearer  s3cret ', 's3cret')).toBe(true);
    expect(bearerMatches('Bearer s3cre', 's3cret')).toBe(false);
    expect(bearerMatches('s3cret', 's3cret')).toBe(false);
    expect(bearerMatches(undefined, 's3cret')).toBe(false);
  });
});

describe('holiday calendar', () => {
  const covers = (year: number) => year <= 2026;
  it('warns from 1 November when next year has no data, unless admins declared its days', () => {
    expect(checkCalendar(config, new Date('2026-10-31T12:00:00+08:00'), covers, 0).status).toBe('ok');
    const nov = checkCalendar(config, new Date('2026-11-01T00:30:00+08:00'), covers, 0);
    expect(nov.status).toBe('warn');
    expect(nov.detail).toContain('2027');
    expect(checkCalendar(config, new Date('2026-11-01T00:30:00+08:00'), covers, 3).status).toBe('ok');
    expect(checkCalendar(loadConfig({ HOLIDAYS: 'none' }), new Date('2026-11-02'), covers, 0).status).toBe('ok');
  });
  it('the packaged data covers 2026', () => {
    expect(chineseCalendarCovers(2026)).toBe(true);
  });
});
