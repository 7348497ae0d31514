/**
 * The chat commands the bot understands: names, Chinese aliases, who may use them, and their help text.
 * The parser (`parse.ts`) reads this table, and `helpCardInput` hands it to the help card.
 */
import type { HelpCardInput } from '../../cards/help.js';
import { t, type I18nText } from '../../cards/kit.js';
import { KIND_NAMES, NOTIFICATION_KINDS } from '../domain/notifications.js';

interface CommandSpec {
  /** English name, lower case. */
  readonly name: string;
  /** Chinese alias. */
  readonly zh: string;
  readonly adminOnly: boolean;
  /**
   * Personal or admin content: asked in a group, the answer is shown only to the person who asked (an ephemeral
   * card in that group). Elsewhere, and for other commands, everyone in the chat sees the answer.
   */
  readonly private?: true;
  /** Usage line, starting with the name in that language; `<x>` is required, `[x]` optional. */
  readonly usage: I18nText;
  readonly description: I18nText;
}

/** In the order the help card lists them. */
export const COMMANDS = [
  {
    name: 'help',
    zh: '帮助',
    adminOnly: false,
    usage: t('帮助', 'help'),
    description: t('显示你可以使用的命令', 'Show the commands you can use'),
  },
  {
    name: 'progress',
    zh: '进度',
    adminOnly: false,
    private: true,
    usage: t('进度', 'progress'),
    description: t('查看你在各平台的课程和考试', 'See your courses and exams across platforms'),
  },
  {
    name: 'reminders',
    zh: '提醒',
    adminOnly: false,
    usage: t('提醒', 'reminders'),
    description: t('查看接下来会收到的学习提醒', 'See the learning reminders coming up for you'),
  },
  {
    name: 'mute',
    zh: '静音',
    adminOnly: false,
    private: true,
    usage: t('静音 [类型]', 'mute [kind]'),
    description: t(
      '不再接收某类通知；不带类型时列出可静音的类型',
      'Stop receiving one kind of notification; alone, list the kinds and what is muted',
    ),
  },
  {
    name: 'unmute',
    zh: '取消静音',
    adminOnly: false,
    private: true,
    usage: t('取消静音 [类型]', 'unmute [kind]'),
    description: t('重新接收某类通知', 'Receive a muted kind of notification again'),
  },
  {
    name: 'lang',
    zh: '语言',
    adminOnly: false,
    private: true,
    usage: t('语言 <zh|en>', 'lang <zh|en>'),
    description: t('设置发给你的消息的语言', 'Choose the language of messages sent to you'),
  },
  {
    name: 'team',
    zh: '团队',
    adminOnly: false,
    usage: t('团队', 'team'),
    description: t('经理：团队学习情况', 'Managers: your team'),
  },
  {
    name: 'digest',
    zh: '周报设置',
    adminOnly: true,
    usage: t('周报设置 <day|time|escalate|skip-level> <值>', 'digest <day|time|escalate|skip-level> <value>'),
    description: t('周报时间与逾期升级天数', 'Digest time, escalation days'),
  },
  {
    name: 'whoami',
    zh: '我是谁',
    adminOnly: false,
    private: true,
    usage: t('我是谁', 'whoami'),
    description: t(
      '查看你的 open_id、user_id 和 union_id（在群里还有本群的 chat_id）',
      "Show your open_id, user_id and union_id (and this chat's id in a group)",
    ),
  },
  {
    name: 'bind',
    zh: '绑定',
    adminOnly: true,
    private: true,
    usage: t(
      '绑定 <alm|轻速云> <外部用户ID> <@用户|邮箱|open_id>',
      'bind <alm|qingsuyun> <external user id> <@user|email|open_id>',
    ),
    description: t('把学习平台账号绑定到飞书用户', 'Link a learning-platform account to a Feishu user'),
  },
  {
    name: 'unbind',
    zh: '解绑',
    adminOnly: true,
    private: true,
    usage: t('解绑 <alm|轻速云> <外部用户ID>', 'unbind <alm|qingsuyun> <external user id>'),
    description: t('解除一个账号绑定', 'Remove an account binding'),
  },
  {
    name: 'bindings',
    zh: '绑定列表',
    adminOnly: true,
    private: true,
    usage: t('绑定列表 [alm|轻速云]', 'bindings [alm|qingsuyun]'),
    description: t('查看已绑定的账号', 'List bound accounts'),
  },
  {
    name: 'manager',
    zh: '经理',
    adminOnly: true,
    private: true,
    usage: t('经理 <@学员> <@经理|清除>', 'manager <@learner> <@manager|clear>'),
    description: t('设置或清除学员的经理', "Set or clear a learner's manager"),
  },
  {
    name: 'course',
    zh: '课程',
    adminOnly: true,
    usage: t('课程 名称 <课程 ID> <名称>', 'course name <course id> <name>'),
    description: t(
      '为只带 ID 的课程（如飞书学习）设置卡片上显示的名称',
      'Name a course whose events carry only its id (e.g. Feishu eLearning) on cards',
    ),
  },
  {
    name: 'due',
    zh: '截止',
    adminOnly: true,
    usage: t('截止 <课程 ID> <YYYY-MM-DD|关闭>', 'due <course id> <YYYY-MM-DD|off>'),
    description: t(
      '为课程的所有学员设置或取消截止日期（截止前会提醒）',
      'Set or clear a due date for every learner of a course (reminders come before it)',
    ),
  },
  {
    name: 'reminder',
    zh: '提醒策略',
    adminOnly: true,
    usage: t(
      '提醒策略 <stalled-days|repeat-days|max|self-enrolled|due-days> <值>',
      'reminder <stalled-days|repeat-days|max|self-enrolled|due-days> <value>',
    ),
    description: t(
      '修改学习提醒的规则（当前规则见「设置」）',
      'Change when learning reminders are sent (see "settings" for the current rules)',
    ),
  },
  {
    name: 'route',
    zh: '路由',
    adminOnly: true,
    usage: t(
      '路由 <工单|完成|考试|报名|名额|失败> <这里|关闭> [服务台 ID]',
      'route <tickets|completions|exams|enrollments|seats|failures> <here|off> [helpdesk id]',
    ),
    description: t('把某类通知发到本群，或停止发送', 'Send one kind of notification to this chat, or stop'),
  },
  {
    name: 'duty',
    zh: '值班',
    adminOnly: true,
    usage: t('值班 [星期] <@…>', 'duty [day] <@…>'),
    description: t('本群值班人', 'On-duty people here'),
  },
  {
    name: 'lead',
    zh: '负责人',
    adminOnly: true,
    usage: t('负责人 <@…>', 'lead <@…>'),
    description: t('本群负责人', 'Leads here'),
  },
  {
    name: 'escalation',
    zh: '升级',
    adminOnly: true,
    usage: t('升级 <设置项> <值>', 'escalation <setting> <value>'),
    description: t('本群升级规则', 'Escalation here'),
  },
  {
    name: 'notify',
    zh: '通知',
    adminOnly: true,
    usage: t('通知 <类型> <开|关>', 'notify <kind> <on|off>'),
    description: t('为所有人开启或关闭某类通知', 'Turn one kind of notification on or off for everyone'),
  },
  {
    name: 'settings',
    zh: '设置',
    adminOnly: true,
    private: true,
    usage: t('设置 [路由|课程]', 'settings [routes|courses]'),
    description: t(
      '用表单查看和修改设置（路由与人员、课程）',
      'See and change the settings in a form (routes and people, courses)',
    ),
  },
  {
    name: 'admin',
    zh: '管理员',
    adminOnly: true,
    usage: t('管理员 <添加|移除> <@用户>', 'admin <add|remove> <@user>'),
    description: t('添加或移除管理员', 'Add or remove an admin'),
  },
  {
    name: 'admins',
    zh: '管理员列表',
    adminOnly: true,
    private: true,
    usage: t('管理员列表', 'admins'),
    description: t('查看管理员', 'List the admins'),
  },
  {
    name: 'status',
    zh: '状态',
    adminOnly: true,
    private: true,
    usage: t('状态', 'status'),
    description: t('查看运行状态', 'Show how the bot is doing'),
  },
  {
    name: 'unresolved',
    zh: '未绑定',
    adminOnly: true,
    private: true,
    usage: t('未绑定', 'unresolved'),
    description: t(
      '查看没能对应到飞书用户的学习平台账号',
      'List learning-platform accounts not matched to a Feishu user',
    ),
  },
  {
    name: 'retry',
    zh: '重试',
    adminOnly: true,
    private: true,
    usage: t('重试', 'retry'),
    description: t('重新发送失败的通知', 'Send failed notifications again'),
  },
  {
    name: 'schedule',
    zh: '计划',
    adminOnly: true,
    usage: t('计划', 'schedule'),
    description: t(
      '查看接下来的 20 个计划任务，以及各自在等什么',
      'See the next 20 scheduled jobs and what each waits for',
    ),
  },
  {
    name: 'holiday',
    zh: '假日',
    adminOnly: true,
    usage: t('假日 <添加|移除> <YYYY-MM-DD>', 'holiday <add|remove> <YYYY-MM-DD>'),
    description: t('把某天设为休息日（不发提醒），或取消', 'Make a date a day off (no reminders), or undo it'),
  },
  {
    name: 'workday',
    zh: '工作日',
    adminOnly: true,
    usage: t('工作日 <添加|移除> <YYYY-MM-DD>', 'workday <add|remove> <YYYY-MM-DD>'),
    description: t('把某天设为工作日（如调休上班），或取消', 'Make a date a working day (a make-up day), or undo it'),
  },
  {
    name: 'doctor',
    zh: '诊断',
    adminOnly: true,
    private: true,
    usage: t('诊断', 'doctor'),
    description: t(
      '检查飞书应用、权限、事件、ALM、轻速云、数据库和待处理的工作',
      'Check the Feishu app, scopes, events, ALM, Qingsuyun, the database and pending work',
    ),
  },
] as const satisfies readonly CommandSpec[];

export type CommandName = (typeof COMMANDS)[number]['name'];
type CommandInfo = (typeof COMMANDS)[number];

/** The catalog entry for a command. */
export function commandInfo(name: CommandName): CommandInfo {
  return COMMANDS.find((c) => c.name === name)!;
}

/** Whether the command's answer, asked in a group, is shown only to the person who asked. */
export function isPrivateCommand(name: CommandName): boolean {
  return (commandInfo(name) as CommandSpec).private === true;
}

/** What the help card shows to an admin or to anyone else. */
export function helpCardInput(isAdmin: boolean): HelpCardInput {
  return { isAdmin, commands: COMMANDS, kinds: NOTIFICATION_KINDS.map((k) => ({ en: k, zh: KIND_NAMES[k].zh })) };
}
