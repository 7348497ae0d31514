/**
 * The systems events come from, and how each is named. Every other module takes these from here.
 * `feishu` is both the chat platform and a learning source (Feishu eLearning).
 */
import type { Text } from './text.js';

export const SOURCES = ['feishu', 'alm', 'qingsuyun'] as const;
export type Source = (typeof SOURCES)[number];

/** Learning platforms whose accounts an admin can bind to Feishu users (Feishu's own ids need no binding). */
export const BINDABLE_SOURCES = ['alm', 'qingsuyun'] as const satisfies readonly Source[];
export type BindableSource = (typeof BINDABLE_SOURCES)[number];

export function isSource(value: string): value is Source {
  return (SOURCES as readonly string[]).includes(value);
}

/** Words accepted in commands for each bindable source (lower case), besides its own name. */
export const SOURCE_ALIASES: Record<BindableSource, readonly string[]> = {
  alm: ['adobe'],
  qingsuyun: ['轻速云', 'qsy'],
};

/** Short names, inside sentences (receipts, status). */
export const SOURCE_NAMES: Record<Source, Text> = {
  alm: { zh: 'ALM', en: 'ALM' },
  qingsuyun: { zh: '轻速云', en: 'Qingsuyun' },
  feishu: { zh: '飞书学习', en: 'Feishu eLearning' },
};

/** Labels shown small on cards ("Source: …"), each reader's in their language. */
export const SOURCE_CARD_NAMES: Record<Source, Text> = {
  feishu: { zh: '飞书学习', en: 'Feishu eLearning' },
  alm: { zh: 'Adobe Learning Manager', en: 'Adobe Learning Manager' },
  qingsuyun: { zh: '轻速云', en: 'Qingsuyun' },
};

/** Both names in one string (`飞书学习 / Feishu eLearning`), for lists that group by source. */
export const SOURCE_LABELS = Object.fromEntries(
  SOURCES.map((s) => {
    const { zh, en } = SOURCE_CARD_NAMES[s];
    return [s, zh === en ? en : `${zh} / ${en}`];
  }),
) as Record<Source, string>;

/** The label of a stored source string; an unknown one is shown as it is. */
export const sourceLabel = (source: string): string => (isSource(source) ? SOURCE_LABELS[source] : source);

/** The position of a source when lists are grouped by source (unknown sources last). */
export const sourceRank = (source: string): number => (isSource(source) ? SOURCES.indexOf(source) : SOURCES.length);
