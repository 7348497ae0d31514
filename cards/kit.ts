/**
 * Building blocks for Feishu card JSON 2.0. Pure functions: data in, card JSON out.
 * Text is Chinese by default (`content`), with English in `i18n_content.en_us`; `config.locales` lists both.
 */

export interface I18nText {
  zh: string;
  en: string;
}

export type HeaderTemplate =
  | 'blue'
  | 'wathet'
  | 'turquoise'
  | 'green'
  | 'yellow'
  | 'orange'
  | 'red'
  | 'carmine'
  | 'violet'
  | 'purple'
  | 'indigo'
  | 'grey'
  | 'default';

/** Feishu refuses card content over 30 KB. */
export const MAX_CARD_BYTES = 30 * 1024;

export const t = (zh: string, en: string): I18nText => ({ zh, en });

/** The days of the week, Monday first (ISO day 1 is index 0). */
const WEEKDAY_TEXTS: readonly I18nText[] = [
  t('周一', 'Monday'),
  t('周二', 'Tuesday'),
  t('周三', 'Wednesday'),
  t('周四', 'Thursday'),
  t('周五', 'Friday'),
  t('周六', 'Saturday'),
  t('周日', 'Sunday'),
];

/** A day of the week by its ISO number (1 = Monday … 7 = Sunday). */
export const weekdayText = (isoDay: number): I18nText => WEEKDAY_TEXTS[(((isoDay - 1) % 7) + 7) % 7]!;

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

interface CardSpec {
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

// ---------------------------------------------------------------------------------------------------------------
// Text helpers shared by the card builders.

/** A card language chosen by a user. */
export type Lang = 'zh' | 'en';

/** Builds an I18nText by calling `fn` once per language. */
function perLang(fn: (lang: Lang) => string): I18nText {
  return { zh: fn('zh'), en: fn('en') };
}

/**
 * Feishu's card markdown entity for each character that could format text, start a link or a tag (`<at …>`),
 * or open an entity (`&`). Feishu documents HTML numeric entities as the way to show these characters literally.
 */
const MD_ENTITIES: Readonly<Record<string, string>> = {
  '\\': '&#92;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '[': '&#91;',
  ']': '&#93;',
  '(': '&#40;',
  ')': '&#41;',
  '<': '&#60;',
  '>': '&#62;',
  '#': '&#35;',
  '`': '&#96;',
  '|': '&#124;',
  '&': '&#38;',
};

/**
 * Makes user data (names, course names) safe inside card markdown: every markdown special character
 * (`* _ ~ [ ] ( ) < > # ` | \` and `&`) becomes an HTML entity, and line breaks become spaces.
 */
export function escapeMd(s: string): string {
  return s.replace(/\r\n|[\r\n]/g, ' ').replace(/[\\*_~[\]()<>#`|&]/g, (c) => MD_ENTITIES[c] ?? c);
}

/** Shortens `s` to at most `max` characters (code points), ending with `…` when cut. */
export function clip(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** User data ready for markdown: clipped to `max` characters, then escaped. */
export function userText(s: string, max = 200): string {
  return escapeMd(clip(s, max));
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

function timeFormat(timeZone: string): Intl.DateTimeFormat {
  let format = timeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'shortOffset',
    });
    timeFormats.set(timeZone, format);
  }
  return format;
}

/**
 * Local time in an IANA zone with its UTC offset: `2024-11-08 11:49 (UTC+8)` in English,
 * `2024-11-08 11:49（UTC+8）` in Chinese. An unknown zone falls back to UTC; an invalid date gives `-`.
 */
export function formatTime(date: Date, timeZone: string, lang: Lang): string {
  if (Number.isNaN(date.getTime())) return '-';
  let format: Intl.DateTimeFormat;
  try {
    format = timeFormat(timeZone);
  } catch {
    format = timeFormat('UTC');
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(date)) parts[part.type] = part.value;
  const offset = (parts.timeZoneName ?? 'GMT').replace(/^GMT/, '');
  const zone = `UTC${offset === '+0' || offset === '-0' ? '' : offset}`;
  const local = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  return lang === 'zh' ? `${local}（${zone}）` : `${local} (${zone})`;
}

/** A duration in words: `1小时2分` / `1 h 2 min`, `5分30秒` / `5 min 30 s`, `6秒` / `6 s`. */
export function formatDuration(seconds: number, lang: Lang): string {
  const total = Number.isFinite(seconds) ? Math.max(0, Math.round(seconds)) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const zh = lang === 'zh';
  const unit = (n: number, zhUnit: string, enUnit: string) => (zh ? `${n}${zhUnit}` : `${n} ${enUnit}`);
  const join = (a: string, b: string) => (zh ? `${a}${b}` : `${a} ${b}`);
  if (h > 0) return m > 0 ? join(unit(h, '小时', 'h'), unit(m, '分', 'min')) : unit(h, '小时', 'h');
  if (m > 0) return s > 0 ? join(unit(m, '分', 'min'), unit(s, '秒', 's')) : unit(m, '分', 'min');
  return unit(s, '秒', 's');
}

/** formatTime in both languages. */
export function timeText(date: Date, timeZone: string): I18nText {
  return perLang((lang) => formatTime(date, timeZone, lang));
}

/** formatDuration in both languages. */
export function durationText(seconds: number): I18nText {
  return perLang((lang) => formatDuration(seconds, lang));
}

/** A number for display: at most two decimals, no trailing zeros (`95`, `87.5`). */
export function formatNumber(n: number): string {
  return String(Number(n.toFixed(2)));
}

/**
 * For a user who chose a card language: a deep copy of `card` where every object with `i18n_content` has
 * `content` set to that language's text and `i18n_content` removed, and `config.locales` is removed.
 */
export function localize<T>(cardJson: T, lang: Lang): T {
  const key = lang === 'zh' ? 'zh_cn' : 'en_us';
  const walk = (value: unknown, parentKey: string | undefined): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v, undefined));
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    const source = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(source)) {
      if (k === 'i18n_content' || (parentKey === 'config' && k === 'locales')) continue;
      out[k] = walk(v, k);
    }
    const texts = source.i18n_content as Record<string, unknown> | undefined;
    if (texts && typeof texts === 'object') {
      const text = texts[key];
      if (typeof text === 'string') out.content = text;
    }
    return out;
  };
  return walk(cardJson, undefined) as T;
}

