/**
 * A manager's team cards: the weekly digest (also on demand with `team`), with a "Nudge" button per person who is
 * overdue or stalled; the nudge a learner then gets (their reminder card, from the manager); and the escalation of
 * an overdue course to the learner's manager (and later the manager's manager). Pure: data in, card JSON out.
 */
import {
  callbackButton,
  card,
  cardBytes,
  clip,
  disabledButton,
  markdown,
  MAX_CARD_BYTES,
  note,
  plainText,
  t,
  userText,
  type I18nText,
} from './kit.js';
import { itemIdNote, itemNameText, itemPhrase, type ItemNaming } from './item.js';
import { itemTypeName, sourceNote } from './learning.js';

/** The callback value of a digest's "Nudge" button. */
export interface NudgeActionValue {
  action: 'nudge';
  /** The digest the card shows (team_digest id). */
  digest: string;
  /** The learner's open_id. */
  learner: string;
}

export type DigestItemStatus = 'overdue' | 'stalled' | 'in_progress' | 'completed' | 'passed';

/** One course of one person, as the digest shows it. */
export interface DigestItem extends ItemNaming {
  /** The learning record (not shown: what a nudge is about). */
  recordId?: string;
  itemType: string;
  status: DigestItemStatus;
  /** Days overdue (overdue) or without progress (stalled). */
  days?: number;
  /** Progress in percent, where the source gives it. */
  percent?: number | null;
}

/** One person: every source's courses under one name, most urgent first. */
export interface DigestPerson {
  openId: string;
  /** Null when no name is known: Feishu shows the person's name from the mention. */
  name: string | null;
  items: DigestItem[];
  /** Overdue or stalled: the card offers "Nudge". */
  nudge: boolean;
}

export interface DigestCardInput {
  digestId: string;
  /** The week the digest looks back on (local dates, inclusive). */
  from: string;
  to: string;
  /** The people shown, most urgent first. */
  people: DigestPerson[];
  /** People with something to say who are not shown (a long team). */
  more: number;
  totals: { completed: number; inProgress: number; overdue: number; stalled: number };
  /** People nudged from this card. */
  nudged: readonly string[];
  /** Asked for with `team` (else the weekly one). */
  onDemand?: boolean;
}

/** At most this many people on one card; the rest are counted. */
export const DIGEST_MAX_PEOPLE = 10;
/** At most this many courses per person; the rest are counted. */
const MAX_ITEMS = 5;

/** A mention Feishu renders as the person's name (open_ids are letters, digits, _ and -). */
const mentionOf = (openId: string) => (/^[A-Za-z0-9_-]{1,100}$/.test(openId) ? `<at id=${openId}></at>` : '?');

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function statusText(item: DigestItem): I18nText {
  const d = item.days ?? 0;
  switch (item.status) {
    case 'overdue':
      return t(`🔴 逾期 ${d} 天`, `🔴 ${plural(d, 'day')} overdue`);
    case 'stalled':
      return t(`🟠 ${d} 天无进展`, `🟠 no progress for ${plural(d, 'day')}`);
    case 'in_progress':
      return item.percent != null
        ? t(`🔵 进行中 ${Math.round(item.percent)}%`, `🔵 in progress ${Math.round(item.percent)}%`)
        : t('🔵 进行中', '🔵 in progress');
    case 'completed':
      return t('✅ 本周完成', '✅ completed this week');
    case 'passed':
      return t('✅ 本周通过', '✅ passed this week');
  }
}

function itemLine(item: DigestItem): I18nText {
  const status = statusText(item);
  const name = itemNameText(item, itemTypeName(item.itemType), 40);
  const place = item.place ? t(`（${item.place.zh}）`, ` (${item.place.en})`) : t('', '');
  return t(`- ${status.zh} · ${name.zh}${place.zh}`, `- ${status.en} · ${name.en}${place.en}`);
}

function personBlock(p: DigestPerson): I18nText {
  const name = p.name ? userText(p.name, 40) : mentionOf(p.openId);
  const shown = p.items.slice(0, MAX_ITEMS).map(itemLine);
  const rest = p.items.length - shown.length;
  const lines = [t(`**${name}**`, `**${name}**`), ...shown];
  if (rest > 0) lines.push(t(`- 另有 ${rest} 门`, `- and ${rest} more`));
  return t(lines.map((l) => l.zh).join('\n'), lines.map((l) => l.en).join('\n'));
}

