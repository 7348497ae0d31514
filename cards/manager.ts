import {
  callbackButton,
  card,
  clip,
  disabledButton,
  fieldLines,
  formatNumber,
  markdown,
  t,
  timeText,
  userText,
  type HeaderTemplate,
  type I18nText,
} from './kit.js';
import { itemIdNote, itemPhrase, type ItemNaming } from './item.js';
import { itemTypeName, scoreText, sourceNote, type SourceLabel } from './learning.js';

/** The callback value of the "Send congratulations" button. */
interface CongratulateValue {
  action: 'congratulate';
  /** The learning record the congratulations are about. */
  record: string;
  /** The learner's open_id. */
  learner: string;
}

interface ManagerNoticeCardInput {
  learnerName: string;
  /** Null when no name is known: the card says where the item is and shows `itemId` small. */
  itemName: string | null;
  itemId?: string | null;
  place?: I18nText;
  itemType: 'course' | 'learningProgram' | 'certification' | 'exam';
  outcome: 'passed' | 'failed' | 'completed' | 'awaiting_grading';
  score?: number | null;
  totalScore?: number;
  passScore?: number;
  completedAt?: Date;
  sourceLabel: SourceLabel;
  timeZone: string;
  /** Offer a "Send congratulations" button (passed or completed only); `sentAt` once they were sent. */
  congratulate?: { recordId: string; learnerOpenId: string; sentAt?: Date };
}

const OUTCOMES: Record<ManagerNoticeCardInput['outcome'], { title: I18nText; template: HeaderTemplate }> = {
  passed: { title: t('团队成员通过了学习', 'Team member passed'), template: 'green' },
  completed: { title: t('团队成员完成了学习', 'Team member completed'), template: 'green' },
  failed: { title: t('团队成员未通过', 'Team member did not pass'), template: 'orange' },
  awaiting_grading: { title: t('团队成员已交卷，等待阅卷', 'Team member awaiting grading'), template: 'blue' },
};

/** Tells a manager about a report's completion or exam result, with an optional one-click congratulation. */
export function managerNoticeCard(input: ManagerNoticeCardInput): Record<string, unknown> {
  const learner = userText(input.learnerName, 60);
  const type = itemTypeName(input.itemType);
  const naming: ItemNaming = {
    name: input.itemName,
    id: input.itemId ?? null,
    ...(input.place && { place: input.place }),
  };
  const item = itemPhrase(naming, type);
  const { title, template } = OUTCOMES[input.outcome];
  const verbs: Record<ManagerNoticeCardInput['outcome'], I18nText> = {
    passed: t('通过了', 'passed'),
    completed: t('完成了', 'completed'),
    failed: t('未通过', 'did not pass'),
    awaiting_grading: t('提交了', 'submitted'),
  };
  const verb = verbs[input.outcome];
  const body = t(
    `**${learner}** ${verb.zh}${item.zh}${input.outcome === 'awaiting_grading' ? '，正在等待阅卷' : ''}。`,
    `**${learner}** ${verb.en} ${item.en}` +
      `${input.outcome === 'awaiting_grading' ? ', which is awaiting grading' : ''}.`,
  );

  const rows: (readonly [I18nText, I18nText])[] = [];
  if (input.score != null) {
    const value = scoreText(input.score, input.totalScore);
    rows.push(
      input.outcome === 'awaiting_grading'
        ? [t('暂定得分', 'Provisional score'), t(`${value}（阅卷后确定）`, `${value} (final after grading)`)]
        : [t('成绩', 'Score'), t(value, value)],
    );
  }
  if (input.passScore != null)
    rows.push([t('及格分', 'Pass mark'), t(formatNumber(input.passScore), formatNumber(input.passScore))]);
  if (input.completedAt) rows.push([t('时间', 'When'), timeText(input.completedAt, input.timeZone)]);

  const elements: Record<string, unknown>[] = [markdown(body, 'message')];
  if (rows.length > 0) elements.push(fieldLines(rows, 'details'));
  const { congratulate } = input;
  if (congratulate && (input.outcome === 'passed' || input.outcome === 'completed')) {
    if (congratulate.sentAt) {
      elements.push({ ...disabledButton(t('已发送祝贺', 'Congratulations sent')), element_id: 'congratulate' });
    } else {
      const value: CongratulateValue = {
        action: 'congratulate',
        record: congratulate.recordId,
        learner: congratulate.learnerOpenId,
      };
      elements.push({
        ...callbackButton(t('发送祝贺', 'Send congratulations'), { ...value }, 'primary'),
        element_id: 'congratulate',
      });
    }
  }
  const idNote = itemIdNote(naming, type);
  if (idNote) elements.push(idNote);
  elements.push(sourceNote(input.sourceLabel));

  const who = clip(input.learnerName.replace(/\s+/g, ' '), 30);
  return card({ title, template, summary: t(`${title.zh}：${who}`, `${title.en}: ${who}`), elements });
}
