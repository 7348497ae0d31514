/**
 * What each command's arguments are, and the parser that reads them (one entry per command in the catalog).
 * To add a command: its catalog entry, its `ParsedCommand` member here, its parser in `PARSERS`, and its runner.
 */
import { clip, type I18nText } from '../../../cards/kit.js';
import { isCalendarDate, MAX_COURSE_NAME } from '../../learning/courses.js';
import { isTimeOfDay } from '../../domain/calendar.js';
import { POLICY_NAMES, policyValue, type PolicyName } from '../../reminders/policy.js';
import {
  KIND_NAMES,
  NOTIFICATION_KINDS,
  ROUTE_KINDS,
  type NotificationKind,
  type RouteKind,
} from '../../domain/notifications.js';
import { BINDABLE_SOURCES, SOURCE_ALIASES, type BindableSource } from '../../domain/sources.js';
import { isIsoDate } from '../../domain/calendar.js';
import type { CommandName } from '../catalog.js';
import { ArgProblem, choice, type Args, type BindTarget, type UserRef } from './args.js';

export type ParsedCommand =
  | { name: 'help' }
  | { name: 'progress' }
  | { name: 'reminders' }
  | { name: 'reminder'; policy: PolicyName; value: number | boolean | number[] }
  | { name: 'course'; courseId: string; courseName: string }
  | { name: 'due'; courseId: string; dueOn: string | null }
  /** Without a kind: list what can be muted and what is muted now. */
  | { name: 'mute'; kind: NotificationKind | null }
  | { name: 'unmute'; kind: NotificationKind | null }
  | { name: 'lang'; lang: 'zh' | 'en' }
  | { name: 'bind'; source: BindableSource; externalUserId: string; target: BindTarget }
  | { name: 'unbind'; source: BindableSource; externalUserId: string }
  | { name: 'bindings'; source: BindableSource | null }
  | { name: 'manager'; learner: UserRef; manager: UserRef | null }
  | {
      name: 'route';
      kind: RouteKind;
      on: boolean;
      /** For tickets: only this helpdesk's tickets (null: all). */ helpdesk: string | null;
    }
  | { name: 'notify'; kind: NotificationKind; on: boolean }
  /** `weekday` (ISO 1–7): that day's rota; `people` empty: cleared. */
  | { name: 'duty'; weekday: number | null; people: UserRef[] }
  | { name: 'lead'; people: UserRef[] }
  | { name: 'escalation'; change: EscalationChange }
  | { name: 'settings'; part: SettingsPart }
  | { name: 'admin'; action: 'add' | 'remove'; user: UserRef }
  | { name: 'admins' }
  | { name: 'status' }
  | { name: 'unresolved' }
  | { name: 'retry' }
  | { name: 'whoami' }
  | { name: 'team' }
  | { name: 'digest'; field: 'day'; value: number }
  | { name: 'digest'; field: 'time'; value: string }
  | { name: 'digest'; field: 'escalate' | 'skip-level'; value: number }
  | { name: 'doctor' }
  | { name: 'schedule' }
  | { name: 'holiday'; action: 'add' | 'remove'; date: string }
  | { name: 'workday'; action: 'add' | 'remove'; date: string };

/** One change to a helpdesk chat's escalation. */
export type EscalationChange =
  | { setting: 'remind' | 'lead'; minutes: number }
  | { setting: 'clock'; clock: 'working' | 'always' }
  | { setting: 'urgent' | 'summary'; on: boolean };

const kindWords = (kind: NotificationKind) => [
  kind,
  KIND_NAMES[kind].singular,
  KIND_NAMES[kind].zh,
  ...(KIND_NAMES[kind].extra ?? []),
];
const kindChoice = <K extends NotificationKind>(kinds: readonly K[]) =>
  choice<K>(
    { zh: '通知类型', en: 'notification kind' },
    { zh: kinds.map((k) => KIND_NAMES[k].zh).join('、'), en: kinds.join(', ') },
    kinds.map((k): [K, string[]] => [k, kindWords(k)]),
  );

