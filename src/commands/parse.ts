/**
 * Pure parser for the text commands people send to the bot (`im.message.receive_v1` text messages).
 * It never throws; it does not check who may run a command (see `adminOnly` in the catalog).
 * Its parts: `parse/tokens.ts` (text → words and mentions), `parse/args.ts` (the argument reader) and
 * `parse/parsers.ts` (each command's arguments).
 */
import type { I18nText } from '../../cards/kit.js';
import { COMMANDS, commandInfo, type CommandName } from './catalog.js';
import { ArgProblem, Args } from './parse/args.js';
import { PARSERS, type ParsedCommand } from './parse/parsers.js';
import { botKeys, MAX_COMMAND_TEXT, mentionMap, tokenize, type Mention } from './parse/tokens.js';

export type { BindTarget, UserRef } from './parse/args.js';
export type { ParsedCommand };
export { extractText, MAX_COMMAND_TEXT, type Mention } from './parse/tokens.js';

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

function run(name: CommandName, tokens: readonly string[], mentions: Map<string, Mention>): ParseResult {
  try {
    return { type: 'command', command: PARSERS[name](new Args(tokens, mentions)) };
  } catch (err) {
    if (!(err instanceof ArgProblem)) throw err;
    return { type: 'usage', command: name, usage: commandInfo(name).usage, problem: err.problem };
  }
}
