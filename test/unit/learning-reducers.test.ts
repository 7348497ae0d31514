import { describe, expect, it } from 'vitest';
import { loadFixture } from '../fixtures/index.js';
import { reduceAlm } from '../../src/learning/alm-reducer.js';
import { classifyAlmEvent, ALM_EVENT_NAMES, type AlmEvent } from '../../src/learning/alm-events.js';
import { reduceElearning, type ElearningRegistration } from '../../src/learning/feishu-reducer.js';
import { parseBeijingTime, reduceQingsuyun, type QingsuyunCallback } from '../../src/learning/qingsuyun-reducer.js';
import type { CardIntent, RecordState } from '../../src/learning/record-state.js';

const data = { userId: 42, loId: 'course:1', loInstanceId: 'course:1_1', loType: 'course' };
const ev = (eventId: string, eventName: string, at: string, extra: Record<string, unknown> = {}): AlmEvent => ({
  eventId,
  eventName,
  timestamp: new Date(at),
  data: { ...data, ...extra },
});
const E = ev('e1', 'COURSE_ENROLLMENT', '2024-11-08T01:00:00Z', {
  enrollmentSource: 'SELF_ENROLL',
  dateEnrolled: '2024-11-08T01:00:00Z',
});
const P = ev('p1', 'LEARNER_PROGRESS', '2024-11-08T02:00:00Z', {
  progressPercent: 50,
  dateStarted: '2024-11-08T01:30:00Z',
});
const C = ev('c1', 'COURSE_COMPLETED', '2024-11-08T03:00:00Z', {
  hasPassed: true,
  dateCompleted: '2024-11-08T03:00:00Z',
});
const CB = ev('c2', 'COURSE_COMPLETED_BATCH', '2024-11-08T03:00:05Z', {
  hasPassed: true,
  dateCompleted: '2024-11-08T03:00:00Z',
  enrollmentSource: 'ADMIN_ENROLL',
});

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

function fold(events: AlmEvent[]): { record: RecordState; cards: CardIntent[] } {
  let record: RecordState | undefined;
  const cards: CardIntent[] = [];
  const seen = new Set<string>();
  for (const e of events) {
    if (seen.has(e.eventId)) continue; // the inbox stores an event id once
    seen.add(e.eventId);
    const r = reduceAlm(record, e);
    record = r.next;
    cards.push(...r.cards);
  }
  return { record: record!, cards };
}

/** The record apart from whether the enrolment card went out (which depends on whether the enrolment came first). */
const comparable = (r: RecordState) => ({ ...r, notified: r.notified.filter((k) => k !== 'enrolled').sort() });

