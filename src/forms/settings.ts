/**
 * The `settings` form: what it shows (the values in force) and what a submit of it changes. Every value is written
 * by the same functions the typed commands use.
 */
import { DateTime } from 'luxon';
import { t, type I18nText } from '../../cards/kit.js';
import { SETTINGS_FIELDS as F, type SettingsFormInput } from '../../cards/settings-form.js';
import { windowPolicy, type Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { Tx } from '../db/tx.js';
import { notifySettingKey } from '../domain/keys.js';
import { KIND_NAMES, NOTIFICATION_KINDS, isLang } from '../domain/notifications.js';
import { addCalendarDay, HOURS_SETTINGS, removeCalendarDay, workingHours } from '../jobs/calendar-days.js';
import { DAILY_CAP_SETTING } from '../jobs/runner.js';
import { changeDesk, desksOf, type DeskChange } from '../recipients/desks.js';
import { setLang } from '../recipients/preferences.js';
import { routedChats } from '../recipients/routes.js';
import { policySettingKey, readPolicy } from '../reminders/policy.js';
import { writeSetting } from '../settings/store.js';
import { readTeamPolicy, TEAM_SETTINGS } from '../team/settings.js';
import { replanAfterCalendarChange, replanAfterTeamPolicy, replanRecordsOnce } from '../team/policy-change.js';
import type { FormChange, FormSubmit } from './changes.js';
import {
  bool,
  calendarDate,
  field,
  FormProblem,
  intExpected,
  intListText,
  intText,
  oneOf,
  someOf,
  timeOfDay,
} from './values.js';

/** At most this many chats receiving tickets are on the form; at most this many set days are offered to remove. */
export const MAX_FORM_DESKS = 5;
export const MAX_FORM_DAYS = 30;
/** The largest number of minutes a helpdesk escalation step may wait (as the typed command allows). */
const MAX_STEP_MINUTES = 10_080;

type Reader = Db | Tx;

/** Today in the tenant's zone, "YYYY-MM-DD". */
const today = (config: Config, now: Date) =>
  DateTime.fromJSDate(now, { zone: config.DEFAULT_TIME_ZONE }).toFormat('yyyy-MM-dd');

/** `chats` with `first` moved to the front, when it is one of them (the chat a form was asked for in). */
export const firstIn = (chats: string[], first: string | undefined): string[] =>
  first && chats.includes(first) ? [first, ...chats.filter((c) => c !== first)] : chats;

/**
 * The form's content: the values in force now (chat names are looked up by the caller). `firstChat`: the chat the
 * form was asked for in, listed first among the chats receiving tickets.
 */
export async function settingsFormInput(
  db: Reader,
  config: Config,
  openId: string,
  now: Date,
  chatNames: Map<string, string> = new Map(),
  firstChat?: string,
): Promise<SettingsFormInput> {
  const settings = await db.setting.findMany({
    where: { key: { in: [...NOTIFICATION_KINDS.map(notifySettingKey), DAILY_CAP_SETTING] } },
  });
  const value = (key: string) => settings.find((s) => s.key === key)?.value;
  const policy = await readPolicy(db);
  const team = await readTeamPolicy(db);
  const hours = await workingHours(db, windowPolicy(config));
  const from = today(config, now);
  const days = await db.calendarDay.findMany({
    where: { date: { gte: from } },
    orderBy: { date: 'asc' },
    take: MAX_FORM_DAYS,
  });
  const allDays = await db.calendarDay.count({ where: { date: { gte: from } } });
  const chats = firstIn(await routedChats(db, 'tickets'), firstChat);
  const desks = await desksOf(db, config, chats.slice(0, MAX_FORM_DESKS));
  const pref = await db.userPreference.findUnique({ where: { openId }, select: { lang: true } });
  const cap = value(DAILY_CAP_SETTING);
  return {
    notify: NOTIFICATION_KINDS.map((kind) => ({
      kind,
      name: t(KIND_NAMES[kind].zh, KIND_NAMES[kind].en),
      on: value(notifySettingKey(kind)) !== false,
    })),
    reminders: {
      stalledDays: policy.stalledDays,
      repeatDays: policy.repeatDays,
      maxStalled: policy.maxStalled,
      selfEnrolled: policy.selfEnrolled,
      dueDays: policy.dueDays,
      dailyCap: typeof cap === 'number' && Number.isInteger(cap) && cap >= 0 ? cap : config.REMINDER_DAILY_CAP,
    },
    digest: { day: team.digestDay, time: team.digestTime },
    escalation: { managerDays: team.escalateDays, skipLevelDays: team.skipLevelDays },
    hours: { ...hours, zone: config.DEFAULT_TIME_ZONE },
    calendar: {
      days: days.map((d) => ({ date: d.date, kind: d.kind === 'workday' ? 'workday' : 'holiday' })),
      more: allDays - days.length,
    },
    desks: desks.map((d) => ({
      chatId: d.chatId,
      name: chatNames.get(d.chatId) ?? null,
      remindAfter: d.remindAfter,
      leadAfter: d.leadAfter,
      clock: d.clock,
      urgent: d.urgent,
      summary: d.summary,
    })),
    moreDesks: Math.max(0, chats.length - MAX_FORM_DESKS),
    lang: isLang(pref?.lang) ? pref.lang : null,
  };
}

const WEEKDAYS = ['1', '2', '3', '4', '5', '6', '7'];

/**
 * What a submit changes, checked in full before anything is written: one change per field whose value differs
 * from the one in force. Throws FormProblem for the first value that does not fit.
 */
export async function settingsChanges(submit: FormSubmit): Promise<FormChange[]> {
  const { tx, config, openId, now, form } = submit;
  const current = await settingsFormInput(tx, config, openId, now);
  const changes: FormChange[] = [];
  const add = <T>(name: string, before: T, after: T | undefined, write: (tx: Tx, v: T) => Promise<void>) => {
    if (after === undefined || JSON.stringify(before) === JSON.stringify(after)) return;
    changes.push({ field: name, before, after, write: (tx) => write(tx, after) });
  };
  const setting = (key: string) => (tx: Tx, v: unknown) => writeSetting(tx, key, v as never, openId);
  // A reminder rule re-plans every record's reminders in the background; a team policy moves the digests not yet
  // sent or re-plans escalations (see replanAfterTeamPolicy). One re-plan of the records serves the whole submit.
  const replanRecords = replanRecordsOnce();
  const reminderRule = (key: string) => async (tx: Tx, v: unknown) => {
    await writeSetting(tx, key, v as never, openId);
    await replanRecords(tx, now);
  };
  const teamSetting = (key: string) => async (tx: Tx, v: unknown) => {
    const before = await readTeamPolicy(tx);
    await writeSetting(tx, key, v as never, openId);
    await replanAfterTeamPolicy(tx, before, await readTeamPolicy(tx), now, replanRecords);
  };

  for (const k of current.notify) {
    const on = field(form, F.notify(k.kind), k.name, bool, t('应为勾选或不勾选', 'checked or not'));
    add(F.notify(k.kind), k.on, on, teamSetting(notifySettingKey(k.kind as (typeof NOTIFICATION_KINDS)[number])));
  }

  const r = current.reminders;
  const days = (name: string, label: I18nText, min: number, max: number) =>
    field(form, name, label, intText(min, max), intExpected(min, max));
  add(
    F.stalledDays,
    r.stalledDays,
    days(F.stalledDays, t('未学习提醒天数', 'Days without progress'), 1, 365),
    reminderRule(policySettingKey('stalled-days')),
  );
  add(
    F.repeatDays,
    r.repeatDays,
    days(F.repeatDays, t('再次提醒间隔天数', 'Days between reminders'), 1, 365),
    reminderRule(policySettingKey('repeat-days')),
  );
  add(
    F.maxStalled,
    r.maxStalled,
    days(F.maxStalled, t('每门课程最多提醒次数', 'Reminders per course'), 0, 20),
    reminderRule(policySettingKey('max')),
  );
  add(
    F.dailyCap,
    r.dailyCap,
    days(F.dailyCap, t('每人每天最多提醒条数', 'Reminders per day'), 0, 20),
    setting(DAILY_CAP_SETTING),
  );
  const dueDays = field(
    form,
    F.dueDays,
    t('截止日期前几天提醒', 'Days before the due date'),
    intListText(-30, 90, 10),
    t('应为逗号分隔的整数（-30 到 90，最多 10 个）', 'whole numbers −30 to 90, comma-separated, at most 10'),
  );
  add(F.dueDays, r.dueDays, dueDays, reminderRule(policySettingKey('due-days')));
  const self = field(
    form,
    F.selfEnrolled,
    t('自主报名的课程也提醒', 'Self-enrolled courses'),
    bool,
    t('应为勾选或不勾选', 'checked or not'),
  );
  add(F.selfEnrolled, r.selfEnrolled, self, reminderRule(policySettingKey('self-enrolled')));

  const day = field(
    form,
    F.digestDay,
    t('周报发送日', 'Digest day'),
    oneOf(WEEKDAYS),
    t('应为周一到周日', 'a weekday'),
  );
  add(
    F.digestDay,
    current.digest.day,
    day === undefined ? undefined : Number(day),
    teamSetting(TEAM_SETTINGS.digestDay),
  );
  const time = field(
    form,
    F.digestTime,
    t('周报发送时间', 'Digest time'),
    timeOfDay,
    t('应为时间，如 09:30', 'a time such as 09:30'),
  );
  add(F.digestTime, current.digest.time, time, teamSetting(TEAM_SETTINGS.digestTime));
  add(
    F.managerDays,
    current.escalation.managerDays,
    days(F.managerDays, t('逾期告知经理天数', 'Days before the manager'), 1, 365),
    teamSetting(TEAM_SETTINGS.escalateDays),
  );
  add(
    F.skipLevelDays,
    current.escalation.skipLevelDays,
    days(F.skipLevelDays, t('逾期告知上级天数', "Days before the manager's manager"), 0, 365),
    teamSetting(TEAM_SETTINGS.skipLevelDays),
  );

  const timeExpected = t('应为时间，如 09:00', 'a time such as 09:00');
  const start = field(form, F.windowStart, t('开始时间', 'Opens at'), timeOfDay, timeExpected);
  const end = field(form, F.windowEnd, t('结束时间', 'Closes at'), timeOfDay, timeExpected);
  if ((start ?? current.hours.start) >= (end ?? current.hours.end))
    throw new FormProblem(
      t(
        `工作时间的开始（${start ?? current.hours.start}）必须早于结束（${end ?? current.hours.end}）。`,
        `Working hours must open (${start ?? current.hours.start}) before they close (${end ?? current.hours.end}).`,
      ),
    );
  add(F.windowStart, current.hours.start, start, setting(HOURS_SETTINGS.start));
  add(F.windowEnd, current.hours.end, end, setting(HOURS_SETTINGS.end));
  const weekdays = field(
    form,
    F.weekdays,
    t('工作日', 'Working weekdays'),
    someOf(WEEKDAYS).refine((v) => v.length > 0),
    t('至少选择一天', 'at least one day'),
  );
  add(
    F.weekdays,
    current.hours.weekdays,
    weekdays?.map(Number).sort((a, b) => a - b),
    setting(HOURS_SETTINGS.weekdays),
  );

  const dateExpected = t('应为日期，如 2026-10-01', 'a date such as 2026-10-01');
  const holiday = field(form, F.holidayAdd, t('新增休息日', 'Add a day off'), calendarDate, dateExpected);
  const workday = field(form, F.workdayAdd, t('新增调休工作日', 'Add a working day'), calendarDate, dateExpected);
  if (holiday && holiday === workday)
    throw new FormProblem(
      t(`${holiday} 不能同时是休息日和工作日。`, `${holiday} cannot be both a day off and a working day.`),
    );
  const setDays = await tx.calendarDay.findMany({ select: { date: true, kind: true } });
  const kindOf = (date: string) => setDays.find((d) => d.date === date)?.kind ?? null;
  for (const [date, kind] of [
    [holiday, 'holiday'],
    [workday, 'workday'],
  ] as const) {
    if (!date) continue;
    add<string | null>(`calendar ${date}`, kindOf(date), kind, async (tx) => {
      await addCalendarDay(tx, date, kind, openId);
      await replanAfterCalendarChange(tx, now);
    });
  }
  const offered = current.calendar.days.map((d) => d.date);
  const remove = field(
    form,
    F.calendarRemove,
    t('取消已设置的日期', 'Remove set days'),
    someOf(offered, MAX_FORM_DAYS),
    t('只能选择列出的日期', 'only the days listed'),
  );
  for (const date of remove ?? []) {
    if (date === holiday || date === workday) continue;
    const kind = kindOf(date);
    if (!kind) continue;
    add<string | null>(`calendar ${date}`, kind, null, async (tx) => {
      await removeCalendarDay(tx, date, kind === 'workday' ? 'workday' : 'holiday');
      await replanAfterCalendarChange(tx, now);
    });
  }

  await deskChanges(submit, add);

  const lang = field(
    form,
    F.lang,
    t('我的卡片语言', 'My card language'),
    oneOf(['zh', 'en']),
    t('应为中文或英文', 'Chinese or English'),
  );
  add(F.lang, current.lang, lang as 'zh' | 'en' | undefined, async (tx, v) => {
    if (v) await setLang(tx, openId, v);
  });
  return changes;
}

type Add = <T>(name: string, before: T, after: T | undefined, write: (tx: Tx, v: T) => Promise<void>) => void;

/** The helpdesk chats' escalation settings. The chats come from the submitted card; each must still receive tickets. */
async function deskChanges(submit: FormSubmit, add: Add): Promise<void> {
  const { tx, config, openId, now, form, button } = submit;
  const chats = Array.isArray(button.chats) ? button.chats.slice(0, MAX_FORM_DESKS) : [];
  if (!chats.every((c): c is string => typeof c === 'string')) throw staleCard();
  const routed = new Set(await routedChats(tx, 'tickets'));
  const missing = chats.find((c) => !routed.has(c));
  if (missing)
    throw new FormProblem(
      t(
        `群 ${missing} 已不再接收工单，什么都没有保存。请重新发送「设置」。`,
        `The chat ${missing} no longer receives tickets, and nothing was saved. Send "settings" again.`,
      ),
    );
  const desks = await desksOf(tx, config, chats);
  const minutes = intText(0, MAX_STEP_MINUTES);
  const minutesExpected = intExpected(0, MAX_STEP_MINUTES);
  desks.forEach((d, i) => {
    const write = (what: (v: never) => DeskChange) => (tx: Tx, v: unknown) =>
      changeDesk(tx, d.chatId, what(v as never), openId, now);
    const label = (zh: string, en: string) => t(`${d.chatId}：${zh}`, `${d.chatId}: ${en}`);
    const remind = field(
      form,
      F.deskRemind(i),
      label('提醒值班人分钟数', 'minutes before pinging'),
      minutes,
      minutesExpected,
    );
    add(
      `${d.chatId} remind`,
      d.remindAfter,
      remind,
      write((v: number) => ({ remindAfter: v })),
    );
    const lead = field(
      form,
      F.deskLead(i),
      label('告知负责人分钟数', 'minutes before the leads'),
      minutes,
      minutesExpected,
    );
    add(
      `${d.chatId} lead`,
      d.leadAfter,
      lead,
      write((v: number) => ({ leadAfter: v })),
    );
    const clock = field(
      form,
      F.deskClock(i),
      label('计时方式', 'clock'),
      oneOf(['working', 'always']),
      t('应为工作时间或全天', 'working or always'),
    );
    add(
      `${d.chatId} clock`,
      d.clock,
      clock as 'working' | 'always' | undefined,
      write((v: 'working' | 'always') => ({ clock: v })),
    );
    const checked = t('应为勾选或不勾选', 'checked or not');
    const urgent = field(form, F.deskUrgent(i), label('加急', 'urgent'), bool, checked);
    add(
      `${d.chatId} urgent`,
      d.urgent,
      urgent,
      write((v: boolean) => ({ urgent: v })),
    );
    const summary = field(form, F.deskSummary(i), label('晨报', 'summary'), bool, checked);
    add(
      `${d.chatId} summary`,
      d.summary,
      summary,
      write((v: boolean) => ({ summary: v })),
    );
  });
}

/** A submit whose card the bot did not build as it is (its button's value does not fit). */
export const staleCard = () =>
  new FormProblem(
    t(
      '这张卡片已过期，什么都没有保存。请重新发送命令。',
      'This card is out of date, and nothing was saved. Send the command again.',
    ),
  );
