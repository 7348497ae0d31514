import { describe, expect, it } from 'vitest';
import { COMMANDS, commandInfo, type CommandName } from '../../src/commands/catalog.js';
import { NOTIFICATION_KINDS, type RouteKind } from '../../src/domain/notifications.js';
import {
  extractText,
  parseCommand,
  type Mention,
  type ParseInput,
  type ParseResult,
  type ParsedCommand,
} from '../../src/commands/parse.js';
import { closestCommands, editDistance } from '../../src/commands/parse/suggest.js';

const BOT = 'ou_b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0';
const ALICE = 'ou_a11ce000000000000000000000000000';
const BOB = 'ou_b0b000000000000000000000000000bb';
const MENTIONS: Mention[] = [
  { key: '@_user_1', id: { open_id: BOT, union_id: 'on_bot' }, name: 'Learning bot', tenant_key: 't1' },
  { key: '@_user_2', id: { open_id: ALICE, user_id: 'alice', union_id: 'on_alice' }, name: 'Alice', tenant_key: 't1' },
  { key: '@_user_3', id: { open_id: BOB, user_id: 'bob', union_id: 'on_bob' }, name: 'Bob', tenant_key: 't1' },
  { key: '@_user_4', id: { user_id: 'no_open_id' }, name: 'Nobody', tenant_key: 't1' },
];
const alice = { kind: 'user', openId: ALICE, name: 'Alice' } as const;
const bob = { kind: 'user', openId: BOB, name: 'Bob' } as const;

const p2p = (text: string, botOpenId: string | undefined = BOT) =>
  parseCommand({ text, mentions: MENTIONS, botOpenId, chatType: 'p2p' });
const group = (text: string, botOpenId?: string) =>
  parseCommand({ text, mentions: MENTIONS, botOpenId, chatType: 'group' });
const command = (command: ParsedCommand): ParseResult => ({ type: 'command', command });