const KIND = kindChoice(NOTIFICATION_KINDS);
const ROUTE_KIND = kindChoice(ROUTE_KINDS);
const SOURCE = choice<BindableSource>(
  { zh: '来源', en: 'source' },
  { zh: 'alm、轻速云', en: 'alm, qingsuyun' },
  BINDABLE_SOURCES.map((s) => [s, [s, ...SOURCE_ALIASES[s]]]),
);
const ON_OFF = choice({ zh: '开/关', en: 'on or off' }, { zh: '开、关', en: 'on, off' }, [
  [true, ['on', '开', '开启']],
  [false, ['off', '关', '关闭']],
]);
const HERE_OFF = choice({ zh: '这里/关闭', en: 'here or off' }, { zh: '这里、关闭', en: 'here, off' }, [
  [true, ['here', '这里']],
  [false, ['off', '关闭']],
]);
const LANG = choice<'zh' | 'en'>({ zh: '语言', en: 'language' }, { zh: 'zh、en', en: 'zh, en' }, [
  ['zh', ['zh', '中文']],
  ['en', ['en', '英文']],
]);
const ACTION = choice<'add' | 'remove'>({ zh: '操作', en: 'action' }, { zh: '添加、移除', en: 'add, remove' }, [
  ['add', ['add', '添加']],
  ['remove', ['remove', '移除', '删除']],
]);
const WEEKDAY = choice<number>({ zh: '星期', en: 'weekday' }, { zh: '周一…周日', en: 'mon … sun' }, [
  [1, ['mon', 'monday', '1', '周一', '星期一']],
  [2, ['tue', 'tuesday', '2', '周二', '星期二']],
  [3, ['wed', 'wednesday', '3', '周三', '星期三']],
  [4, ['thu', 'thursday', '4', '周四', '星期四']],
  [5, ['fri', 'friday', '5', '周五', '星期五']],
  [6, ['sat', 'saturday', '6', '周六', '星期六']],
  [7, ['sun', 'sunday', '7', '周日', '星期日', '周天']],
]);
const ESCALATION_SETTING = choice<'remind' | 'lead' | 'clock' | 'urgent' | 'summary'>(
  { zh: '升级设置项', en: 'escalation setting' },
  { zh: '提醒、负责人、计时、加急、晨报', en: 'remind, lead, clock, urgent, summary' },
  [
    ['remind', ['remind', 'duty', '提醒', '值班']],
    ['lead', ['lead', 'leads', '负责人']],
    ['clock', ['clock', '计时']],
    ['urgent', ['urgent', '加急']],
    ['summary', ['summary', '晨报']],
  ],
);
const COUNTING = choice<'working' | 'always'>(
  { zh: '计时方式', en: 'counting' },
  { zh: '工作时间、全天', en: 'working, always' },
  [
    ['working', ['working', '工作时间']],
    ['always', ['always', '全天']],
  ],
);
const PERSON: I18nText = { zh: '同事（@用户）', en: 'person (@user)' };
/** Minutes of a step: 1 to a week of minutes, or "off". */
const MAX_STEP_MINUTES = 7 * 24 * 60;

/** People named by @mention or open_id, at least one, each once; or "off" (none). */
function peopleArgs(a: Args, first = a.next(PERSON)): UserRef[] {
  if (OFF.has(first.toLowerCase())) return done(a, []);
  const people = [a.user(PERSON, first)];
  for (let tok = a.maybe(); tok !== undefined; tok = a.maybe()) people.push(a.user(PERSON, tok));
  if (people.length > 20) throw new ArgProblem({ zh: '最多 20 位同事', en: 'At most 20 people' });
  return people.filter((p, i) => people.findIndex((q) => q.openId === p.openId) === i);
}

const CLEAR = new Set(['clear', '清除']);
/** Which settings card: every setting, routes and people, or courses. */
export type SettingsPart = 'all' | 'routes' | 'courses';
const SETTINGS_PART = choice<'routes' | 'courses'>(
  { zh: '设置页', en: 'settings page' },
  { zh: '路由、课程', en: 'routes, courses' },
  [
    ['routes', ['routes', 'route', 'people', '路由', '人员']],
    ['courses', ['courses', 'course', '课程']],
  ],
);
const OFF = new Set(['off', '关闭', '关', '清除', 'clear']);
const COURSE_FIELD = choice<'name'>({ zh: '课程设置项', en: 'course setting' }, { zh: '名称', en: 'name' }, [
  ['name', ['name', '名称']],
]);
const POLICY = choice<PolicyName>(
  { zh: '提醒规则', en: 'reminder policy' },
  { zh: POLICY_NAMES.join('、'), en: POLICY_NAMES.join(', ') },
  POLICY_NAMES.map((n) => [n, [n]]),
);
const POLICY_VALUE: I18nText = { zh: '值', en: 'value' };
const POLICY_HINTS: Record<PolicyName, I18nText> = {
  'stalled-days': { zh: '1 到 365 天', en: '1 to 365 days' },
  'repeat-days': { zh: '1 到 365 天', en: '1 to 365 days' },
  max: { zh: '0 到 20 次', en: '0 to 20 reminders' },
  'self-enrolled': { zh: '开 或 关', en: 'on or off' },
  'due-days': {
    zh: '逗号分隔的天数，负数表示截止之后，如 7,3,1,-1；或「关」',
    en: 'days before the due date separated by commas, negative after it, e.g. 7,3,1,-1; or "off"',
  },
};

