/**
 * Pure parser for the text commands people send to the bot (`im.message.receive_v1` text messages).
 * It never throws; it does not check who may run a command (see `adminOnly` in the catalog).
 */
import { clip, type I18nText } from '../../cards/kit.js';
import {
  KIND_NAMES,
  NOTIFICATION_KINDS,
  ROUTE_KINDS,
  type NotificationKind,
  type RouteKind,
} from '../domain/notifications.js';
import { BINDABLE_SOURCES, SOURCE_ALIASES, type BindableSource } from '../domain/sources.js';
import { COMMANDS, commandInfo, type CommandName } from './catalog.js';

/** One entry of `message.mentions`. */
export interface Mention {
  key: string;
  id: { open_id?: string; user_id?: string; union_id?: string };
  name?: string;
  tenant_key?: string;
}

/** A Feishu user named in a command: by @mention, or by a typed `ou_…` open_id. */
export type UserRef = { kind: 'user'; openId: string; name?: string } | { kind: 'open_id'; openId: string };

/** Who an external account is bound to. */
export type BindTarget = UserRef | { kind: 'email'; email: string };

export type ParsedCommand =
  | { name: 'help' }
  | { name: 'progress' }
  | { name: 'mute'; kind: NotificationKind }
  | { name: 'unmute'; kind: NotificationKind }
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
  | { name: 'settings' }
  | { name: 'admin'; action: 'add' | 'remove'; user: UserRef }
  | { name: 'admins' }
  | { name: 'status' }
  | { name: 'unresolved' }
  | { name: 'retry' }
  | { name: 'whoami' }
  | { name: 'doctor' };

export type ParseResult =
  | { type: 'ignore' }
  | { type: 'not_command'; text: string }
  /** `problem` may quote what the user typed (clipped): escape it before putting it in card markdown. */
  | { type: 'usage'; command: CommandName; usage: I18nText; problem: I18nText }
  | { type: 'command'; command: ParsedCommand };

export interface ParseInput {
  text: string;
  mentions?: Mention[];
  /** The bot's own open_id, when known. */
  botOpenId?: string;
  chatType: 'p2p' | 'group';
}

/** Longer texts are never commands. */
export const MAX_COMMAND_TEXT = 2000;

/** Parses the `content` of a text message (`{"text":"…"}`); undefined for anything else. */
export function extractText(content: string): string | undefined {
  if (typeof content !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return undefined; // not JSON: not a text message's content
  }
  const text = parsed !== null && typeof parsed === 'object' ? (parsed as { text?: unknown }).text : undefined;
  return typeof text === 'string' ? text : undefined;
}

/**
 * Parses one message. In a group (any chat type but `p2p`) the text must @mention the bot, else `ignore`.
 * The bot's mentions are the keys whose open_id is `botOpenId`, wherever they stand; without `botOpenId`,
 * a leading mention of someone not mentioned again is taken as the bot. Bot mentions are dropped in both
 * chat types. `not_command.text` is the normalised text without them, whitespace collapsed.
 */
export function parseCommand(input: ParseInput): ParseResult {
  let raw = typeof input?.text === 'string' ? input.text : '';
  const tooLong = raw.length > MAX_COMMAND_TEXT;
  if (tooLong) raw = raw.slice(0, MAX_COMMAND_TEXT);
  const mentions = mentionMap(input?.mentions);
  const all = tokenize(raw);
  const bot = botKeys(all, mentions, typeof input?.botOpenId === 'string' ? input.botOpenId : '');
  const tokens = all.filter((tok) => !bot.has(tok));
  if (input?.chatType !== 'p2p' && tokens.length === all.length) return { type: 'ignore' };
  const notCommand = { type: 'not_command', text: tokens.join(' ') } as const;
  if (tooLong) return notCommand;

  const [head, ...args] = tokens[0] === '/' ? tokens.slice(1) : tokens; // "/help" or "/ help"
  const word = head?.startsWith('/') ? head.slice(1) : head;
  if (!word) return notCommand;
  const name = COMMAND_WORDS.get(word.toLowerCase());
  if (name) return run(name, args, mentions);
  // "静音考试": a Chinese alias run into its first argument counts only if the whole command is valid.
  for (const [alias, aliasName] of GLUED_ALIASES) {
    if (!word.startsWith(alias) || word.length === alias.length) continue;
    const result = run(aliasName, [word.slice(alias.length), ...args], mentions);
    if (result.type === 'command') return result;
  }
  return notCommand;
}

