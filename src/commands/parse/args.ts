/**
 * The argument reader: takes a command's words in order and turns each into a value, or throws an `ArgProblem`
 * that says in both languages what is wrong with it. Pure.
 */
import { clip, type I18nText } from '../../../cards/kit.js';
import { openIdOf, type Mention } from './tokens.js';

/** A Feishu user named in a command: by @mention, or by a typed `ou_…` open_id. */
export type UserRef = { kind: 'user'; openId: string; name?: string } | { kind: 'open_id'; openId: string };

/** Who an external account is bound to. */
export type BindTarget = UserRef | { kind: 'email'; email: string };

/** Thrown by argument readers; turned into a `usage` result by the parser. */
export class ArgProblem {
  constructor(readonly problem: I18nText) {}
}

/** A word as quoted back in a problem (clipped). */
const show = (tok: string) => clip(tok, 32);

/** A fixed set of words (in both languages) and the value each stands for. */
export interface Choice<T> {
  label: I18nText;
  hint: I18nText;
  words: Map<string, T>;
}

export function choice<T>(label: I18nText, hint: I18nText, entries: [T, readonly string[]][]): Choice<T> {
  return { label, hint, words: new Map(entries.flatMap(([value, words]) => words.map((w) => [w, value] as const))) };
}

export class Args {
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