/** The typed value as the policy reads it (checked by `policyValue`). */
function readPolicyValue(policy: PolicyName, tok: string): unknown {
  const word = tok.toLowerCase();
  if (policy === 'self-enrolled') return ON_OFF.words.get(word);
  if (policy === 'due-days') {
    if (OFF.has(word) || word === 'none') return [];
    const parts = tok.split(/[,，]/);
    return parts.every((p) => /^-?\d{1,3}$/.test(p)) ? parts.map(Number) : undefined;
  }
  return /^\d{1,4}$/.test(tok) ? Number(tok) : undefined;
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DIGEST_FIELD = choice<'day' | 'time' | 'escalate' | 'skip-level'>(
  { zh: '周报设置项', en: 'digest setting' },
  { zh: 'day、time、escalate、skip-level', en: 'day, time, escalate, skip-level' },
  [
    ['day', ['day', '日']],
    ['time', ['time', '时间']],
    ['escalate', ['escalate', 'escalation', '升级']],
    ['skip-level', ['skip-level', 'skip', '上级']],
  ],
);
const COURSE_ID: I18nText = { zh: '课程 ID', en: 'course id' };
const DUE_DATE: I18nText = { zh: '截止日期（YYYY-MM-DD 或「关闭」）', en: 'due date (YYYY-MM-DD or "off")' };

/** A course id as a source writes it: letters, digits and `:_.-`, at most 128 characters. */
function courseIdArg(a: Args): string {
  const tok = a.next(COURSE_ID);
  if (!/^[A-Za-z0-9:_.-]{1,128}$/.test(tok))
    throw new ArgProblem({
      zh: `「${clip(tok, 32)}」不是有效的课程 ID`,
      en: `"${clip(tok, 32)}" is not a valid course id`,
    });
  return tok;
}
const LEARNER: I18nText = { zh: '学员', en: 'learner' };
const MANAGER: I18nText = { zh: '经理（@用户、open_id 或「清除」）', en: 'manager (@user, open_id or "clear")' };
const USER: I18nText = { zh: '用户', en: 'user' };

type Parsers = { [K in CommandName]: (a: Args) => Extract<ParsedCommand, { name: K }> };

/** Reads each command's arguments; `a.end()` refuses extra ones. */
export const PARSERS: Parsers = {
  help: (a) => (a.end(), { name: 'help' }),
  progress: (a) => (a.end(), { name: 'progress' }),
  reminders: (a) => (a.end(), { name: 'reminders' }),
  reminder: (a) => {
    const policy = a.oneOf(POLICY);
    const tok = a.next(POLICY_VALUE);
    const value = policyValue(policy, readPolicyValue(policy, tok));
    if (value === undefined)
      throw new ArgProblem({
        zh: `「${clip(tok, 32)}」不是 ${policy} 的有效值：${POLICY_HINTS[policy].zh}`,
        en: `"${clip(tok, 32)}" is not a valid value for ${policy}: ${POLICY_HINTS[policy].en}`,
      });
    return done(a, { name: 'reminder', policy, value });
  },
  course: (a) => {
    a.oneOf(COURSE_FIELD);
    const courseId = courseIdArg(a);
    const words: string[] = [];
    for (let tok = a.maybe(); tok !== undefined; tok = a.maybe()) words.push(tok);
    const courseName = words.join(' ');
    if (courseName === '') throw new ArgProblem({ zh: '缺少课程名称', en: 'Missing course name' });
    if (Array.from(courseName).length > MAX_COURSE_NAME)
      throw new ArgProblem({
        zh: `课程名称最多 ${MAX_COURSE_NAME} 个字`,
        en: `A course name has at most ${MAX_COURSE_NAME} characters`,
      });
    return { name: 'course', courseId, courseName };
  },
  due: (a) => {
    const courseId = courseIdArg(a);
    const tok = a.next(DUE_DATE);
    if (OFF.has(tok.toLowerCase())) return done(a, { name: 'due', courseId, dueOn: null });
    if (!isCalendarDate(tok))
      throw new ArgProblem({
        zh: `「${clip(tok, 32)}」不是有效的日期，请写成 YYYY-MM-DD，或写「关闭」取消`,
        en: `"${clip(tok, 32)}" is not a valid date: write YYYY-MM-DD, or "off" to clear it`,
      });
    return done(a, { name: 'due', courseId, dueOn: tok });
  },
  mute: (a) => done(a, { name: 'mute', kind: optionalKind(a) }),
  unmute: (a) => done(a, { name: 'unmute', kind: optionalKind(a) }),
  lang: (a) => done(a, { name: 'lang', lang: a.oneOf(LANG) }),
  bind: (a) => {
    const source = a.oneOf(SOURCE);
    return done(a, { name: 'bind', source, externalUserId: a.externalUserId(source), target: a.bindTarget() });
  },
  unbind: (a) => {
    const source = a.oneOf(SOURCE);
    return done(a, { name: 'unbind', source, externalUserId: a.externalUserId(source) });
  },
  bindings: (a) => {
    const tok = a.maybe();
    return done(a, { name: 'bindings', source: tok === undefined ? null : a.oneOf(SOURCE, tok) });
  },
  manager: (a) => {
    const learner = a.user(LEARNER);
    const tok = a.next(MANAGER);
    const manager = CLEAR.has(tok.toLowerCase()) ? null : a.user(MANAGER, tok);
    if (manager?.openId === learner.openId)
      throw new ArgProblem({ zh: '学员不能是自己的经理', en: 'A learner cannot be their own manager' });
    return done(a, { name: 'manager', learner, manager });
  },
  route: (a) => {
    const tok = a.next(ROUTE_KIND.label);
    if (KIND.words.get(tok.toLowerCase()) === 'checkins') {
      throw new ArgProblem({
        zh: '打卡通知只发给本人，不能发到群里',
        en: 'Check-ins go to each person only and cannot be routed to a chat',
      });
    }
    if (KIND.words.get(tok.toLowerCase()) === 'reminders') {
      throw new ArgProblem({
        zh: '学习提醒只发给本人，不能发到群里',
        en: 'Reminders go to each learner only and cannot be routed to a chat',
      });
    }
    const personal = KIND.words.get(tok.toLowerCase());
    if (personal === 'digest' || personal === 'escalations') {
      throw new ArgProblem({
        zh: '团队周报和逾期升级只发给经理本人，不能发到群里',
        en: 'Digests and escalations go to each manager only and cannot be routed to a chat',
      });
    }
    const kind = a.oneOf(ROUTE_KIND, tok);
    const on = a.oneOf(HERE_OFF);
    const scope = kind === 'tickets' && on ? a.maybe() : undefined;
    if (scope !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(scope)) {
      throw new ArgProblem({
        zh: '服务台 ID 只能包含字母、数字、_ 和 -',
        en: 'A helpdesk id has only letters, digits, _ and -',
      });
    }
    return done(a, { name: 'route', kind, on, helpdesk: scope ?? null });
  },
  notify: (a) => done(a, { name: 'notify', kind: a.oneOf(KIND), on: a.oneOf(ON_OFF) }),
  duty: (a) => {
    const tok = a.next(PERSON);
    const weekday = WEEKDAY.words.get(tok.toLowerCase());
    if (weekday !== undefined) return { name: 'duty', weekday, people: peopleArgs(a) };
    return { name: 'duty', weekday: null, people: peopleArgs(a, tok) };
  },
  lead: (a) => ({ name: 'lead', people: peopleArgs(a) }),
  escalation: (a) => {
    const setting = a.oneOf(ESCALATION_SETTING);
    if (setting === 'clock') return done(a, { name: 'escalation', change: { setting, clock: a.oneOf(COUNTING) } });
    if (setting === 'urgent' || setting === 'summary')
      return done(a, { name: 'escalation', change: { setting, on: a.oneOf(ON_OFF) } });
    const tok = a.next({ zh: '分钟数或「关闭」', en: 'minutes or "off"' });
    const minutes = OFF.has(tok.toLowerCase()) ? 0 : /^\d{1,5}$/.test(tok) ? Number(tok) : NaN;
    if (!Number.isInteger(minutes) || minutes > MAX_STEP_MINUTES)
      throw new ArgProblem({
        zh: `「${clip(tok, 32)}」不是有效的分钟数（1 到 ${MAX_STEP_MINUTES}，或「关闭」）`,
        en: `"${clip(tok, 32)}" is not a number of minutes (1 to ${MAX_STEP_MINUTES}, or "off")`,
      });
    return done(a, { name: 'escalation', change: { setting, minutes } });
  },
  settings: (a) => {
    const tok = a.maybe();
    return done(a, { name: 'settings', part: tok === undefined ? 'all' : a.oneOf(SETTINGS_PART, tok) });
  },
  admin: (a) => done(a, { name: 'admin', action: a.oneOf(ACTION), user: a.user(USER) }),
  admins: (a) => (a.end(), { name: 'admins' }),
  status: (a) => (a.end(), { name: 'status' }),
  unresolved: (a) => (a.end(), { name: 'unresolved' }),
  retry: (a) => (a.end(), { name: 'retry' }),
  whoami: (a) => (a.end(), { name: 'whoami' }),
  team: (a) => (a.end(), { name: 'team' }),
  digest: (a) => {
    const field = a.oneOf(DIGEST_FIELD);
    const tok = a.next(POLICY_VALUE);
    if (field === 'escalate' || field === 'skip-level') {
      const min = field === 'escalate' ? 1 : 0;
      const n = /^\d{1,3}$/.test(tok) ? Number(tok) : OFF.has(tok.toLowerCase()) && field === 'skip-level' ? 0 : NaN;
      if (!(n >= min && n <= 365))
        throw new ArgProblem({
          zh: `「${clip(tok, 32)}」不是 ${min} 到 365 的天数`,
          en: `"${clip(tok, 32)}" is not ${min} to 365 days`,
        });
      return done(a, { name: 'digest', field, value: n });
    }
    if (field === 'time') {
      if (!/^\d{1,2}:\d{2}$/.test(tok) || !isTimeOfDay(tok) || tok.padStart(5, '0') >= '24:00')
        throw new ArgProblem({
          zh: `「${clip(tok, 32)}」不是有效的时间（HH:mm）`,
          en: `"${clip(tok, 32)}" is not a time (HH:mm)`,
        });
      return done(a, { name: 'digest', field, value: tok.padStart(5, '0') });
    }
    const day = WEEKDAYS.indexOf(tok.toLowerCase().slice(0, 3)) + 1 || (/^[1-7]$/.test(tok) ? Number(tok) : 0);
    if (!day)
      throw new ArgProblem({
        zh: `「${clip(tok, 32)}」不是星期几（1–7 或 mon…sun）`,
        en: `"${clip(tok, 32)}" is not a weekday (1–7 or mon…sun)`,
      });
    return done(a, { name: 'digest', field, value: day });
  },
  doctor: (a) => (a.end(), { name: 'doctor' }),
  schedule: (a) => (a.end(), { name: 'schedule' }),
  holiday: (a) => done(a, { name: 'holiday', action: a.oneOf(ACTION), date: isoDate(a) }),
  workday: (a) => done(a, { name: 'workday', action: a.oneOf(ACTION), date: isoDate(a) }),
};

function optionalKind(a: Args): NotificationKind | null {
  const tok = a.maybe();
  return tok === undefined ? null : a.oneOf(KIND, tok);
}

const DATE: I18nText = { zh: '日期（YYYY-MM-DD）', en: 'date (YYYY-MM-DD)' };

/** A real calendar date written YYYY-MM-DD. */
function isoDate(a: Args): string {
  const tok = a.next(DATE);
  if (!isIsoDate(tok)) {
    throw new ArgProblem({
      zh: '日期要写成 YYYY-MM-DD，例如 2026-10-10',
      en: 'Write the date as YYYY-MM-DD, e.g. 2026-10-10',
    });
  }
  return tok;
}

/** Checks nothing is left over, then returns the command (its fields were read in order). */
function done<T>(a: Args, command: T): T {
  a.end();
  return command;
}
