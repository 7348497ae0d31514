/** Feishu eLearning course registrations: `elearning.course_registration.{created,updated,deleted}_v2`. */
import { z } from 'zod';
import { reduceElearning, type ElearningAction, type ElearningRegistration } from '../learning/feishu-reducer.js';
import { learningOutcome } from './learning-outcome.js';
import { handles, type TypedHandler } from './types.js';

/** The learner's ids: at least one of them. */
const ids = z
  .looseObject({
    open_id: z.string().min(1).optional(),
    user_id: z.string().min(1).optional(),
    union_id: z.string().min(1).optional(),
  })
  .refine((i) => i.open_id ?? i.user_id ?? i.union_id, 'needs open_id, user_id or union_id');
/** Numbers Feishu may also send as strings. */
const numeric = z.coerce.number().optional();

const Registration = z.looseObject({
  header: z.looseObject({ create_time: z.union([z.number(), z.string()]).optional() }).optional(),
  event: z.looseObject({
    course_id: z.string().min(1),
    learner: z.looseObject({ user_id: ids }),
    learning_state: numeric,
  }),
});
type RegistrationBody = z.output<typeof Registration>;

/** Card-worthy learning states: 2 passed, 3 not passed. */
const CARD_STATES = new Set([2, 3]);
/** A new registration in these states (not started, learning) may announce an assignment. */
const ASSIGNED_STATES = new Set([0, 1]);

function registrationHandler(action: ElearningAction): TypedHandler<RegistrationBody> {
  return async (ctx) => {
    const body = ctx.payload;
    const reg: ElearningRegistration = body.event;
    const userIds = body.event.learner.user_id;
    // The schema has checked that one of them is there.
    const learnerId = userIds.open_id ?? userIds.user_id ?? userIds.union_id ?? '';
    const createdAt = new Date(Number(body.header?.create_time) || ctx.event.receivedAt.getTime());
    return learningOutcome(ctx, {
      ref: { source: 'feishu', externalUserId: learnerId, hints: { openId: userIds.open_id } },
      itemKey: body.event.course_id,
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
