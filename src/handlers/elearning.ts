/** Feishu eLearning course registrations: `elearning.course_registration.{created,updated,deleted}_v2`. */
import { z } from 'zod';
import { reduceElearning, type ElearningAction, type ElearningRegistration } from '../learning/feishu-reducer.js';
import { learningOutcome } from './learning-outcome.js';
import { handles, type TypedHandler } from './types.js';

const ids = z.looseObject({
  open_id: z.string().optional(),
  user_id: z.string().optional(),
  union_id: z.string().optional(),
});
const numeric = z.union([z.number(), z.string()]).optional();

const Registration = z.looseObject({
  header: z.looseObject({ create_time: numeric }).optional(),
  event: z
    .looseObject({
      course_id: z.string().optional(),
      learner: z.looseObject({ user_id: ids.optional() }).optional(),
      learning_state: numeric,
    })
    .optional(),
});
type RegistrationBody = z.output<typeof Registration>;

/** Card-worthy learning states: 2 passed, 3 not passed. */
const CARD_STATES = new Set([2, 3]);
/** A new registration in these states (not started, learning) may announce an assignment. */
const ASSIGNED_STATES = new Set([0, 1]);

function registrationHandler(action: ElearningAction): TypedHandler<RegistrationBody> {
  return async (ctx) => {
    const body = ctx.payload;
    const reg = (body.event ?? {}) as ElearningRegistration;
    const userIds = body.event?.learner?.user_id;
    const learnerId = userIds?.open_id ?? userIds?.user_id ?? userIds?.union_id;
    if (!reg.course_id || !learnerId) {
      ctx.log.warn('course registration without a course_id or learner; nothing to record');
      ctx.note('no course_id or learner: nothing to record');
      return {};
    }
    const createdAt = new Date(Number(body.header?.create_time) || ctx.event.receivedAt.getTime());
    return learningOutcome(ctx, {
      ref: { source: 'feishu', externalUserId: learnerId, hints: { openId: userIds?.open_id } },
      itemKey: reg.course_id,
      itemType: 'course',
      reduce: (prev) => reduceElearning(prev, action, reg, createdAt),
      mayNotify:
        (action !== 'delete' && CARD_STATES.has(Number(reg.learning_state))) ||
        (action === 'create' && ASSIGNED_STATES.has(Number(reg.learning_state))),
    });
  };
}

export const elearningHandlers = [
  ...handles('feishu', 'elearning.course_registration.created_v2', Registration, registrationHandler('create')),
  ...handles('feishu', 'elearning.course_registration.updated_v2', Registration, registrationHandler('upsert')),
  ...handles('feishu', 'elearning.course_registration.deleted_v2', Registration, registrationHandler('delete')),
];
