/**
 * The `settings` card: every setting an admin changes, as a form with the values in force as its initial values,
 * grouped (notifications, reminders, digests, working hours and holidays, helpdesk escalation, languages). One
 * submit saves the whole form. Pure: data in, card JSON out.
 */
import { markdown, note, t, weekdayText, type I18nText } from './kit.js';
import {
  chatHeading,
  checker,
  datePicker,
  fieldLabel,
  form,
  formCard,
  multiSelectStatic,
  selectStatic,
  submitButton,
  textInput,
  timePicker,
  type Option,
} from './forms.js';

export type DeskClock = 'working' | 'always';

export interface DeskForm {
  chatId: string;
  name: string | null;
  remindAfter: number;
  leadAfter: number;
  clock: DeskClock;
  urgent: boolean;
  summary: boolean;
}

export interface SettingsFormInput {
  notify: { kind: string; name: I18nText; on: boolean }[];
  reminders: {
    stalledDays: number;
    repeatDays: number;
    maxStalled: number;
    selfEnrolled: boolean;
    dueDays: number[];
    dailyCap: number;
  };
  digest: { day: number; time: string };
  escalation: { managerDays: number; skipLevelDays: number };
  hours: { start: string; end: string; weekdays: number[]; zone: string };
  /** The admins' day overrides from today on (the first ones), and how many more there are. */
  calendar: { days: { date: string; kind: 'holiday' | 'workday' }[]; more: number };
  /** The chats that receive tickets (the first ones), and how many more there are. */
  desks: DeskForm[];
  moreDesks: number;
  /** The admin's own card language; null: both. */
  lang: 'zh' | 'en' | null;
  /** What the last submit did, shown at the top of the answer card. */
  outcome?: I18nText;
  /** Read-only facts shown under the form (admins, configured sources). */
  info?: I18nText;
}

/** The form's name and its submit button's name. */
export const SETTINGS_FORM = 'settings_form';
export const SETTINGS_SUBMIT = 'settings_submit';

/** The names of the form's components (each unique in the card). */
export const SETTINGS_FIELDS = {
  notify: (kind: string) => `notify_${kind}`,
  stalledDays: 'stalled_days',
  repeatDays: 'repeat_days',
  maxStalled: 'max_reminders',
  selfEnrolled: 'self_enrolled',
  dueDays: 'due_days',
  dailyCap: 'daily_cap',
  digestDay: 'digest_day',
  digestTime: 'digest_time',
  managerDays: 'escalate_days',
  skipLevelDays: 'skip_level_days',
  windowStart: 'window_start',
  windowEnd: 'window_end',
  weekdays: 'working_weekdays',
  holidayAdd: 'holiday_add',
  workdayAdd: 'workday_add',
  calendarRemove: 'calendar_remove',
  deskRemind: (i: number) => `desk${i}_remind`,
  deskLead: (i: number) => `desk${i}_lead`,
  deskClock: (i: number) => `desk${i}_clock`,
  deskUrgent: (i: number) => `desk${i}_urgent`,
  deskSummary: (i: number) => `desk${i}_summary`,
  lang: 'card_lang',
} as const;

export const WEEKDAY_OPTIONS: readonly Option[] = [1, 2, 3, 4, 5, 6, 7].map((d) => ({
  value: String(d),
  text: weekdayText(d),
}));

const CLOCK_OPTIONS: readonly Option[] = [
  { value: 'working', text: t('只计工作时间', 'Working time only') },
  { value: 'always', text: t('全天计时', 'Around the clock') },
];

const LANG_OPTIONS: readonly Option[] = [
  { value: 'zh', text: t('中文', 'Chinese') },
  { value: 'en', text: t('英文', 'English') },
];

const heading = (text: I18nText) => markdown({ zh: `**${text.zh}**`, en: `**${text.en}**` });
const pickTime = t('选择时间', 'Pick a time');
const pickDate = t('选择日期', 'Pick a date');

