/**
 * Qingsuyun (轻速云) callbacks folded into learner records: exams per paper, courses per course,
 * check-in tasks per task. Pure.
 */
import {
  emptyRecord,
  maxDate,
  once,
  toDate,
  toNumber,
  type CardIntent,
  type ItemType,
  type RecordState,
  type Reduction,
} from './record-state.js';

type QingsuyunType = 'answerSheet' | 'courseFinish' | 'coursewareFinish' | 'clockFinish';
export const QINGSUYUN_TYPES: readonly QingsuyunType[] = [
  'answerSheet',
  'courseFinish',
  'coursewareFinish',
  'clockFinish',
];

export interface QingsuyunCallback {
  ts?: string;
  uuid: string;
  type: string;
  eventBody: Record<string, unknown>;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/** `ts` is Beijing local time without a zone ("2022-01-08 17:39:42.388"). */
export function parseBeijingTime(ts: string | undefined): Date | null {
  const m = ts && /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/.exec(ts.trim());
  if (!m) return null;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}+08:00`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The learner as Qingsuyun names them: the account code (examineeCode / userCode), else its internal userId. */
export function qingsuyunLearner(body: Record<string, unknown>): { code?: string; name?: string } {
  return {
    code: str(body.examineeCode) ?? str(body.userCode) ?? str(body.userId),
    name: str(body.examineeName) ?? str(body.nickName),
  };
}

/** Which record a callback belongs to. */
export function qingsuyunItem(
  type: string,
  body: Record<string, unknown>,
): { key: string; itemType: ItemType } | undefined {
  if (type === 'answerSheet') return keyed('exam', str(body.paperId), 'exam');
  if (type === 'courseFinish' || type === 'coursewareFinish') return keyed('course', str(body.courseId), 'course');
  if (type === 'clockFinish') return keyed('checkin', str(body.clockId), 'checkin');
  return undefined;
}
const keyed = (prefix: string, id: string | undefined, itemType: ItemType) =>
  id ? { key: `${prefix}:${id}`, itemType } : undefined;

export function reduceQingsuyun(prev: RecordState | undefined, cb: QingsuyunCallback, itemType: ItemType): Reduction {
  const b = cb.eventBody;
  const base = prev ?? emptyRecord(itemType);
  const next: RecordState = { ...base, facts: { ...base.facts }, notified: [...base.notified] };
  const cards: CardIntent[] = [];
  const at = parseBeijingTime(cb.ts);
  next.lastEventAt = maxDate(base.lastEventAt, at);

  switch (cb.type) {
    case 'answerSheet': {
      const sheetId = str(b.id) ?? cb.uuid;
      const finished = toDate(b.endTime);
      const judged = toNumber(b.judged);
      const graded = judged !== null && judged !== 0;
      const sheet: Partial<RecordState> = {
        itemId: str(b.paperId) ?? next.itemId,
        itemName: str(b.paperName) ?? next.itemName,
        score: graded ? toNumber(b.realScore) : null,
        totalScore: toNumber(b.totalScore),
        passScore: toNumber(b.passScore),
        durationSeconds: toNumber(b.useDuration),
        completedAt: finished,
        state: !graded ? 'awaiting_grading' : examPassed(b) ? 'passed' : 'failed',
        rawState: graded ? 'judged' : 'awaiting_grading',
      };
      // Several sheets for one paper are retakes: the latest one is the record.
      const latest = toDate(next.facts.sheetEnd as string | undefined);
      if (!latest || !finished || finished.getTime() >= latest.getTime()) {
        Object.assign(next, sheet);
        next.facts = { ...next.facts, sheetId, sheetEnd: finished?.toISOString() ?? null };
      }
      once(next, cards, {
        key: `exam:${sheetId}:${graded ? 'graded' : 'pending'}`,
        type: 'exam',
        toManager: graded,
        snapshot: sheet,
      });
      break;
    }
    case 'courseFinish':
      next.itemId = str(b.courseId) ?? next.itemId;
      next.itemName = str(b.courseName) ?? next.itemName;
      next.state = 'completed';
      next.rawState = 'courseFinish';
      next.progressPercent = 100;
      next.completedAt = toDate(b.finishedTime) ?? at;
      next.durationSeconds = toNumber(b.studyedDuration) ?? next.durationSeconds;
      once(next, cards, { key: 'completion', type: 'completion', toManager: true });
      break;
    case 'coursewareFinish': {
      next.itemId = str(b.courseId) ?? next.itemId;
      next.itemName = str(b.courseName) ?? next.itemName;
      const done = new Set((next.facts.coursewares as string[] | undefined) ?? []);
      const id = str(b.coursewareId);
      if (id && toNumber(b.finished) !== 0) done.add(id);
      next.facts = { ...next.facts, coursewares: [...done].slice(0, 500) };
      if (next.state !== 'completed') {
        next.state = 'in_progress';
        next.rawState = 'coursewareFinish';
      }
      break;
    }
    case 'clockFinish': {
      const days = toNumber(b.days) ?? 0;
      next.itemId = str(b.clockId) ?? next.itemId;
      next.itemName = str(b.clockName) ?? next.itemName;
      next.state = 'completed';
      next.rawState = 'clockFinish';
      next.completedAt = toDate(b.endTime) ?? at;
      const rightRatio = str(b.rightRatio) ?? null;
      next.facts = { ...next.facts, days: Math.max(days, toNumber(next.facts.days) ?? 0), rightRatio };
      const snapshot = { completedAt: next.completedAt, facts: { days, rightRatio } };
      once(next, cards, { key: `checkin:${days}`, type: 'checkin', toManager: false, snapshot });
      break;
    }
    default:
      return { next: base, cards: [], note: `unknown callback type ${cb.type}` };
  }
  return { next, cards };
}

/** Passed when the real score reaches the pass mark (no pass mark: any graded sheet passes). */
function examPassed(b: Record<string, unknown>): boolean {
  const score = toNumber(b.realScore) ?? 0;
  const pass = toNumber(b.passScore);
  return pass === null ? true : score >= pass;
}
