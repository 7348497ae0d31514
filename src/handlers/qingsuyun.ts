/** Qingsuyun (轻速云) callbacks: answer sheets, course and courseware completions, check-ins. */
import { qingsuyunItem, qingsuyunLearner, QINGSUYUN_TYPES, reduceQingsuyun, type QingsuyunCallback } from '../learning/qingsuyun-reducer.js';
import { learningOutcome } from './learning.js';
import type { Handler } from './types.js';
import type { HandlerRegistry } from './registry.js';

export const qingsuyunHandler: Handler = async (ctx) => {
  const cb = ctx.event.payload as QingsuyunCallback;
  const body = typeof cb.eventBody === 'object' && cb.eventBody !== null ? cb.eventBody : {};
  const learner = qingsuyunLearner(body);
  const item = qingsuyunItem(cb.type, body);
  if (!learner.code || !item) {
    ctx.log.warn({ type: cb.type }, 'Qingsuyun callback without a learner or an item; nothing to record');
    return {};
  }
  return learningOutcome(ctx, {
    ref: { source: 'qingsuyun', externalUserId: learner.code, hints: { name: learner.name } },
    itemKey: item.key,
    itemType: item.itemType,
    reduce: (prev) => reduceQingsuyun(prev, { ...cb, eventBody: body }, item.itemType),
    mayNotify: cb.type !== 'coursewareFinish',
  });
};

export function registerQingsuyun(registry: HandlerRegistry): HandlerRegistry {
  for (const type of QINGSUYUN_TYPES) registry.on('qingsuyun', type, qingsuyunHandler);
  return registry;
}