export function settingsFormCard(input: SettingsFormInput): Record<string, unknown> {
  const F = SETTINGS_FIELDS;
  const r = input.reminders;
  const elements: Record<string, unknown>[] = [
    heading(t('通知（对所有人）', 'Notifications (for everyone)')),
    ...input.notify.map((k) => checker({ name: F.notify(k.kind), text: k.name, checked: k.on })),

    heading(t('学习提醒', 'Learning reminders')),
    textInput({
      name: F.stalledDays,
      label: t('未学习多少天后提醒（指派的课程，1–365）', 'Days without progress before a reminder (1–365)'),
      value: String(r.stalledDays),
      maxLength: 3,
    }),
    textInput({
      name: F.repeatDays,
      label: t('再次提醒间隔天数（1–365）', 'Days between reminders (1–365)'),
      value: String(r.repeatDays),
      maxLength: 3,
    }),
    textInput({
      name: F.maxStalled,
      label: t('每门课程最多提醒次数（0–20）', 'Reminders per course at most (0–20)'),
      value: String(r.maxStalled),
      maxLength: 2,
    }),
    textInput({
      name: F.dueDays,
      label: t(
        '截止日期前几天提醒（逗号分隔，负数为之后）',
        'Days before the due date (comma-separated; negative: after)',
      ),
      value: r.dueDays.join(','),
      placeholder: t('例如 7,3,1,-1', 'e.g. 7,3,1,-1'),
      maxLength: 60,
    }),
    textInput({
      name: F.dailyCap,
      label: t('每人每天最多提醒条数（0–20）', 'Reminders per person per day at most (0–20)'),
      value: String(r.dailyCap),
      maxLength: 2,
    }),
    checker({
      name: F.selfEnrolled,
      text: t('自主报名的课程也提醒', 'Remind of self-enrolled courses too'),
      checked: r.selfEnrolled,
    }),

    heading(t('经理周报与逾期升级', 'Team digest and escalation')),
    fieldLabel(t('周报发送日', 'Digest day')),
    selectStatic({ name: F.digestDay, options: WEEKDAY_OPTIONS, value: String(input.digest.day) }),
    fieldLabel(t('周报发送时间（经理所在时区）', "Digest time (in each manager's zone)")),
    timePicker({ name: F.digestTime, value: input.digest.time, placeholder: pickTime }),
    textInput({
      name: F.managerDays,
      label: t('逾期多少天告知经理（1–365）', 'Days overdue before the manager is told (1–365)'),
      value: String(input.escalation.managerDays),
      maxLength: 3,
    }),
    textInput({
      name: F.skipLevelDays,
      label: t(
        '逾期多少天告知经理的上级（0 为不告知）',
        "Days overdue before the manager's manager is told (0: never)",
      ),
      value: String(input.escalation.skipLevelDays),
      maxLength: 3,
    }),

    heading(t('工作时间与节假日', 'Working hours and holidays')),
    note(
      t(
        `提醒、周报和工单升级只在工作日的这段时间内发送（${input.hours.zone}，每人按自己的时区）。`,
        `Reminders, digests and ticket escalations go on working days within these hours ` +
          `(${input.hours.zone}, or each person's own zone).`,
      ),
    ),
    fieldLabel(t('开始时间', 'Opens at')),
    timePicker({ name: F.windowStart, value: input.hours.start, placeholder: pickTime }),
    fieldLabel(t('结束时间', 'Closes at')),
    timePicker({ name: F.windowEnd, value: input.hours.end, placeholder: pickTime }),
    fieldLabel(t('工作日', 'Working weekdays')),
    multiSelectStatic({
      name: F.weekdays,
      options: WEEKDAY_OPTIONS,
      values: input.hours.weekdays.map(String),
      required: true,
    }),
    fieldLabel(t('新增休息日', 'Add a day off')),
    datePicker({ name: F.holidayAdd, value: null, placeholder: pickDate }),
    fieldLabel(t('新增调休工作日', 'Add a working day')),
    datePicker({ name: F.workdayAdd, value: null, placeholder: pickDate }),
    ...calendarElements(input),

    heading(t('服务台升级（每个接收工单的群）', 'Helpdesk escalation (per chat receiving tickets)')),
    ...deskElements(input),

    heading(t('语言', 'Languages')),
    fieldLabel(t('我的卡片语言（未选择时显示中英双语）', 'My card language (both when none is chosen)')),
    selectStatic({ name: F.lang, options: LANG_OPTIONS, value: input.lang }),

    submitButton(SETTINGS_SUBMIT, t('保存', 'Save'), {
      action: 'form',
      form: 'settings',
      chats: input.desks.map((d) => d.chatId),
    }),
  ];
  const title = t('设置', 'Settings');
  return formCard(title, input.outcome, [
    form(SETTINGS_FORM, elements),
    ...(input.info ? [markdown(input.info, 'info')] : []),
    note(
      t(
        '路由、值班人和负责人：发送「设置 路由」。课程名称和截止日期：发送「设置 课程」。输入命令仍然可用。',
        'Routes, people on duty and leads: send "settings routes". Course names and due dates: send ' +
          '"settings courses". Typed commands keep working.',
      ),
      'more',
    ),
  ]);
}

