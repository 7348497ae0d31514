import {
  card,
  durationText,
  fieldLines,
  formatNumber,
  markdown,
  note,
  t,
  timeText,
  userText,
  type HeaderTemplate,
  type I18nText,
} from './kit.js';
import { itemIdNote, itemPhrase, itemSummary, type ItemNaming } from './item.js';

export type { ItemNaming } from './item.js';

/** Learning items a learner can complete or be enrolled in. */
type LearningItemType = 'course' | 'learningProgram' | 'certification';

/** Item types in words, for use inside a sentence ("the course …"). Unknown types have no entry. */
const ITEM_TYPE_NAMES: Readonly<Record<string, I18nText>> = {
  course: t('课程', 'course'),
  learningProgram: t('学习路径', 'learning path'),
  certification: t('认证', 'certification'),
  exam: t('考试', 'exam'),
  checkin: t('打卡任务', 'check-in task'),
};

/** The item type in words; an unknown type is shown as given (escaped). */
export function itemTypeName(itemType: string): I18nText {
  return ITEM_TYPE_NAMES[itemType] ?? t(userText(itemType, 40), userText(itemType, 40));
}

type Row = readonly [I18nText, I18nText];
type Element = Record<string, unknown>;

/** `95 / 100`, or `95` without a total. */
export function scoreText(score: number, totalScore?: number | null): string {
  return totalScore != null ? `${formatNumber(score)} / ${formatNumber(totalScore)}` : formatNumber(score);
}

/** The small "source" footnote every learning card ends with. */
/** Where a card's fact comes from: one name, or a name per language (each reader sees theirs). */
export type SourceLabel = string | I18nText;

export function sourceNote(sourceLabel: SourceLabel): Element {
  const { zh, en } = typeof sourceLabel === 'string' ? { zh: sourceLabel, en: sourceLabel } : sourceLabel;
  return note(t(`来源：${userText(zh, 80)}`, `Source: ${userText(en, 80)}`), 'source');
}

function learningCard(
  title: I18nText,
  template: HeaderTemplate,
  item: ItemNaming | string,
  body: I18nText,
  rows: Row[],
  sourceLabel: SourceLabel,
  itemType: I18nText = t('课程', 'course'),
) {
  const naming: ItemNaming = typeof item === 'string' ? { name: item } : item;
  const elements: Element[] = [markdown(body, 'message')];
  if (rows.length > 0) elements.push(fieldLines(rows, 'details'));
  const idNote = itemIdNote(naming, itemType);
  if (idNote) elements.push(idNote);
  elements.push(sourceNote(sourceLabel));
  const name = itemSummary(naming, itemType);
  return card({ title, template, summary: t(`${title.zh}：${name.zh}`, `${title.en}: ${name.en}`), elements });
}

/** The item of a card input: its name (null when unknown), its id and its platform. */
const naming = (input: { itemName: string | null; itemId?: string | null; place?: I18nText }): ItemNaming => ({
  name: input.itemName,
  id: input.itemId ?? null,
  ...(input.place ? { place: input.place } : {}),
});

/** An item's name (null when none is known: the card then says where it is and shows `itemId` small). */
interface NamedItemInput {
  itemName: string | null;
  itemId?: string | null;
  /** The platform in words, for an item without a name. */
  place?: I18nText;
}

export interface CompletionCardInput extends NamedItemInput {
  itemType: LearningItemType;
  outcome: 'passed' | 'failed' | 'completed';
  completedAt?: Date;
  score?: number;
  totalScore?: number;
  durationSeconds?: number;
  /** How the source is named, shown small (e.g. "Adobe Learning Manager"). */
  sourceLabel: SourceLabel;
  timeZone: string;
}

const COMPLETION_TITLES: Record<LearningItemType, { done: I18nText; failed: I18nText; doneTemplate: HeaderTemplate }> =
  {
    course: {
      done: t('课程已通过', 'Course passed'),
      failed: t('课程未通过', 'Course not passed'),
      doneTemplate: 'green',
    },
    learningProgram: {
      done: t('学习路径已完成', 'Learning path completed'),
      failed: t('学习路径未通过', 'Learning path not passed'),
      doneTemplate: 'turquoise',
    },
    certification: {
      done: t('认证已完成', 'Certification completed'),
      failed: t('认证未通过', 'Certification not passed'),
      doneTemplate: 'violet',
    },
  };

/** A learner's course, learning path or certification result: passed, not passed, or completed. */
export function completionCard(input: CompletionCardInput): Record<string, unknown> {
  const { itemType, outcome } = input;
  const type = itemTypeName(itemType);
  const item = itemPhrase(naming(input), type);
  const titles = COMPLETION_TITLES[itemType];
  let title = titles.done;
  if (outcome === 'failed') title = titles.failed;
  else if (itemType === 'course' && outcome === 'completed') title = t('课程已完成', 'Course completed');
  const body =
    outcome === 'failed'
      ? t(`很遗憾，你未通过${item.zh}，可以再试一次。`, `You did not pass ${item.en}. You can try again.`)
      : outcome === 'passed'
        ? t(`🎉 恭喜你通过了${item.zh}！`, `🎉 Congratulations, you passed ${item.en}!`)
        : t(`🎉 恭喜你完成了${item.zh}！`, `🎉 Congratulations, you completed ${item.en}!`);
  const rows: Row[] = [];
  if (input.score != null)
    rows.push([
      t('成绩', 'Score'),
      t(scoreText(input.score, input.totalScore), scoreText(input.score, input.totalScore)),
    ]);
  if (input.durationSeconds != null) rows.push([t('学习时长', 'Time spent'), durationText(input.durationSeconds)]);
  if (input.completedAt) rows.push([t('完成时间', 'Completed'), timeText(input.completedAt, input.timeZone)]);
  return learningCard(
    title,
    outcome === 'failed' ? 'orange' : titles.doneTemplate,
    naming(input),
    body,
    rows,
    input.sourceLabel,
    type,
  );
}