// ---------------------------------------------------------------------------------------------------------------
// Element helpers.

/** Small grey footnote text (markdown at `notation` size, in `<font color='grey'>`). */
export function note(text: I18nText, elementId?: string) {
  const grey = (s: string) => `<font color='grey'>${s}</font>`;
  return { ...markdown(t(grey(text.zh), grey(text.en)), elementId), text_size: 'notation' };
}

/** One markdown element of `**label**：value` lines. Values must already be escaped. */
export function fieldLines(rows: ReadonlyArray<readonly [I18nText, I18nText]>, elementId?: string) {
  return markdown(
    {
      zh: rows.map(([label, value]) => `**${label.zh}**：${value.zh}`).join('\n'),
      en: rows.map(([label, value]) => `**${label.en}**: ${value.en}`).join('\n'),
    },
    elementId,
  );
}

type ButtonType =
  | 'default'
  | 'primary'
  | 'danger'
  | 'text'
  | 'primary_text'
  | 'danger_text'
  | 'primary_filled'
  | 'danger_filled'
  | 'laser';

/** A button that sends `value` to the bot's card callback. */
export function callbackButton(text: I18nText, value: Record<string, unknown>, type: ButtonType = 'default') {
  return { tag: 'button', text: plainText(text), type, behaviors: [{ type: 'callback', value }] };
}

/** A button that opens `url`. */
export function linkButton(text: I18nText, url: string, type: ButtonType = 'default') {
  return { tag: 'button', text: plainText(text), type, behaviors: [{ type: 'open_url', default_url: url }] };
}

/** A greyed-out button that does nothing, e.g. after its action was done. */
export function disabledButton(text: I18nText, type: ButtonType = 'default') {
  return { tag: 'button', text: plainText(text), type, disabled: true };
}

/** Buttons side by side. */
export function buttonRow(buttons: Record<string, unknown>[], elementId?: string) {
  return {
    tag: 'column_set',
    flex_mode: 'none',
    horizontal_spacing: '8px',
    ...(elementId ? { element_id: elementId } : {}),
    columns: buttons.map((button) => ({ tag: 'column', width: 'auto', elements: [button] })),
  };
}
