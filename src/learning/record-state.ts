/**
 * A learner's record for one learning item, as the reducers see it. The reducers are pure: the previous record
 * and one event in, the next record and the cards it calls for out.
 */
type LearningState =
  | 'enrolled'
  | 'in_progress'
  | 'passed'
  | 'failed'
  | 'completed'
  | 'awaiting_grading'
  | 'unenrolled'
  | 'removed'
  | 'unknown';

export type ItemType = 'course' | 'learningProgram' | 'certification' | 'exam' | 'checkin';

export interface RecordState {
  itemType: ItemType;
  itemId: string | null;
  itemName: string | null;
  state: LearningState;
  rawState: string | null;
  progressPercent: number | null;
  score: number | null;
  totalScore: number | null;
  passScore: number | null;
  enrolledAt: Date | null;
  completedAt: Date | null;
  enrollSource: 'self' | 'admin' | null;
  durationSeconds: number | null;
  facts: Record<string, unknown>;
  /** Card keys already decided for this record: each is sent at most once. */
  notified: string[];
  lastEventAt: Date | null;
}

/** A card the record calls for. `key` is unique per record (it goes into `notified` and the outbox dedupe key). */
export interface CardIntent {
  key: string;
  type: 'completion' | 'enrolled' | 'unenrolled' | 'exam' | 'checkin';
  /** The learner's manager gets a notice too. */
  toManager: boolean;
  /** What this event said, when the card must show it rather than the record (e.g. an older exam attempt). */
  snapshot?: Partial<RecordState>;
}

export interface Reduction {
  next: RecordState;
  cards: CardIntent[];
  /** Why the event changed nothing (stale, ignored by the ordering rules, unknown state): for the log. */
  note?: string;
}

export function emptyRecord(itemType: ItemType): RecordState {
  return {
    itemType,
    itemId: null,
    itemName: null,
    state: 'unknown',
    rawState: null,
    progressPercent: null,
    score: null,
    totalScore: null,
    passScore: null,
    enrolledAt: null,
    completedAt: null,
    enrollSource: null,
    durationSeconds: null,
    facts: {},
    notified: [],
    lastEventAt: null,
  };
}

/** Adds the intent when its key has not been used for this record yet. */
export function once(record: RecordState, cards: CardIntent[], intent: CardIntent): void {
  if (record.notified.includes(intent.key)) return;
  record.notified = [...record.notified, intent.key];
  cards.push(intent);
}

export function maxDate(...dates: (Date | null | undefined)[]): Date | null {
  let best: Date | null = null;
  for (const d of dates) if (d && (!best || d.getTime() > best.getTime())) best = d;
  return best;
}

/** Seconds or milliseconds since the epoch (or an ISO string) to a Date; 0, empty and garbage to null. */
export function toDate(value: unknown, unit: 's' | 'ms' = 'ms'): Date | null {
  if (value === null || value === undefined || value === '' || value === 0) return null;
  if (typeof value === 'string' && !/^\d+$/.test(value)) {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) return null;
  const d = new Date(unit === 's' ? n * 1000 : n);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function toNumber(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