describe('ALM ordering rules', () => {
  // ...and an enrolment card only when the enrolment came first.
  it('any order of enrolment, progress, completion (with duplicates): one final record, one completion card', () => {
    const orders = permutations([E, P, C, E, C]);
    const first = fold(orders[0]!);
    expect(first.record).toMatchObject({ state: 'passed', progressPercent: 100, enrollSource: 'self' });
    expect(first.record.enrolledAt?.toISOString()).toBe('2024-11-08T01:00:00.000Z');
    expect(first.record.completedAt?.toISOString()).toBe('2024-11-08T03:00:00.000Z');
    for (const order of orders) {
      const { record, cards } = fold(order);
      expect(comparable(record)).toEqual(comparable(first.record));
      expect(cards.filter((c) => c.type === 'completion')).toHaveLength(1);
      const enrolmentFirst = order[0]!.eventName === 'COURSE_ENROLLMENT';
      expect(cards.filter((c) => c.type === 'enrolled')).toHaveLength(enrolmentFirst ? 1 : 0);
      expect(cards).toHaveLength(enrolmentFirst ? 2 : 1);
    }
  });

  it('no enrolment card once progress or completion is known, in any order (real-time and batch enrolments)', () => {
    const EB = ev('eb1', 'COURSE_ENROLLMENT_BATCH', '2024-11-08T01:00:00Z', { enrollmentSource: 'ADMIN_ENROLL' });
    for (const order of permutations([E, EB, P, C])) {
      const { cards } = fold(order);
      const firstEnrolment = order.findIndex((e) => e.eventName.startsWith('COURSE_ENROLLMENT'));
      const firstOther = order.findIndex((e) => !e.eventName.startsWith('COURSE_ENROLLMENT'));
      const expected = firstEnrolment < firstOther ? 1 : 0;
      expect(
        cards.filter((c) => c.type === 'enrolled'),
        order.map((e) => e.eventName).join(' '),
      ).toHaveLength(expected);
    }
    // Progress first: the enrolment that follows is ignored, state and card alike.
    const afterProgress = reduceAlm(fold([P]).record, E);
    expect(afterProgress.cards).toEqual([]);
    expect(afterProgress.next.state).toBe('in_progress');
    expect(reduceAlm(fold([C]).record, EB).cards).toEqual([]);
  });

  it('a real-time and a batch completion of one record give one completion card', () => {
    for (const order of permutations([E, P, C, CB])) {
      const { record, cards } = fold(order);
      expect(record.state).toBe('passed');
      expect(cards.filter((c) => c.type === 'completion')).toHaveLength(1);
    }
  });

  it('an enrolment after progress leaves the state in progress; progress after completion is ignored', () => {
    const afterProgress = fold([P, E]);
    expect(afterProgress.record.state).toBe('in_progress');
    expect(reduceAlm(fold([P]).record, E).note).toMatch(/enrolment after progress/);
    const lateProgress = reduceAlm(fold([C]).record, P);
    expect(lateProgress.note).toMatch(/progress after completion/);
    expect(lateProgress.next.state).toBe('passed');
    expect(lateProgress.next.progressPercent).toBe(100);
  });

  it('the timestamp decides between two progress events, in either order', () => {
    const P2 = ev('p2', 'LEARNER_PROGRESS', '2024-11-08T02:30:00Z', { progressPercent: 80 });
    expect(fold([P, P2]).record.progressPercent).toBe(80);
    expect(fold([P2, P]).record.progressPercent).toBe(80);
  });

  it('an unenrolment counts only when newer than everything else', () => {
    const U = ev('u1', 'COURSE_UNENROLLMENT', '2024-11-08T04:00:00Z', { enrollmentSource: 'ADMIN_ENROLL' });
    for (const order of permutations([E, P, U])) expect(fold(order).record.state).toBe('unenrolled');
    const early = ev('u0', 'COURSE_UNENROLLMENT', '2024-11-08T00:30:00Z');
    for (const order of permutations([early, E, P])) expect(fold(order).record.state).toBe('in_progress');
  });

  it('a failed completion is recorded as failed', () => {
    const failed = ev('c9', 'COURSE_COMPLETED', '2024-11-08T03:00:00Z', { hasPassed: false });
    expect(fold([E, failed]).record.state).toBe('failed');
  });

  it('knows every event name of the guide and each seed sample', () => {
    for (const name of ALM_EVENT_NAMES) expect(classifyAlmEvent(name).kind).not.toBe('unknown');
    expect(classifyAlmEvent('SOMETHING_NEW').kind).toBe('unknown');
    expect(classifyAlmEvent('LEARNING_PATH_ENROLLMENT_BATCH')).toEqual({
      kind: 'learner',
      action: 'enroll',
      itemType: 'learningProgram',
      batch: true,
    });
    const seed = loadFixture<{ events: { eventName: string }[] }>('alm/CERTIFICATION_COMPLETED.json');
    expect(classifyAlmEvent(seed.events[0]!.eventName)).toMatchObject({
      kind: 'learner',
      action: 'complete',
      itemType: 'certification',
    });
  });
});

describe('Feishu eLearning registrations', () => {
  const seed = loadFixture<{ event: ElearningRegistration }>(
    'feishu/elearning.course_registration.created_v2.json',
  ).event;
  const at = (ms: number) => new Date(ms);

  it('state 2 calls for a passed card to the learner and the manager, once', () => {
    const r = reduceElearning(undefined, 'upsert', { ...seed, learning_state: 2 }, at(1000));
    expect(r.next).toMatchObject({
      state: 'passed',
      enrollSource: 'admin',
      durationSeconds: 213,
      progressPercent: 100,
    });
    expect(r.next.enrolledAt?.getTime()).toBe(1708428972 * 1000);
    expect(r.cards).toEqual([{ key: 'completion', type: 'completion', toManager: true }]);
    const again = reduceElearning(r.next, 'upsert', { ...seed, learning_state: 2, learning_duration: 300 }, at(2000));
    expect(again.cards).toEqual([]);
    expect(again.next.durationSeconds).toBe(300);
  });

  it('state 3 calls for a card to the learner only; 0 and 1 for none', () => {
    expect(reduceElearning(undefined, 'upsert', { ...seed, learning_state: 3 }, at(1)).cards).toEqual([
      { key: 'not_passed', type: 'completion', toManager: false },
    ]);
    expect(reduceElearning(undefined, 'upsert', { ...seed, learning_state: 0 }, at(1))).toMatchObject({
      cards: [],
      next: { state: 'enrolled' },
    });
    expect(reduceElearning(undefined, 'upsert', { ...seed, learning_state: 1 }, at(1))).toMatchObject({
      cards: [],
      next: { state: 'in_progress' },
    });
  });

  it('an admin (1) or rule (3) assignment calls for the enrolled card; self-enrolment does not', () => {
    const fresh = { ...seed, learning_state: 0 };
    const enrolled = [{ key: 'enrolled', type: 'enrolled', toManager: false }];
    expect(reduceElearning(undefined, 'create', { ...fresh, enroll_type: 1 }, at(1)).cards).toEqual(enrolled);
    const byRule = { ...fresh, enroll_type: 3, learning_state: 1 };
    expect(reduceElearning(undefined, 'create', byRule, at(1)).cards).toEqual(enrolled);
    expect(reduceElearning(undefined, 'create', { ...fresh, enroll_type: 2 }, at(1)).cards).toEqual([]);
    expect(reduceElearning(undefined, 'create', { ...fresh, enroll_type: 4 }, at(1)).cards).toEqual([]);
    // Only the creation announces it: an update does not, and the same registration never twice.
    expect(reduceElearning(undefined, 'upsert', { ...fresh, enroll_type: 1 }, at(1)).cards).toEqual([]);
    const once = reduceElearning(undefined, 'create', { ...fresh, enroll_type: 1 }, at(1)).next;
    expect(reduceElearning(once, 'create', { ...fresh, enroll_type: 1 }, at(2)).cards).toEqual([]);
  });

  it('a deletion after a pass keeps the pass', () => {
    const passed = reduceElearning(undefined, 'upsert', { ...seed, learning_state: 2 }, at(1000)).next;
    const deleted = reduceElearning(passed, 'delete', { course_id: seed.course_id }, at(2000));
    expect(deleted.next).toMatchObject({ state: 'passed', progressPercent: 100 });
    expect(deleted.cards).toEqual([]);
  });

  it("records the seed's own state 4 as unknown, with no card", () => {
    const r = reduceElearning(undefined, 'upsert', seed, at(1));
    expect(r.next).toMatchObject({ state: 'unknown', rawState: '4' });
    expect(r.cards).toEqual([]);
    expect(r.note).toMatch(/unknown learning_state 4/);
  });

  it('ignores an older update arriving late, and marks a deletion removed', () => {
    const newer = reduceElearning(undefined, 'upsert', { ...seed, learning_state: 1 }, at(2000)).next;
    const stale = reduceElearning(newer, 'upsert', { ...seed, learning_state: 0 }, at(1000));
    expect(stale.next.state).toBe('in_progress');
    expect(reduceElearning(newer, 'delete', { course_id: seed.course_id }, at(3000)).next.state).toBe('removed');
  });
});