/** Lower-case English names and Chinese aliases → command. */
const COMMAND_WORDS = new Map<string, CommandName>(
  COMMANDS.flatMap((c) => [[c.name, c.name] as const, [c.zh, c.name] as const]),
);
/** Chinese aliases, longest first so that "绑定列表…" is not read as "绑定". */
const GLUED_ALIASES = COMMANDS.map((c) => [c.zh, c.name] as const).sort((a, b) => b[0].length - a[0].length);

const MENTION_KEY = /@_user_\d+|@_all(?![A-Za-z0-9_])/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const INVISIBLE = /[\u00ad\u200b-\u200f\u2060\ufeff]/g;

/**
 * NFKC (full-width letters, digits, spaces and slashes become ASCII), controls become spaces,
 * mention keys stand alone.
 */
function tokenize(text: string): string[] {
  return text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(CONTROL, ' ')
    .replace(MENTION_KEY, ' $& ')
    .split(/\s+/)
    .filter((tok) => tok !== '');
}

function mentionMap(raw: unknown): Map<string, Mention> {
  const map = new Map<string, Mention>();
  if (!Array.isArray(raw)) return map;
  for (const m of raw.slice(0, 100) as unknown[]) {
    if (m !== null && typeof m === 'object' && typeof (m as Mention).key === 'string' && !map.has((m as Mention).key))
      map.set((m as Mention).key, m as Mention);
  }
  return map;
}

function openIdOf(m: Mention | undefined): string | undefined {
  const id: unknown = m?.id;
  const openId = id !== null && typeof id === 'object' ? (id as { open_id?: unknown }).open_id : undefined;
  return typeof openId === 'string' && openId !== '' ? openId : undefined;
}

/** The mention keys that stand for the bot in this message. */
function botKeys(tokens: string[], mentions: Map<string, Mention>, botOpenId: string): Set<string> {
  if (botOpenId) return new Set([...mentions.values()].filter((m) => openIdOf(m) === botOpenId).map((m) => m.key));
  const first = tokens[0];
  const lead = first === undefined ? undefined : mentions.get(first);
  if (first === undefined || !lead) return new Set();
  const id = openIdOf(lead);
  const again = tokens
    .slice(1)
    .some((tok) => tok === first || (id !== undefined && openIdOf(mentions.get(tok)) === id));
  return again ? new Set() : new Set([first]);
}

/* ---------- arguments ---------- */

/** Thrown by argument readers; turned into a `usage` result by `run`. */
class ArgProblem {
  constructor(readonly problem: I18nText) {}
}

const show = (tok: string) => clip(tok, 32);

class Args {
  private i = 0;
  constructor(
    private readonly tokens: readonly string[],
    private readonly mentions: Map<string, Mention>,
  ) {}

  next(label: I18nText): string {
    const tok = this.tokens[this.i];
    if (tok === undefined) throw new ArgProblem({ zh: `缺少${label.zh}`, en: `Missing ${label.en}` });
    this.i += 1;
    return tok;
  }

  /** Optional argument: undefined when none is left. */
  maybe(): string | undefined {
    return this.tokens[this.i] === undefined ? undefined : this.tokens[this.i++];
  }

  end(): void {
    const tok = this.tokens[this.i];
    if (tok !== undefined)
      throw new ArgProblem({ zh: `多余的参数「${show(tok)}」`, en: `Unexpected extra argument "${show(tok)}"` });
  }

  /** A word from a fixed set, case-insensitive. */
  oneOf<T>(choice: Choice<T>, tok = this.next(choice.label)): T {
    const value = choice.words.get(tok.toLowerCase());
    if (value !== undefined) return value;
    throw new ArgProblem({
      zh: `「${show(tok)}」不是有效的${choice.label.zh}，可用：${choice.hint.zh}`,
      en: `"${show(tok)}" is not a valid ${choice.label.en}; use ${choice.hint.en}`,
    });
  }

  /** An @mention or an `ou_…` open_id. */
  user(label: I18nText, tok = this.next(label)): UserRef {
    if (tok.startsWith('@_') || this.mentions.has(tok)) return this.mentioned(tok);
    if (OPEN_ID.test(tok)) return { kind: 'open_id', openId: tok };
    throw new ArgProblem({
      zh: `${label.zh}「${show(tok)}」应为 @用户 或 open_id`,
      en: `The ${label.en} "${show(tok)}" must be an @mention or an open_id`,
    });
  }

