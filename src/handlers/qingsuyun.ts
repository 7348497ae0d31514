/** Qingsuyun (轻速云) callbacks: answer sheets, course and courseware completions, check-ins. */
import { z } from 'zod';
import { qingsuyunItem, qingsuyunLearner, QINGSUYUN_TYPES, reduceQingsuyun } from '../learning/qingsuyun-reducer.js';
import { learningOutcome } from './learning-outcome.js';
import { handles } from './types.js';

const Callback = z.looseObject({
  ts: z.string().optional(),
  uuid: z.string(),
  type: z.string(),
  eventBody: z.record(z.string(), z.unknown()),
});

export const qingsuyunHandlers = handles('qingsuyun', QINGSUYUN_TYPES, Callback, async (ctx) => {
  const cb = ctx.payload;
  const body = cb.eventBody;
  const learner = qingsuyunLearner(body);
  const item = qingsuyunItem(cb.type, body);
  if (!learner.code || !item) {
    ctx.log.warn({ type: cb.type }, 'Qingsuyun callback without a learner or an item; nothing to record');
    ctx.note('no learner or item: nothing to record');
    return {};
  }
  return learningOutcome(ctx, {
    ref: { source: 'qingsuyun', externalUserId: learner.code, hints: { name: learner.name } },
    itemKey: item.key,
    itemType: item.itemType,
    reduce: (prev) => reduceQingsuyun(prev, { ...cb, eventBody: body }, item.itemType),
    mayNotify: cb.type !== 'coursewareFinish',
  });
});