describe('Qingsuyun callbacks', () => {
  const sheet = loadFixture<QingsuyunCallback>('qingsuyun/answerSheet.json');

  it('parses ts as Beijing time', () => {
    expect(parseBeijingTime('2022-01-08 17:39:42.388')?.toISOString()).toBe('2022-01-08T09:39:42.388Z');
    expect(parseBeijingTime('garbage')).toBeNull();
  });

  it('grades the seed answer sheet (0 of 100, pass 60) as failed, to the learner and the manager', () => {
    const r = reduceQingsuyun(undefined, sheet, 'exam');
    expect(r.next).toMatchObject({
      state: 'failed',
      score: 0,
      totalScore: 100,
      passScore: 60,
      durationSeconds: 6,
      itemName: '试卷名称',
    });
    expect(r.cards).toMatchObject([{ type: 'exam', toManager: true }]);
  });

  it('treats judged 0 or empty as awaiting grading, not a fail, and tells only the learner', () => {
    for (const judged of [0, '', null]) {
      const r = reduceQingsuyun(undefined, { ...sheet, eventBody: { ...sheet.eventBody, judged } }, 'exam');
      expect(r.next.state).toBe('awaiting_grading');
      expect(r.next.score).toBeNull();
      expect(r.cards).toMatchObject([{ type: 'exam', toManager: false }]);
    }
  });

  it('a later graded callback for the same sheet calls for the result card', () => {
    const pending = reduceQingsuyun(undefined, { ...sheet, eventBody: { ...sheet.eventBody, judged: 0 } }, 'exam');
    const graded = reduceQingsuyun(
      pending.next,
      { ...sheet, uuid: 'u2', eventBody: { ...sheet.eventBody, realScore: 75 } },
      'exam',
    );
    expect(graded.next.state).toBe('passed');
    expect(graded.cards).toMatchObject([{ type: 'exam', toManager: true }]);
  });

  it('course completion, courseware progress and check-in streaks', () => {
    const course = loadFixture<QingsuyunCallback>('qingsuyun/courseFinish.json');
    expect(reduceQingsuyun(undefined, course, 'course')).toMatchObject({
      next: { state: 'completed', itemName: '回调课程111', progressPercent: 100 },
      cards: [{ type: 'completion', toManager: true }],
    });
    const ware = loadFixture<QingsuyunCallback>('qingsuyun/coursewareFinish.json');
    expect(reduceQingsuyun(undefined, ware, 'course')).toMatchObject({ next: { state: 'in_progress' }, cards: [] });
    const clock = loadFixture<QingsuyunCallback>('qingsuyun/clockFinish.json');
    const r = reduceQingsuyun(undefined, clock, 'checkin');
    expect(r.cards).toMatchObject([{ type: 'checkin', toManager: false, snapshot: { facts: { days: 1 } } }]);
  });
});
