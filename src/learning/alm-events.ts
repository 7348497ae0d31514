/** What each ALM webhook event name means, real-time and batch alike (`…_BATCH`). Pure. */
import type { ItemType } from './record-state.js';

export interface AlmEvent {
  eventId: string;
  eventName: string;
  timestamp: Date;
  data: Record<string, unknown>;
}

type AlmEventKind =
  | { kind: 'learner'; action: 'enroll' | 'unenroll' | 'complete'; itemType: ItemType; batch: boolean }
  | { kind: 'progress' }
  | { kind: 'ci_stats' }
  | { kind: 'learning_object'; action: 'draft' | 'modified' | 'deleted'; batch: boolean }
  | { kind: 'instance'; action: 'modified' | 'deleted'; batch: boolean }
  | { kind: 'unknown' };

const ITEM: Record<string, ItemType> = {
  COURSE: 'course',
  LEARNING_PATH: 'learningProgram',
  CERTIFICATION: 'certification',
};
const ACTION = { ENROLLMENT: 'enroll', UNENROLLMENT: 'unenroll', COMPLETED: 'complete' } as const;

/** Every event name ALM sends, so that an unknown one can be told apart and recorded as such. */
export const ALM_EVENT_NAMES: readonly string[] = [
  ...Object.keys(ITEM).flatMap((item) => Object.keys(ACTION).flatMap((a) => [`${item}_${a}`, `${item}_${a}_BATCH`])),
  'LEARNER_PROGRESS',
  'CI_STATS',
  'LEARNING_OBJECT_DRAFT',
  'LEARNING_OBJECT_MODIFICATION',
  'LEARNING_OBJECT_MODIFICATION_BATCH',
  'LEARNING_OBJECT_DELETION',
  'LEARNING_OBJECT_INSTANCE_MODIFICATION',
  'LEARNING_OBJECT_INSTANCE_MODIFICATION_BATCH',
  'LEARNING_OBJECT_INSTANCE_DELETION',
];

export function classifyAlmEvent(eventName: string): AlmEventKind {
  const learner = /^(COURSE|LEARNING_PATH|CERTIFICATION)_(ENROLLMENT|UNENROLLMENT|COMPLETED)(_BATCH)?$/.exec(eventName);
  if (learner) {
    const [, item, action, batch] = learner as unknown as [
      string,
      keyof typeof ITEM,
      keyof typeof ACTION,
      string | undefined,
    ];
    return { kind: 'learner', action: ACTION[action], itemType: ITEM[item]!, batch: Boolean(batch) };
  }
  switch (eventName) {
    case 'LEARNER_PROGRESS':
      return { kind: 'progress' };
    case 'CI_STATS':
      return { kind: 'ci_stats' };
    case 'LEARNING_OBJECT_DRAFT':
      return { kind: 'learning_object', action: 'draft', batch: false };
    case 'LEARNING_OBJECT_MODIFICATION':
    case 'LEARNING_OBJECT_MODIFICATION_BATCH':
      return { kind: 'learning_object', action: 'modified', batch: eventName.endsWith('_BATCH') };
    case 'LEARNING_OBJECT_DELETION':
      return { kind: 'learning_object', action: 'deleted', batch: false };
    case 'LEARNING_OBJECT_INSTANCE_MODIFICATION':
    case 'LEARNING_OBJECT_INSTANCE_MODIFICATION_BATCH':
      return { kind: 'instance', action: 'modified', batch: eventName.endsWith('_BATCH') };
    case 'LEARNING_OBJECT_INSTANCE_DELETION':
      return { kind: 'instance', action: 'deleted', batch: false };
    default:
      return { kind: 'unknown' };
  }
}

/** The ALM loType of a learning object id (`course:123` → course) when the event does not say. */
export function itemTypeOf(loType: unknown, loId: unknown): ItemType {
  const t = typeof loType === 'string' ? loType : typeof loId === 'string' ? loId.split(':')[0] : '';
  if (t === 'learningProgram' || t === 'certification') return t;
  return 'course';
}

/** Self-enrolment or not: `enrollmentSource` when given, else real-time events are the learner's own doing. */
export function enrollSourceOf(data: Record<string, unknown>, batch: boolean): 'self' | 'admin' {
  const source = data.enrollmentSource;
  if (typeof source === 'string' && source) return source === 'SELF_ENROLL' ? 'self' : 'admin';
  return batch ? 'admin' : 'self';
}