/** Every command through its English name and its Chinese alias. */
const ROWS: [string, ParsedCommand][] = [
  ['help', { name: 'help' }],
  ['帮助', { name: 'help' }],
  ['progress', { name: 'progress' }],
  ['进度', { name: 'progress' }],
  ['mute completions', { name: 'mute', kind: 'completions' }],
  ['静音 考试', { name: 'mute', kind: 'exams' }],
  ['unmute exam', { name: 'unmute', kind: 'exams' }],
  ['mute', { name: 'mute', kind: null }],
  ['取消静音', { name: 'unmute', kind: null }],
  ['取消静音 打卡', { name: 'unmute', kind: 'checkins' }],
  ['lang en', { name: 'lang', lang: 'en' }],
  ['语言 中文', { name: 'lang', lang: 'zh' }],
  ['bind alm 123 @_user_2', { name: 'bind', source: 'alm', externalUserId: '123', target: alice }],
  [
    '绑定 轻速云 d7453b7a9a6f4fe8 bob@example.com',
    {
      name: 'bind',
      source: 'qingsuyun',
      externalUserId: 'd7453b7a9a6f4fe8',
      target: { kind: 'email', email: 'bob@example.com' },
    },
  ],
  ['unbind qingsuyun zhanghao', { name: 'unbind', source: 'qingsuyun', externalUserId: 'zhanghao' }],
  ['解绑 adobe 42', { name: 'unbind', source: 'alm', externalUserId: '42' }],
  ['bindings', { name: 'bindings', source: null }],
  ['绑定列表 qsy', { name: 'bindings', source: 'qingsuyun' }],
  ['manager @_user_2 @_user_3', { name: 'manager', learner: alice, manager: bob }],
  [
    'course name 5fd087e96dbe3a73394188ae Security basics',
    {
      name: 'course',
      courseId: '5fd087e96dbe3a73394188ae',
      courseName: 'Security basics',
    },
  ],
  ['课程 名称 course:123 信息安全', { name: 'course', courseId: 'course:123', courseName: '信息安全' }],
  [
    'due 5fd087e96dbe3a73394188ae 2026-12-01',
    { name: 'due', courseId: '5fd087e96dbe3a73394188ae', dueOn: '2026-12-01' },
  ],
  ['截止 course:123 关闭', { name: 'due', courseId: 'course:123', dueOn: null }],
  ['reminders', { name: 'reminders' }],
  ['提醒', { name: 'reminders' }],
  ['reminder stalled-days 5', { name: 'reminder', policy: 'stalled-days', value: 5 }],
  ['提醒策略 due-days 7,3,1,-1', { name: 'reminder', policy: 'due-days', value: [7, 3, 1, -1] }],
  ['经理 @_user_2 清除', { name: 'manager', learner: alice, manager: null }],
  ['route tickets here', { name: 'route', kind: 'tickets', on: true, helpdesk: null }],
  [
    'route tickets here 6626871355780366330',
    { name: 'route', kind: 'tickets', on: true, helpdesk: '6626871355780366330' },
  ],
  ['路由 失败 关闭', { name: 'route', kind: 'failures', on: false, helpdesk: null }],
  ['notify seats on', { name: 'notify', kind: 'seats', on: true }],
  ['通知 名额 关', { name: 'notify', kind: 'seats', on: false }],
  ['settings', { name: 'settings', part: 'all' }],
  ['设置', { name: 'settings', part: 'all' }],
  ['settings routes', { name: 'settings', part: 'routes' }],
  ['设置 课程', { name: 'settings', part: 'courses' }],
  ['duty @_user_2', { name: 'duty', weekday: null, people: [alice] }],
  ['值班 周一 @_user_2 @_user_3', { name: 'duty', weekday: 1, people: [alice, bob] }],
  ['lead @_user_3', { name: 'lead', people: [bob] }],
  ['负责人 关闭', { name: 'lead', people: [] }],
  ['escalation lead 90', { name: 'escalation', change: { setting: 'lead', minutes: 90 } }],
  ['升级 计时 全天', { name: 'escalation', change: { setting: 'clock', clock: 'always' } }],
  ['admin add @_user_3', { name: 'admin', action: 'add', user: bob }],
  ['管理员 移除 ou_abc123', { name: 'admin', action: 'remove', user: { kind: 'open_id', openId: 'ou_abc123' } }],
  ['admins', { name: 'admins' }],
  ['管理员列表', { name: 'admins' }],
  ['status', { name: 'status' }],
  ['状态', { name: 'status' }],
  ['unresolved', { name: 'unresolved' }],
  ['未绑定', { name: 'unresolved' }],
  ['retry', { name: 'retry' }],
  ['重试', { name: 'retry' }],
  ['whoami', { name: 'whoami' }],
  ['我是谁', { name: 'whoami' }],
  ['team', { name: 'team' }],
  ['团队', { name: 'team' }],
  ['digest day mon', { name: 'digest', field: 'day', value: 1 }],
  ['digest day 5', { name: 'digest', field: 'day', value: 5 }],
  ['digest time 9:45', { name: 'digest', field: 'time', value: '09:45' }],
  ['digest escalate 4', { name: 'digest', field: 'escalate', value: 4 }],
  ['周报设置 时间 10:15', { name: 'digest', field: 'time', value: '10:15' }],
  ['周报设置 上级 12', { name: 'digest', field: 'skip-level', value: 12 }],
  ['digest skip-level off', { name: 'digest', field: 'skip-level', value: 0 }],
  ['doctor', { name: 'doctor' }],
  ['诊断', { name: 'doctor' }],
  ['schedule', { name: 'schedule' }],
  ['计划', { name: 'schedule' }],
  ['holiday add 2026-10-09', { name: 'holiday', action: 'add', date: '2026-10-09' }],
  ['假日 移除 2026-10-09', { name: 'holiday', action: 'remove', date: '2026-10-09' }],
  ['workday add 2026-10-11', { name: 'workday', action: 'add', date: '2026-10-11' }],
  ['工作日 添加 2026-10-11', { name: 'workday', action: 'add', date: '2026-10-11' }],
];