interface ExamResultCardInput {
  examName: string;
  score: number | null;
  totalScore?: number;
  passScore?: number;
  outcome: 'passed' | 'failed' | 'awaiting_grading';
  durationSeconds?: number;
  finishedAt?: Date;
  sourceLabel: SourceLabel;
  timeZone: string;
}

/** A learner's exam result. Awaiting grading is neutral: any score shown is marked provisional. */
export function examResultCard(input: ExamResultCardInput): Record<string, unknown> {
  const name = userText(input.examName);
  const { outcome, score } = input;
  const rows: Row[] = [];
  if (score != null) {
    const value = scoreText(score, input.totalScore);
    rows.push(
      outcome === 'awaiting_grading'
        ? [t('暂定得分', 'Provisional score'), t(`${value}（阅卷后确定）`, `${value} (final after grading)`)]
        : [t('成绩', 'Score'), t(value, value)],
    );
  }
  if (input.passScore != null)
    rows.push([t('及格分', 'Pass mark'), t(formatNumber(input.passScore), formatNumber(input.passScore))]);
  if (input.durationSeconds != null) rows.push([t('用时', 'Time used'), durationText(input.durationSeconds)]);
  if (input.finishedAt) rows.push([t('交卷时间', 'Submitted'), timeText(input.finishedAt, input.timeZone)]);
  if (outcome === 'passed') {
    const body = t(`🎉 恭喜你通过了考试 **${name}**！`, `🎉 Congratulations, you passed the exam **${name}**!`);
    return learningCard(t('考试通过', 'Exam passed'), 'green', input.examName, body, rows, input.sourceLabel);
  }
  if (outcome === 'failed') {
    const body = t(`很遗憾，你未通过考试 **${name}**。`, `You did not pass the exam **${name}**.`);
    return learningCard(t('考试未通过', 'Exam not passed'), 'orange', input.examName, body, rows, input.sourceLabel);
  }
  const body = t(
    `你已提交考试 **${name}** 的答卷，阅卷完成后会公布最终成绩。`,
    `Your answers to the exam **${name}** are in. The final score comes after grading.`,
  );
  return learningCard(
    t('答卷已提交，等待阅卷', 'Submitted, awaiting grading'),
    'blue',
    input.examName,
    body,
    rows,
    input.sourceLabel,
  );
}

export interface EnrolledCardInput extends NamedItemInput {
  itemType: LearningItemType;
  enrolledBy: 'self' | 'admin';
  enrolledAt?: Date;
  sourceLabel: SourceLabel;
  timeZone: string;
}

/** Tells a learner they are enrolled, by themselves or by an admin/manager. */
export function enrolledCard(input: EnrolledCardInput): Record<string, unknown> {
  const type = itemTypeName(input.itemType);
  const item = itemPhrase(naming(input), type);
  const body =
    input.enrolledBy === 'self'
      ? t(`你已报名${item.zh}。`, `You enrolled in ${item.en}.`)
      : t(`管理员或你的经理为你报名了${item.zh}。`, `An admin or your manager enrolled you in ${item.en}.`);
  const rows: Row[] = input.enrolledAt ? [[t('报名时间', 'Enrolled'), timeText(input.enrolledAt, input.timeZone)]] : [];
  return learningCard(t('报名成功', 'Enrolled'), 'blue', naming(input), body, rows, input.sourceLabel, type);
}

export interface UnenrolledCardInput extends NamedItemInput {
  itemType: LearningItemType;
  by: 'self' | 'admin';
  sourceLabel: SourceLabel;
  timeZone: string;
}

/** Tells a learner they left an item, or were removed from it by an admin/manager. */
export function unenrolledCard(input: UnenrolledCardInput): Record<string, unknown> {
  const type = itemTypeName(input.itemType);
  const item = itemPhrase(naming(input), type);
  const body =
    input.by === 'self'
      ? t(`你已退出${item.zh}。`, `You left ${item.en}.`)
      : t(`管理员或你的经理已将你从${item.zh} 中移除。`, `An admin or your manager removed you from ${item.en}.`);
  return learningCard(t('已退出学习', 'Unenrolled'), 'grey', naming(input), body, [], input.sourceLabel, type);
}

interface CheckinCardInput {
  taskName: string;
  days: number;
  finishedAt?: Date;
  /** As the source gives it, e.g. `"80.00%"`. */
  rightRatio?: string;
  sourceLabel: SourceLabel;
  timeZone: string;
}

/** A check-in done, with the streak in days. */
export function checkinCard(input: CheckinCardInput): Record<string, unknown> {
  const name = userText(input.taskName);
  const days = Math.max(0, Math.floor(input.days));
  const body = t(
    `✅ 打卡成功！你在 **${name}** 已坚持打卡 **${days}** 天。`,
    `✅ Checked in! You have kept up **${name}** for **${days}** ${days === 1 ? 'day' : 'days'}.`,
  );
  const rows: Row[] = [];
  if (input.rightRatio)
    rows.push([t('正确率', 'Correct answers'), t(userText(input.rightRatio, 20), userText(input.rightRatio, 20))]);
  if (input.finishedAt) rows.push([t('打卡时间', 'Checked in'), timeText(input.finishedAt, input.timeZone)]);
  return learningCard(t('打卡成功', 'Checked in'), 'turquoise', input.taskName, body, rows, input.sourceLabel);
}