function calendarElements(input: SettingsFormInput): Record<string, unknown>[] {
  const { days, more } = input.calendar;
  if (days.length === 0) return [note(t('没有设置过休息日或调休工作日。', 'No day off or working day is set.'))];
  const kindText = (kind: 'holiday' | 'workday') =>
    kind === 'holiday' ? t('休息日', 'day off') : t('工作日', 'working day');
  return [
    fieldLabel(t('取消已设置的日期（选中的将被取消）', 'Remove set days (those chosen are removed)')),
    multiSelectStatic({
      name: SETTINGS_FIELDS.calendarRemove,
      options: days.map((d) => ({
        value: d.date,
        text: t(`${d.date} ${kindText(d.kind).zh}`, `${d.date} ${kindText(d.kind).en}`),
      })),
      values: [],
      placeholder: t('选择要取消的日期', 'Choose days to remove'),
    }),
    ...(more > 0 ? [note(t(`另有 ${more} 个日期未列出。`, `${more} more days are not listed.`))] : []),
  ];
}

function deskElements(input: SettingsFormInput): Record<string, unknown>[] {
  const F = SETTINGS_FIELDS;
  if (input.desks.length === 0)
    return [
      note(t('没有接收工单的群（在群里发送「路由 工单 这里」）。', 'No chat receives tickets ("route tickets here").')),
    ];
  const out: Record<string, unknown>[] = [];
  input.desks.forEach((d, i) => {
    out.push(
      chatHeading(d),
      textInput({
        name: F.deskRemind(i),
        label: t(
          '无人认领多少分钟后提醒值班人（0 为不提醒）',
          'Minutes unclaimed before on-duty people are pinged (0: never)',
        ),
        value: String(d.remindAfter),
        maxLength: 5,
      }),
      textInput({
        name: F.deskLead(i),
        label: t(
          '无人认领多少分钟后告知负责人（0 为不告知）',
          'Minutes unclaimed before the leads are told (0: never)',
        ),
        value: String(d.leadAfter),
        maxLength: 5,
      }),
      fieldLabel(t('计时方式', 'How unclaimed time counts')),
      selectStatic({ name: F.deskClock(i), options: CLOCK_OPTIONS, value: d.clock }),
      checker({
        name: F.deskUrgent(i),
        text: t('告知负责人时加急', 'Urgent when the leads are told'),
        checked: d.urgent,
      }),
      checker({
        name: F.deskSummary(i),
        text: t('工作日早上发送晨报', 'Morning summary on working days'),
        checked: d.summary,
      }),
    );
  });
  if (input.moreDesks > 0)
    out.push(
      note(
        t(
          `另有 ${input.moreDesks} 个群未列出：在那些群里用「升级」命令设置。`,
          `${input.moreDesks} more chats are not listed: use "escalation" in those chats.`,
        ),
      ),
    );
  return out;
}