function digestElements(input: DigestCardInput, people: DigestPerson[], more: number): Record<string, unknown>[] {
  const { totals } = input;
  const nudged = new Set(input.nudged);
  const summary = t(
    `${input.from} 至 ${input.to}：本周完成或通过 ${totals.completed} 项，进行中 ${totals.inProgress} 项，` +
      `逾期 ${totals.overdue} 项，停滞 ${totals.stalled} 项。`,
    `${input.from} to ${input.to}: ${totals.completed} completed or passed this week, ${totals.inProgress} in ` +
      `progress, ${totals.overdue} overdue, ${totals.stalled} stalled.`,
  );
  const elements: Record<string, unknown>[] = [markdown(summary, 'summary')];
  people.forEach((p, i) => {
    elements.push(markdown(personBlock(p), `person${i}`));
    if (!p.nudge) return;
    if (nudged.has(p.openId)) {
      elements.push({ ...disabledButton(t('已催促', 'Nudged')), element_id: `nudge${i}` });
    } else {
      const value: NudgeActionValue = { action: 'nudge', digest: input.digestId, learner: p.openId };
      elements.push({ ...callbackButton(t('催一下', 'Nudge'), { ...value }), element_id: `nudge${i}` });
    }
  });
  if (more > 0)
    elements.push(
      note(t(`另有 ${more} 位成员未列出。`, `${plural(more, 'more person', 'more people')} not shown.`), 'more'),
    );
  elements.push(
    note(
      t(
        '「催一下」会立即给学员发一条学习提醒（在工作时间内）。发送「团队」随时查看；「静音 周报」不再接收每周周报。',
        '"Nudge" sends the learner a reminder now (within working hours). Send "team" any time; ' +
          '"mute digest" stops the weekly digest.',
      ),
      'hint',
    ),
  );
  return elements;
}

/** The team digest; fewer people are shown (and counted instead) when the card would be too big for Feishu. */
export function teamDigestCard(input: DigestCardInput): Record<string, unknown> {
  const title = input.onDemand ? t('团队学习情况', 'Team learning') : t('团队学习周报', 'Weekly team digest');
  const build = (n: number) =>
    card({
      title,
      template: input.totals.overdue > 0 ? 'orange' : 'blue',
      summary: t(
        `${title.zh}：逾期 ${input.totals.overdue}，停滞 ${input.totals.stalled}`,
        `${title.en}: ${input.totals.overdue} overdue, ${input.totals.stalled} stalled`,
      ),
      elements: digestElements(input, input.people.slice(0, n), input.more + input.people.length - n),
    });
  let n = Math.min(input.people.length, DIGEST_MAX_PEOPLE);
  let out = build(n);
  while (n > 0 && cardBytes(out) > MAX_CARD_BYTES) out = build(--n);
  return out;
}

/**
 * A manager's nudge as the learner sees it: the learner's own reminder card for the course (progress, due date,
 * "Remind me tomorrow", "Stop reminders for this course"), titled as coming from the manager, with their name on
 * top. Null name: "your manager".
 */
export function asNudge(reminder: Record<string, unknown>, managerName: string | null): Record<string, unknown> {
  const who = managerName ? t(userText(managerName, 40), userText(managerName, 40)) : t('你的经理', 'Your manager');
  const line = markdown(
    t(`👋 **${who.zh}** 提醒你继续学习这门课程。`, `👋 **${who.en}** asks you to keep going with this course.`),
    'nudged_by',
  );
  const title = t('来自经理的学习提醒', 'A reminder from your manager');
  const header = (reminder.header ?? {}) as Record<string, unknown>;
  const body = (reminder.body ?? {}) as { elements?: unknown[] };
  return {
    ...reminder,
    header: { ...header, title: plainText(title) },
    body: { ...body, elements: [line, ...(body.elements ?? [])] },
  };
}

export interface EscalationCardInput extends ItemNaming {
  itemType: string;
  learnerName: string;
  /** 1: to the learner's manager; 2: to the manager's manager, naming the manager. */
  level: 1 | 2;
  managerName?: string | null;
  dueOn: string;
  daysOverdue: number;
  sourceLabel: string;
}

/** An assigned course overdue for a while, to the learner's manager (or, later, the manager's manager). */
export function escalationCard(input: EscalationCardInput): Record<string, unknown> {
  const type = itemTypeName(input.itemType);
  const item = itemPhrase(input, type);
  const learner = userText(input.learnerName, 40);
  const d = input.daysOverdue;
  const via =
    input.level === 2 && input.managerName
      ? t(`（经理：${userText(input.managerName, 40)}）`, ` (manager: ${userText(input.managerName, 40)})`)
      : t('', '');
  const body = t(
    `**${learner}**${via.zh} 的${item.zh}已逾期 **${d} 天**（截止 ${input.dueOn}）。`,
    `**${learner}**${via.en} is **${plural(d, 'day')}** past the due date (${input.dueOn}) of ${item.en}.`,
  );
  const ask =
    input.level === 1
      ? t('请和 TA 聊一聊，帮助 TA 完成。', 'Please check in with them and help them finish.')
      : t(
          '已提醒 TA 的经理，但仍未完成。请跟进。',
          'Their manager was told, and it is still not finished. Please follow up.',
        );
  const elements: Record<string, unknown>[] = [markdown(body, 'message'), markdown(ask, 'ask')];
  const idNote = itemIdNote(input, type);
  if (idNote) elements.push(idNote);
  elements.push(sourceNote(input.sourceLabel));
  const title =
    input.level === 1
      ? t('团队成员学习逾期', 'Overdue learning in your team')
      : t('逾期学习升级', 'Overdue learning escalated');
  const who = clip(input.learnerName.replace(/\s+/g, ' '), 30);
  return card({ title, template: 'red', summary: t(`${title.zh}：${who}`, `${title.en}: ${who}`), elements });
}