/** The same command typed differently: slash, case, full-width and extra spaces, tabs, a full-width slash. */
function variants(text: string): string[] {
  const [word = '', ...rest] = text.split(' ');
  return [
    text,
    `/${text}`,
    [word.toUpperCase(), ...rest].join(' '),
    `/${word[0]?.toUpperCase()}${word.slice(1)} ${rest.join(' ')}`,
    `  ${[word, ...rest].join('\u3000\u3000')}\u3000`,
    `／${[word, ...rest].join(' \t ')}\n`,
  ];
}

describe('catalog', () => {
  it('has unique names and aliases, and usage lines that start with them', () => {
    const words = COMMANDS.flatMap((c) => [c.name, c.zh]);
    expect(new Set(words).size).toBe(words.length);
    for (const c of COMMANDS) {
      expect(c.usage.en.startsWith(c.name)).toBe(true);
      expect(c.usage.zh.startsWith(c.zh)).toBe(true);
      expect(c.description.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(c.description.en).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it('is fully covered by the table below, in both languages', () => {
    for (const c of COMMANDS) {
      expect(
        ROWS.some(([text]) => text.split(' ')[0] === c.name),
        c.name,
      ).toBe(true);
      expect(
        ROWS.some(([text]) => text.split(' ')[0] === c.zh),
        c.zh,
      ).toBe(true);
    }
  });
});

describe('parseCommand: every command and alias', () => {
  it.each(ROWS)('%s', (text, expected) => {
    for (const variant of variants(text)) expect(p2p(variant), JSON.stringify(variant)).toEqual(command(expected));
  });

  it.each(ROWS)('in a group after the bot mention: %s', (text, expected) => {
    expect(group(`@_user_1 ${text}`, BOT)).toEqual(command(expected));
    expect(group(`${text} @_user_1`, BOT)).toEqual(command(expected));
    expect(group(`@_user_1\u3000/${text}`)).toEqual(command(expected)); // bot open_id unknown: leading mention
  });
});

describe('parseCommand: argument values', () => {
  it.each([
    ['completions', 'completions'],
    ['completion', 'completions'],
    ['完成', 'completions'],
    ['COMPLETIONS', 'completions'],
    ['exams', 'exams'],
    ['exam', 'exams'],
    ['考试', 'exams'],
    ['enrollments', 'enrollments'],
    ['enrollment', 'enrollments'],
    ['报名', 'enrollments'],
    ['checkins', 'checkins'],
    ['checkin', 'checkins'],
    ['check-in', 'checkins'],
    ['打卡', 'checkins'],
    ['tickets', 'tickets'],
    ['Ticket', 'tickets'],
    ['工单', 'tickets'],
    ['seats', 'seats'],
    ['seat', 'seats'],
    ['名额', 'seats'],
    ['failures', 'failures'],
    ['failure', 'failures'],
    ['失败', 'failures'],
    ['reminders', 'reminders'],
    ['reminder', 'reminders'],
    ['提醒', 'reminders'],
  ])('kind %s → %s', (word, kind) => {
    expect(p2p(`mute ${word}`)).toEqual(command({ name: 'mute', kind } as ParsedCommand));
    expect(p2p(`notify ${word} off`)).toEqual(command({ name: 'notify', kind, on: false } as ParsedCommand));
  });

  it('routes every kind but the personal ones (check-ins, reminders, digests, escalations)', () => {
    for (const kind of NOTIFICATION_KINDS) {
      const result = p2p(`route ${kind} here`);
      if (kind === 'checkins')
        expect(result).toMatchObject({ type: 'usage', problem: { en: expect.stringMatching(/Check-ins/) } });
      else if (kind === 'reminders')
        expect(result).toMatchObject({ type: 'usage', problem: { en: expect.stringMatching(/Reminders go/) } });
      else if (kind === 'digest' || kind === 'escalations')
        expect(result).toMatchObject({ type: 'usage', problem: { en: expect.stringMatching(/each manager only/) } });
      else expect(result).toEqual(command({ name: 'route', kind: kind as RouteKind, on: true, helpdesk: null }));
    }
  });

  it.each([
    ['alm', 'alm'],
    ['ALM', 'alm'],
    ['adobe', 'alm'],
    ['Adobe', 'alm'],
    ['qingsuyun', 'qingsuyun'],
    ['QingSuYun', 'qingsuyun'],
    ['轻速云', 'qingsuyun'],
    ['qsy', 'qingsuyun'],
  ])('source %s → %s', (word, source) => {
    expect(p2p(`unbind ${word} 1001`)).toEqual(
      command({ name: 'unbind', source, externalUserId: '1001' } as ParsedCommand),
    );
  });

  it.each([
    ['on', true],
    ['ON', true],
    ['开', true],
    ['开启', true],
    ['off', false],
    ['Off', false],
    ['关', false],
    ['关闭', false],
  ] as const)('notify … %s', (word, on) => {
    expect(p2p(`notify exams ${word}`)).toEqual(command({ name: 'notify', kind: 'exams', on }));
  });

  it.each([
    ['here', true],
    ['HERE', true],
    ['这里', true],
    ['off', false],
    ['关闭', false],
  ] as const)('route … %s', (word, on) => {
    expect(p2p(`route exams ${word}`)).toEqual(command({ name: 'route', kind: 'exams', on, helpdesk: null }));
  });

  it('keeps the case of external user ids and reads 添加/删除 and CLEAR', () => {
    expect(p2p('unbind qsy AbC_9')).toEqual(command({ name: 'unbind', source: 'qingsuyun', externalUserId: 'AbC_9' }));
    expect(p2p('管理员 添加 @_user_2')).toEqual(command({ name: 'admin', action: 'add', user: alice }));
    expect(p2p('admin 删除 @_user_2')).toEqual(command({ name: 'admin', action: 'remove', user: alice }));
    expect(p2p('manager @_user_2 CLEAR')).toEqual(command({ name: 'manager', learner: alice, manager: null }));
    expect(p2p('manager ou_abc ou_def')).toEqual(
      command({
        name: 'manager',
        learner: { kind: 'open_id', openId: 'ou_abc' },
        manager: { kind: 'open_id', openId: 'ou_def' },
      }),
    );
  });
});

describe('parseCommand: bind targets', () => {
  it.each([
    ['bob@example.com', 'bob@example.com'],
    ['Bob.Smith+tag@Mail.Example.COM', 'bob.smith+tag@mail.example.com'],
    ['bob＠example.com', 'bob@example.com'],
    ['li_lei@corp.example.cn', 'li_lei@corp.example.cn'],
  ])('email %s', (typed, email) => {
    expect(p2p(`bind alm 1 ${typed}`)).toEqual(
      command({ name: 'bind', source: 'alm', externalUserId: '1', target: { kind: 'email', email } }),
    );
  });

  it.each([
    'bob@',
    'bob@@example.com',
    'bob@example',
    'bob@-example.com',
    'a..b@example.com',
    '.a@example.com',
    `${'x'.repeat(65)}@example.com`,
  ])('refuses the email %s', (typed) => {
    expect(p2p(`bind alm 1 ${typed}`)).toMatchObject({
      type: 'usage',
      command: 'bind',
      problem: { en: expect.stringMatching(/not a valid email/) },
    });
  });

  it('takes an open_id, and refuses other words', () => {
    expect(p2p('bind alm 1 ou_7dede290d6a27698b969a7fd70ca53da')).toEqual(
      command({
        name: 'bind',
        source: 'alm',
        externalUserId: '1',
        target: { kind: 'open_id', openId: 'ou_7dede290d6a27698b969a7fd70ca53da' },
      }),
    );
    for (const word of ['ou_', 'ou_abc!', 'alice', '@alice', '@example.com']) {
      expect(p2p(`bind alm 1 ${word}`)).toMatchObject({
        type: 'usage',
        problem: { en: expect.stringMatching(/must be an @mention or an open_id/) },
      });
    }
  });

  it('resolves a mention glued to the text around it', () => {
    expect(p2p('bind alm 7@_user_2')).toEqual(
      command({ name: 'bind', source: 'alm', externalUserId: '7', target: alice }),
    );
  });
});

describe('parseCommand: usage errors', () => {
  it.each<[string, CommandName, RegExp]>([
    ['help me', 'help', /Unexpected extra argument "me"/],
    ['progress now', 'progress', /extra argument/],
    ['mute birthdays', 'mute', /"birthdays" is not a valid notification kind; use completions, exams/],
    ['静音 考试 打卡', 'mute', /extra argument "打卡"/],
    ['lang', 'lang', /Missing language/],
    ['lang fr', 'lang', /not a valid language/],
    ['bind', 'bind', /Missing source/],
    ['bind alm', 'bind', /Missing external user id/],
    ['bind alm 123', 'bind', /Missing user to bind/],
    ['bind github 123 @_user_2', 'bind', /"github" is not a valid source/],
    ['bind alm @_user_2 @_user_3', 'bind', /"@Alice" is not a valid ALM user id: a number/],
    [`bind alm ${'9'.repeat(21)} @_user_2`, 'bind', /not a valid ALM user id/],
    ['bind alm abc @_user_2', 'bind', /"abc" is not a valid ALM user id: a number, e.g. 12345678/],
    ['unbind alm 12a', 'unbind', /not a valid ALM user id/],
    [`bind qsy ${'x'.repeat(65)} @_user_2`, 'bind', /not a valid Qingsuyun user id/],
    ['bind qsy -x @_user_2', 'bind', /not a valid Qingsuyun user id/],
    ['bind alm 123 @_user_9', 'bind', /Could not resolve the mention "@_user_9"/],
    ['bind alm 123 @_user_4', 'bind', /Could not resolve the mention "@Nobody"/],
    ['bind alm 123 @_user_2 @_user_3', 'bind', /extra argument "@Bob"/],
    ['progress @_user_2', 'progress', /Unexpected extra argument "@Alice"/],
    ['help @_user_3', 'help', /Unexpected extra argument "@Bob"/],
    ['unbind alm', 'unbind', /Missing external user id/],
    ['unbind alm 1 2', 'unbind', /extra/],
    ['bindings github', 'bindings', /not a valid source/],
    ['bindings alm qsy', 'bindings', /extra argument "qsy"/],
    ['manager', 'manager', /Missing learner/],
    ['manager @_user_2', 'manager', /Missing manager/],
    ['manager alice @_user_3', 'manager', /The learner "alice" must be an @mention/],
    ['manager @_user_2 bob', 'manager', /The manager .* "bob" must be an @mention/],
    ['manager @_user_2 @_user_2', 'manager', /own manager/],
    ['manager @_user_2 clear now', 'manager', /extra argument "now"/],
    ['route', 'route', /Missing notification kind/],
    ['route tickets', 'route', /Missing here or off/],
    ['route tickets on', 'route', /"on" is not a valid here or off/],
    ['route bogus here', 'route', /"bogus" is not a valid notification kind; use tickets, completions/],
    ['route exams here now', 'route', /extra/],
    ['route tickets off now', 'route', /extra/],
    ['route tickets here bad!id', 'route', /helpdesk id/],
    ['notify', 'notify', /Missing notification kind/],
    ['notify exams', 'notify', /Missing on or off/],
    ['notify exams maybe', 'notify', /"maybe" is not a valid on or off/],
    ['settings all', 'settings', /"all" is not a valid settings page/],
    ['settings routes now', 'settings', /extra/],
    ['admin', 'admin', /Missing action/],
    ['admin promote @_user_2', 'admin', /"promote" is not a valid action/],
    ['admin add', 'admin', /Missing user/],
    ['admin add bob@example.com', 'admin', /must be an @mention or an open_id/],
    ['admins all', 'admins', /extra/],
    ['status now', 'status', /extra/],
    ['unresolved alm', 'unresolved', /extra/],
    ['retry 5', 'retry', /extra/],
    ['whoami me', 'whoami', /extra/],
    ['doctor now', 'doctor', /extra/],
    ['holiday add 2026-02-30', 'holiday', /YYYY-MM-DD/],
    ['workday add tomorrow', 'workday', /YYYY-MM-DD/],
  ])('%s', (text, name, problem) => {
    const result = p2p(text);
    expect(result).toEqual({
      type: 'usage',
      command: name,
      usage: commandInfo(name).usage,
      problem: { zh: expect.any(String), en: expect.stringMatching(problem) },
    });
    if (result.type === 'usage') expect(result.problem.zh).toMatch(/[\u4e00-\u9fff]/);
  });

  it('shortens long arguments it quotes', () => {
    const result = p2p(`help ${'y'.repeat(500)}`);
    expect(result.type).toBe('usage');
    if (result.type === 'usage') expect(result.problem.en.length).toBeLessThan(80);
  });

  it('never takes the bot as an argument', () => {
    expect(group('@_user_1 manager @_user_1 @_user_2', BOT)).toMatchObject({
      type: 'usage',
      problem: { en: 'Missing manager (@user, open_id or "clear")' },
    });
  });
});

describe('parseCommand: groups and the bot mention', () => {
  it('ignores group messages that do not mention the bot', () => {
    expect(parseCommand({ text: 'help', chatType: 'group' })).toEqual({ type: 'ignore' });
    expect(group('help', BOT)).toEqual({ type: 'ignore' });
    expect(
      parseCommand({ text: '@_user_2 help', mentions: [MENTIONS[1]!], botOpenId: BOT, chatType: 'group' }),
    ).toEqual({ type: 'ignore' });
    expect(group('help @_user_1')).toEqual({ type: 'ignore' }); // open_id unknown and the mention is not first
    // the leading mention is used again
    expect(group('@_user_2 manager @_user_2 @_user_3')).toEqual({ type: 'ignore' });
    expect(group('@_user_4 help @_user_4')).toEqual({ type: 'ignore' }); // the same key again, without an open_id
    const twice = [...MENTIONS, { key: '@_user_5', id: { open_id: ALICE }, name: 'Alice' }];
    expect(parseCommand({ text: '@_user_2 admin add @_user_5', mentions: twice, chatType: 'group' })).toEqual({
      type: 'ignore',
    }); // same person, other key
    expect(group('@_user_9 help')).toEqual({ type: 'ignore' }); // a key that is not in mentions
  });

  it('runs commands addressed to the bot, and passes other text on', () => {
    expect(group('@_user_1 bind alm 123 @_user_2')).toEqual(
      command({ name: 'bind', source: 'alm', externalUserId: '123', target: alice }),
    );
    expect(group('@_user_1help', BOT)).toEqual(command({ name: 'help' }));
    expect(group('@_user_1  hello   there\nfriend', BOT)).toEqual({ type: 'not_command', text: 'hello there friend' });
    expect(group('@_user_1', BOT)).toEqual({ type: 'not_command', text: '' });
  });

  it('strips the bot mention in a direct chat too', () => {
    expect(p2p('@_user_1 status')).toEqual(command({ name: 'status' }));
    expect(p2p('status @_user_1')).toEqual(command({ name: 'status' }));
    expect(parseCommand({ text: 'status', chatType: 'p2p' })).toEqual(command({ name: 'status' }));
  });
});

describe('parseCommand: not commands', () => {
  it.each([
    ['hello', 'hello'],
    ['', ''],
    ['   \u3000 ', ''],
    ['/', '/'],
    ['//help', '//help'],
    ['helpme', 'helpme'],
    ['帮助我', '帮助我'],
    ['状态好吗', '状态好吗'],
    ['bindingsalm', 'bindingsalm'],
    ['{"text":"help"}', '{"text":"help"}'],
    ['@_user_2 help', '@Alice help'],
  ])('%j', (text, rest) => {
    expect(p2p(text)).toEqual({ type: 'not_command', text: rest });
  });

  it('reads a Chinese alias run into a valid argument, and nothing else', () => {
    expect(p2p('静音考试')).toEqual(command({ name: 'mute', kind: 'exams' }));
    expect(p2p('取消静音打卡')).toEqual(command({ name: 'unmute', kind: 'checkins' }));
    expect(p2p('绑定列表alm')).toEqual(command({ name: 'bindings', source: 'alm' }));
    expect(p2p('管理员添加 @_user_2')).toEqual(command({ name: 'admin', action: 'add', user: alice }));
    expect(p2p('通知考试 开')).toEqual(command({ name: 'notify', kind: 'exams', on: true }));
    expect(p2p('静音生日')).toEqual({ type: 'not_command', text: '静音生日' });
  });

  it('treats texts over 2,000 characters as not commands', () => {
    expect(p2p(`help${' '.repeat(2000)}`)).toEqual({ type: 'not_command', text: 'help' });
    const result = p2p(`bind alm 1 ${'x'.repeat(100_000)}`);
    expect(result.type).toBe('not_command');
    if (result.type === 'not_command') expect(result.text.length).toBeLessThanOrEqual(2000);
    expect(p2p(`help${' '.repeat(1996)}`)).toEqual(command({ name: 'help' }));
  });

  it('drops control and zero-width characters', () => {
    expect(p2p('help\u0000')).toEqual(command({ name: 'help' }));
    expect(p2p('he\u200blp')).toEqual(command({ name: 'help' }));
    expect(p2p('\ufeffbind\nalm\r\n1\u0007@_user_2')).toEqual(
      command({ name: 'bind', source: 'alm', externalUserId: '1', target: alice }),
    );
  });
});

describe('extractText', () => {
  it.each([
    ['{"text":"@_user_1 bind alm 123 @_user_2"}', '@_user_1 bind alm 123 @_user_2'],
    ['{"text":""}', ''],
    ['{"text":5}', undefined],
    ['{"title":"t","content":[]}', undefined],
    ['null', undefined],
    ['"text"', undefined],
    ['[{"text":"x"}]', undefined],
    ['not json', undefined],
    ['', undefined],
  ])('%j', (content, text) => {
    expect(extractText(content)).toBe(text);
  });
});

describe('parseCommand: fuzz', () => {
  /** mulberry32: a small seeded generator, so a failure can be replayed. */
  function rng(seed: number) {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
  }
  const FRAGMENTS = [
    ...COMMANDS.flatMap((c) => [c.name, c.zh, `/${c.name}`]),
    ...NOTIFICATION_KINDS,
    'alm',
    '轻速云',
    'here',
    'off',
    'on',
    '开',
    'clear',
    '清除',
    'add',
    'remove',
    'zh',
    'en',
    '@_user_1',
    '@_user_2',
    '@_user_3',
    '@_user_4',
    '@_user_99',
    '@_all',
    '@_',
    '@',
    'ou_',
    'ou_abc',
    'a@b.co',
    'x@',
    '@x.y',
    '{',
    '}',
    '"text"',
    ':',
    '\\',
    '\\u0000',
    '[',
    ']',
    'null',
    '"',
    "'",
    '<at id=all></at>',
    '**',
    ' ',
    ' ',
    ' ',
    '\u3000',
    '\t',
    '\n',
    '\u0000',
    '\u0007',
    '\u200b',
    '\ufeff',
    '\u2028',
    '\ud800',
    '\udfff',
    '😀',
    '／',
    'ｈｅｌｐ',
    'ﷺ',
    '١٢٣',
  ];
  const MENTION_SETS: unknown[] = [
    undefined,
    [],
    MENTIONS,
    null,
    'junk',
    [null, 5, {}, { key: 5 }],
    [{ key: '@_user_2', id: null }],
    [{ key: '@_user_3', id: { open_id: 7 } }],
    [
      { key: '@_user_1', id: { open_id: BOT } },
      { key: '@_user_1', id: { open_id: ALICE } },
    ],
    [{ key: '', id: { open_id: '' } }],
  ];
  const TYPES = new Set(['ignore', 'not_command', 'usage', 'command']);
  const NAMES = new Set<string>(COMMANDS.map((c) => c.name));

  it('never throws and always returns a well-formed result', () => {
    const random = rng(20240611);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const parts: string[] = [];
      const n = Math.floor(random() * 12);
      for (let j = 0; j < n; j++)
        parts.push(random() < 0.85 ? pick(FRAGMENTS) : String.fromCharCode(Math.floor(random() * 0xffff)));
      const input = {
        text: random() < 0.02 ? parts.join('').repeat(500) : parts.join(random() < 0.5 ? ' ' : ''),
        mentions: pick(MENTION_SETS),
        botOpenId: pick([undefined, BOT, '', ALICE]),
        chatType: pick(['p2p', 'group', 'topic', undefined]),
      } as unknown as ParseInput;
      let result: ParseResult;
      expect(() => (result = parseCommand(input)), JSON.stringify(input)).not.toThrow();
      result = result!;
      seen.add(result.type);
      expect(TYPES.has(result.type)).toBe(true);
      if (result.type === 'not_command') expect(typeof result.text).toBe('string');
      if (result.type === 'usage') {
        expect(result.usage).toEqual(commandInfo(result.command).usage);
        expect(result.problem.zh && result.problem.en).toBeTruthy();
      }
      if (result.type === 'command') expect(NAMES.has(result.command.name)).toBe(true);
      expect(parseCommand(input)).toEqual(result);
    }
    expect([...seen].sort()).toEqual(['command', 'ignore', 'not_command', 'usage']);
  });

  it('survives inputs that are not what the types say', () => {
    for (const input of [
      null,
      undefined,
      {},
      { text: 5 },
      { text: null, chatType: 'p2p' },
      { text: ['help'], chatType: 'p2p' },
    ]) {
      expect(() => parseCommand(input as unknown as ParseInput)).not.toThrow();
    }
    expect(parseCommand({ text: 5, chatType: 'p2p' } as unknown as ParseInput)).toEqual({
      type: 'not_command',
      text: '',
    });
    expect(extractText(undefined as unknown as string)).toBeUndefined();
  });
});

describe('parseCommand: mention keys never reach the reader', () => {
  it('quotes the people a problem is about by name, in both languages', () => {
    expect(group('@_user_1 help @_user_3', BOT)).toMatchObject({
      type: 'usage',
      problem: { zh: '多余的参数「@Bob」', en: 'Unexpected extra argument "@Bob"' },
    });
    expect(p2p('progress @_user_2')).toMatchObject({ problem: { zh: '多余的参数「@Alice」' } });
  });
});

describe('closestCommands', () => {
  it.each([
    ['routes', ['route']],
    ['stauts', ['status']],
    ['hlep', ['help']],
    ['admim', ['admin']],
    ['admns', ['admins']],
    ['静默', ['mute']],
    ['设制', ['settings']],
    ['whoamii', ['whoami']],
  ])('%s → %j', (word, names) => {
    expect(closestCommands(word)).toEqual(names);
  });

  it('suggests nothing for words far from every command', () => {
    expect(closestCommands('hello')).toEqual([]);
    expect(closestCommands('')).toEqual([]);
    expect(closestCommands('x'.repeat(1000))).toEqual([]);
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('stauts', 'status')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
