/**
 * Feishu eLearning course registrations (`elearning.course_registration.{created,updated,deleted}_v2`)
 * folded into one record per learner and course. Each event carries the whole registration, so the newest
 * event (header.create_time) wins and an older one arriving late changes nothing.
 */
import {
  emptyRecord,
  once,
  toDate,
  toNumber,
  type CardIntent,
  type RecordState,
  type Reduction,
} from './record-state.js';

export interface ElearningRegistration {
  course_id?: string;
  learner?: { user_id?: { open_id?: string; user_id?: string; union_id?: string }; email?: string; phone?: string };
  enroll_at?: number;
  enroll_type?: number;
  learning_duration?: number;
  finished_at?: number;
  learning_state?: number;
  compulsory_lesson_ids?: string[];
  learned_compulsory_lesson_ids?: string[];
  optional_lesson_ids?: string[];
  learned_optional_lesson_ids?: string[];
}

/** learning_state: 0 not started, 1 learning, 2 passed, 3 not passed. Anything else is recorded as unknown. */
const STATES: Record<number, RecordState['state']> = { 0: 'enrolled', 1: 'in_progress', 2: 'passed', 3: 'failed' };
/** enroll_type: 1 assigned by an admin, 2 joined by the learner, 3 added by a rule, 4 application approved. */
const SELF_ENROLL_TYPES = new Set([2, 4]);

/**
 * `create` is a created_v2 event: the only one that may announce the registration to the learner (an assignment
 * by an admin or a rule, while the course is not finished yet), the same "enrolled" card an admin enrolment in
 * another source sends. `upsert` is an updated_v2 event; `delete` a deleted_v2 event.
 */
export type ElearningAction = 'create' | 'upsert' | 'delete';

export function reduceElearning(
  prev: RecordState | undefined,
  action: ElearningAction,
  body: ElearningRegistration,
  createdAt: Date,
): Reduction {
  const base = prev ?? emptyRecord('course');
  const last = toDate(base.facts.createTime as string | undefined);
  if (last && createdAt.getTime() < last.getTime()) {
    return { next: base, cards: [], note: 'older than the registration already recorded: ignored' };
  }
  const next: RecordState = {
    ...base,
    facts: { ...base.facts, createTime: createdAt.toISOString() },
    notified: [...base.notified],
  };
  next.itemId = body.course_id ?? next.itemId;
  next.lastEventAt = createdAt;
  const cards: CardIntent[] = [];
  if (action === 'delete') {
    // A course passed stays passed when its registration is deleted afterwards (the learner earned it).
    if (base.state === 'passed') {
      next.facts = { ...next.facts, registrationDeletedAt: createdAt.toISOString() };
      return { next, cards, note: 'registration deleted after a pass: the pass is kept' };
    }
    next.state = 'removed';
    return { next, cards };
  }

  const rawState = toNumber(body.learning_state);
  next.rawState = rawState === null ? null : String(rawState);
  next.state = (rawState !== null && STATES[rawState]) || 'unknown';
  next.enrolledAt = toDate(body.enroll_at, 's') ?? next.enrolledAt;
  next.enrollSource =
    body.enroll_type === undefined ? next.enrollSource : SELF_ENROLL_TYPES.has(body.enroll_type) ? 'self' : 'admin';
  next.durationSeconds = toNumber(body.learning_duration) ?? next.durationSeconds;
  const required = body.compulsory_lesson_ids?.length ?? 0;
  const learned = body.learned_compulsory_lesson_ids?.length ?? 0;
  next.progressPercent =
    next.state === 'passed' ? 100 : required > 0 ? Math.round((learned / required) * 100) : next.progressPercent;
  next.facts = {
    ...next.facts,
    lessons: {
      compulsory: required,
      learnedCompulsory: learned,
      optional: body.optional_lesson_ids?.length ?? 0,
      learnedOptional: body.learned_optional_lesson_ids?.length ?? 0,
    },
  };
  if (next.state === 'passed' || next.state === 'failed') next.completedAt = toDate(body.finished_at, 's') ?? createdAt;

  const assigned = action === 'create' && next.enrollSource === 'admin';
  if (assigned && (next.state === 'enrolled' || next.state === 'in_progress'))
    once(next, cards, { key: 'enrolled', type: 'enrolled', toManager: false });
  if (next.state === 'passed') once(next, cards, { key: 'completion', type: 'completion', toManager: true });
  else if (next.state === 'failed') once(next, cards, { key: 'not_passed', type: 'completion', toManager: false });
  const note =
    next.state === 'unknown' ? `unknown learning_state ${String(body.learning_state)}: recorded, no card` : undefined;
  return { next, cards, ...(note ? { note } : {}) };
}
