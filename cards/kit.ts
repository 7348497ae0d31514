/**
 * Building blocks for Feishu card JSON 2.0. Pure functions: data in, card JSON out.
 * Text is Chinese by default (`content`), with English in `i18n_content.en_us`; `config.locales` lists both.
 */

export interface I18nText {
  zh: string;
  en: string;
}

export type HeaderTemplate = 'blue' | 'wathet' | 'turquoise' | 'green' | 'yellow' | 'orange' | 'red' | 'carmine' | 'violet' | 'purple' | 'indigo' | 'grey' | 'default';

/** Feishu refuses card content over 30 KB. */
export const MAX_CARD_BYTES = 30 * 1024;

export const t = (zh: string, en: string): I18nText => ({ zh, en });

function i18n(text: I18nText) {
  return { content: text.zh, i18n_content: { zh_cn: text.zh, en_us: text.en } };
}

export function plainText(text: I18nText) {
  return { tag: 'plain_text', ...i18n(text) };
}

export function markdown(text: I18nText, elementId?: string) {
  return { tag: 'markdown', ...i18n(text), ...(elementId ? { element_id: elementId } : {}) };
}

export function divider() {
  return { tag: 'hr' };
}

export interface CardSpec {
  title: I18nText;
  subtitle?: I18nText;
  template: HeaderTemplate;
  summary: I18nText;
  elements: Record<string, unknown>[];
}

export function card(spec: CardSpec): Record<string, unknown> {
  return {
    schema: '2.0',
    config: { update_multi: true, width_mode: 'fill', locales: ['zh_cn', 'en_us'], summary: i18n(spec.summary) },
    header: {
      title: plainText(spec.title),
      ...(spec.subtitle ? { subtitle: plainText(spec.subtitle) } : {}),
      template: spec.template,
    },
    body: { direction: 'vertical', elements: spec.elements },
  };
}

export function cardBytes(cardJson: unknown): number {
  return Buffer.byteLength(JSON.stringify(cardJson), 'utf8');
}

/** Throws when a card would be refused by Feishu for its size (error 230025). */
export function assertCardSize(cardJson: unknown): void {
  const bytes = cardBytes(cardJson);
  if (bytes > MAX_CARD_BYTES) throw new Error(`Card is ${bytes} bytes; Feishu accepts at most ${MAX_CARD_BYTES}.`);
}
