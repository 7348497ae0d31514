/** Feishu eLearning course registrations: `elearning.course_registration.{created,updated,deleted}_v2`. */
import { reduceElearning, type ElearningRegistration } from '../learning/feishu-reducer.js';
import { learningOutcome } from './learning.js';
import type { Handler } from './types.js';

interface V2Body {
  header?: { create_time?: string };
  event?: ElearningRegistration;
}

const CARD_STATES = new Set([2, 3]);

function registrationHandler(action: 'upsert' | 'delete'): Handler {
  return async (ctx) => {
    const body = ctx.event.payload as V2Body;
    const reg = body.event ?? {};
    const ids = reg.learner?.user_id;
    const learnerId = ids?.open_id ?? ids?.user_id ?? ids?.union_id;
    if (!reg.course_id || !learnerId) {
      ctx.log.warn('course registration without a course_id or learner; nothing to record');
      return {};
    }
    const createdAt = new Date(Number(body.header?.create_time) || ctx.event.receivedAt.getTime());
    return learningOutcome(ctx, {
      ref: { source: 'feishu', externalUserId: learnerId, hints: { openId: ids?.open_id } },
      itemKey: reg.course_id,
      itemType: 'course',
      reduce: (prev) => reduceElearning(prev, action, reg, createdAt),
      mayNotify: action === 'upsert' && CARD_STATES.has(Number(reg.learning_state)),
    });
  };
}

export const elearningUpserted = registrationHandler('upsert');
export const elearningDeleted = registrationHandler('delete');
