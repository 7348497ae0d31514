import { card, cardBytes, markdown, note, t, timeText, userText, type I18nText } from './kit.js';
import { itemNameText } from './item.js';
import { itemTypeName, scoreText } from './learning.js';

/** One course, exam, … of the user's, from any source. */
export interface ProgressItem {
  sourceLabel: string;
  /** Null when no name is known: the line says where the item is, with its id. */
  itemName: string | null;
  itemId?: string | null;
  place?: I18nText;
  itemType: string;
  /** enrolled | in_progress | passed | failed | completed | awaiting_grading | unenrolled | removed | unknown */
  state: string;
  score?: number | null;
  totalScore?: number | null;
  completedAt?: Date | null;
  progressPercent?: number | null;
}

interface ProgressCardInput {
  items: ProgressItem[];
  timeZone: string;
}

const UNKNOWN_STATE = t('状态未知', 'Unknown');

/** Learning record states in words. */
const PROGRESS_STATES: Readonly<Record<string, I18nText>> = {
  enrolled: t('已报名', 'Enrolled'),
  in_progress: t('学习中', 'In progress'),
  passed: t('✅ 已通过', '✅ Passed'),
  failed: t('❌ 未通过', '❌ Not passed'),
  completed: t('✅ 已完成', '✅ Completed'),
  awaiting_grading: t('⏳ 待阅卷', '⏳ Awaiting grading'),
  unenrolled: t('已退出', 'Unenrolled'),
  removed: t('已移除', 'Removed'),
  unknown: UNKNOWN_STATE,
};

/** At most this many items are listed; the rest are counted. */
const MAX_PROGRESS_ITEMS = 40;
/** The list is shortened further if the card would exceed this many bytes (Feishu's limit is 30 KB). */
const BYTE_BUDGET = 24 * 1024;

function itemLine(item: ProgressItem, timeZone: string): I18nText {
  const type = itemTypeName(item.itemType);
  const named = item.itemName !== null && item.itemName !== '';
  const naming = { name: item.itemName, ...(item.place && { place: item.place }) };
  const label = itemNameText(naming, type, 32);
  const id = !named && item.itemId ? userText(item.itemId, 40) : null;
  const state = PROGRESS_STATES[item.state] ?? UNKNOWN_STATE;
  const parts: I18nText[] = [state];
  if (item.state === 'in_progress' && item.progressPercent != null) {
    const percent = `${Math.round(Math.min(100, Math.max(0, item.progressPercent)))}%`;
    parts[0] = t(`${state.zh} ${percent}`, `${state.en} ${percent}`);
  }
  if (item.score != null) {
    const score = scoreText(item.score, item.totalScore);
    parts.push(item.state === 'awaiting_grading' ? t(`暂定 ${score}`, `provisional ${score}`) : t(score, score));
  }
  if (item.completedAt) parts.push(timeText(item.completedAt, timeZone));
  const kind = id ? t(`${type.zh} ID ${id}`, `${type.en} id ${id}`) : type;
  return t(
    `- ${label.zh}（${kind.zh}）· ${parts.map((p) => p.zh).join(' · ')}`,
    `- ${label.en} (${kind.en}) · ${parts.map((p) => p.en).join(' · ')}`,
  );
}

function buildCard(items: ProgressItem[], shown: number, timeZone: string): Record<string, unknown> {
  const title = t('我的学习进度', 'My learning progress');
  const elements: Record<string, unknown>[] = [];
  if (items.length === 0) {
    elements.push(
      markdown(t('你还没有任何课程或考试记录。', 'Nothing yet: you have no courses or exams on record.'), 'empty'),
    );
    return card({ title, template: 'blue', summary: title, elements });
  }
  // Group the shown items by source, in order of first appearance.
  const groups = new Map<string, I18nText[]>();
  for (const item of items.slice(0, shown)) {
    const lines = groups.get(item.sourceLabel) ?? [];
    lines.push(itemLine(item, timeZone));
    groups.set(item.sourceLabel, lines);
  }
  let index = 0;
  for (const [label, lines] of groups) {
    const heading = `**${userText(label, 80)}**`;
    elements.push(
      markdown(
        t([heading, ...lines.map((l) => l.zh)].join('\n'), [heading, ...lines.map((l) => l.en)].join('\n')),
        `source_${index++}`,
      ),
    );
  }
  const more = items.length - shown;
  if (more > 0) elements.push(note(t(`……还有 ${more} 项未显示`, `…and ${more} more`), 'more'));
  const count = t(`共 ${items.length} 项`, `${items.length} ${items.length === 1 ? 'item' : 'items'}`);
  return card({
    title,
    template: 'blue',
    summary: t(`${title.zh}：${count.zh}`, `${title.en}: ${count.en}`),
    elements,
  });
}

/** The user's courses and exams across sources, grouped by source; at most 40 listed, always far below 30 KB. */
export function progressCard({ items, timeZone }: ProgressCardInput): Record<string, unknown> {
  let shown = Math.min(items.length, MAX_PROGRESS_ITEMS);
  let result = buildCard(items, shown, timeZone);
  while (shown > 1 && cardBytes(result) > BYTE_BUDGET) {
    shown = Math.max(1, Math.floor(shown * 0.75));
    result = buildCard(items, shown, timeZone);
  }
  return result;
}
