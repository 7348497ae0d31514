import { card, markdown, type HeaderTemplate, type I18nText } from './kit.js';

interface ReplyCardInput {
  title: I18nText;
  /** Markdown written by the bot; escape any user data in it with `escapeMd` first. */
  body: I18nText;
  template?: HeaderTemplate;
}

/** A small card for command replies and receipts. */
export function replyCard({ title, body, template = 'blue' }: ReplyCardInput): Record<string, unknown> {
  return card({ title, template, summary: title, elements: [markdown(body, 'body')] });
}

/** The toast of a card callback response (`{ toast: … }`). */
export interface Toast {
  type: 'info' | 'success' | 'error' | 'warning';
  content: string;
  i18n: { zh_cn: string; en_us: string };
}

/** A card-callback toast: Chinese by default, with both languages in `i18n`. */
export function toast(type: Toast['type'], text: I18nText): Toast {
  return { type, content: text.zh, i18n: { zh_cn: text.zh, en_us: text.en } };
}