  private mentioned(key: string): UserRef {
    const m = this.mentions.get(key);
    const openId = openIdOf(m);
    if (!m || !openId)
      throw new ArgProblem({
        zh: `无法识别提及「${show(key)}」，请重新 @ 该用户`,
        en: `Could not resolve the mention "${show(key)}"; @mention the user again`,
      });
    return typeof m.name === 'string' && m.name !== ''
      ? { kind: 'user', openId, name: m.name }
      : { kind: 'user', openId };
  }

  bindTarget(): BindTarget {
    const label = { zh: '绑定对象（@用户、邮箱或 open_id）', en: 'user to bind (@user, email or open_id)' };
    const tok = this.next(label);
    if (tok.includes('@') && !tok.startsWith('@')) {
      if (isEmail(tok)) return { kind: 'email', email: tok.toLowerCase() };
      throw new ArgProblem({ zh: `「${show(tok)}」不是有效的邮箱`, en: `"${show(tok)}" is not a valid email address` });
    }
    return this.user(label, tok);
  }

  externalUserId(): string {
    const tok = this.next(EXTERNAL_ID);
    if (tok.startsWith('@_') || this.mentions.has(tok) || tok.length > 128) {
      throw new ArgProblem({
        zh: `「${show(tok)}」不是有效的外部用户ID`,
        en: `"${show(tok)}" is not a valid external user id`,
      });
    }
    return tok;
  }
}

const OPEN_ID = /^ou_[A-Za-z0-9]{1,64}$/;
/** An email address: a local part of up to 64 allowed characters, `@`, then two or more dot-separated labels. */
const EMAIL_LOCAL = "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}";
const EMAIL_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const EMAIL = new RegExp(`^${EMAIL_LOCAL}@${EMAIL_LABEL}(?:\\.${EMAIL_LABEL})+$`);
const isEmail = (tok: string) => tok.length <= 254 && EMAIL.test(tok) && !/\.\.|^\.|\.@/.test(tok);
const EXTERNAL_ID = { zh: '外部用户ID', en: 'external user id' };

interface Choice<T> {
  label: I18nText;
  hint: I18nText;
  words: Map<string, T>;
}

function choice<T>(label: I18nText, hint: I18nText, entries: [T, readonly string[]][]): Choice<T> {
  return { label, hint, words: new Map(entries.flatMap(([value, words]) => words.map((w) => [w, value] as const))) };
}

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
const CLEAR = new Set(['clear', '清除']);
const LEARNER = { zh: '学员', en: 'learner' };
const MANAGER = { zh: '经理（@用户、open_id 或「清除」）', en: 'manager (@user, open_id or "clear")' };
const USER = { zh: '用户', en: 'user' };

type Parsers = { [K in CommandName]: (a: Args) => Extract<ParsedCommand, { name: K }> };

/** Reads each command's arguments; `a.end()` refuses extra ones. */
const PARSERS: Parsers = {
  help: (a) => (a.end(), { name: 'help' }),
  progress: (a) => (a.end(), { name: 'progress' }),
  mute: (a) => done(a, { name: 'mute', kind: a.oneOf(KIND) }),
  unmute: (a) => done(a, { name: 'unmute', kind: a.oneOf(KIND) }),
  lang: (a) => done(a, { name: 'lang', lang: a.oneOf(LANG) }),
  bind: (a) =>
    done(a, { name: 'bind', source: a.oneOf(SOURCE), externalUserId: a.externalUserId(), target: a.bindTarget() }),
  unbind: (a) => done(a, { name: 'unbind', source: a.oneOf(SOURCE), externalUserId: a.externalUserId() }),
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
  settings: (a) => (a.end(), { name: 'settings' }),
  admin: (a) => done(a, { name: 'admin', action: a.oneOf(ACTION), user: a.user(USER) }),
  admins: (a) => (a.end(), { name: 'admins' }),
  status: (a) => (a.end(), { name: 'status' }),
  unresolved: (a) => (a.end(), { name: 'unresolved' }),
  retry: (a) => (a.end(), { name: 'retry' }),
  whoami: (a) => (a.end(), { name: 'whoami' }),
  doctor: (a) => (a.end(), { name: 'doctor' }),
};

/** Checks nothing is left over, then returns the command (its fields were read in order). */
function done<T>(a: Args, command: T): T {
  a.end();
  return command;
}

function run(name: CommandName, tokens: readonly string[], mentions: Map<string, Mention>): ParseResult {
  try {
    return { type: 'command', command: PARSERS[name](new Args(tokens, mentions)) };
  } catch (err) {
    if (!(err instanceof ArgProblem)) throw err;
    return { type: 'usage', command: name, usage: commandInfo(name).usage, problem: err.problem };
  }
}
