/**
 * Each handler's schema says what the handler needs: every seed payload fits it, and a payload without a field the
 * handler needs is refused (InvalidPayload, not retryable) with the field's path and the reason, before the handler
 * runs.
 */
import { describe, expect, it } from 'vitest';
import { InvalidPayload } from '../../src/domain/errors.js';
import { defaultHandlers } from '../../src/handlers/registry.js';
import type { HandlerContext } from '../../src/handlers/types.js';
import { loadFixture } from '../fixtures/index.js';
import { textMessageEvent } from '../helpers/feishu-events.js';

type Json = Record<string, unknown>;

const registry = defaultHandlers();

/** Runs the registered handler on `payload` with no services: anything past validation fails some other way. */
async function validationError(source: string, eventType: string, payload: unknown): Promise<unknown> {
  const handler = registry.get(source, eventType);
  if (!handler) throw new Error(`no handler for ${source} ${eventType}`);
  const ctx = {
    event: { id: '1', source, externalId: 'e', eventType, payload, receivedAt: new Date() },
  } as unknown as Omit<HandlerContext, 'payload'>;
  return handler(ctx).then(
    () => undefined,
    (e: unknown) => (e instanceof InvalidPayload ? e : undefined),
  );
}

/** A deep copy of `payload` without the field at `path`. */
function without(payload: Json, path: string[]): Json {
  const copy = structuredClone(payload);
  let at: Json = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Json;
  delete at[path.at(-1)!];
  return copy;
}

const almEvent = (file: string): Json => {
  const batch = loadFixture<{ accountId: number; events: Json[] }>(file);
  return { ...batch.events[0]!, accountId: batch.accountId };
};
const qingsuyun = (file: string): Json => {
  const { secretKey: _secret, ...payload } = loadFixture<Json>(file);
  return payload;
};
const message = textMessageEvent({
  from: { open_id: 'ou_a', user_id: 'u', union_id: 'on' },
  chatId: 'oc_1',
  chatType: 'p2p',
  text: 'help',
}) as unknown as Json;

const cases: { source: string; eventType: string; payload: Json; needs: string[][] }[] = [
  {
    source: 'feishu',
    eventType: 'im.chat.access_event.bot_p2p_chat_entered_v1',
    payload: loadFixture('feishu/bot_p2p_chat_entered.v2.json'),
    needs: [['event', 'operator_id', 'open_id'], ['event']],
  },
  {
    source: 'feishu',
    eventType: 'elearning.course_registration.created_v2',
    payload: loadFixture('feishu/elearning.course_registration.created_v2.json'),
    needs: [
      ['event', 'course_id'],
      ['event', 'learner'],
    ],
  },
  {
    source: 'feishu',
    eventType: 'helpdesk.ticket.created_v1',
    payload: loadFixture('feishu/helpdesk.ticket.created_v1.json'),
    needs: [['event', 'ticket_id'], ['event']],
  },
  {
    source: 'feishu',
    eventType: 'im.message.receive_v1',
    payload: message,
    needs: [
      ['event', 'message', 'chat_id'],
      ['event', 'message', 'message_type'],
      ['event', 'sender', 'sender_type'],
      ['event', 'sender', 'sender_id', 'open_id'],
    ],
  },
  {
    source: 'alm',
    eventType: 'COURSE_ENROLLMENT',
    payload: almEvent('alm/COURSE_ENROLLMENT.json'),
    needs: [['eventName'], ['eventId']],
  },
  {
    source: 'qingsuyun',
    eventType: 'answerSheet',
    payload: qingsuyun('qingsuyun/answerSheet.json'),
    needs: [['eventBody']],
  },
];

describe('handler schemas say what each handler needs', () => {
  it.each(cases)('$source $eventType: the seed fits', async ({ source, eventType, payload }) => {
    expect(await validationError(source, eventType, payload)).toBeUndefined();
  });

  it.each(cases.flatMap((c) => c.needs.map((path) => ({ ...c, path }))))(
    '$source $eventType without $path: refused with the path and the reason',
    async ({ source, eventType, payload, path }) => {
      const err = await validationError(source, eventType, without(payload, path));
      expect(err).toBeInstanceOf(InvalidPayload);
      const message = (err as Error).message;
      expect(message).toContain(`${source} ${eventType}`);
      expect(message).toContain(path.join('.'));
      expect(message).toMatch(/expected|needs|Invalid input/i);
    },
  );

  it('the older first-chat event takes the user from `user`, or else from `operator`', async () => {
    const seed = loadFixture<Json>('feishu/p2p_chat_create.v1.json');
    expect(await validationError('feishu', 'p2p_chat_create', seed)).toBeUndefined();
    expect(await validationError('feishu', 'p2p_chat_create', without(seed, ['event', 'user']))).toBeUndefined();
    const neither = without(without(seed, ['event', 'user']), ['event', 'operator']);
    expect(await validationError('feishu', 'p2p_chat_create', neither)).toBeInstanceOf(InvalidPayload);
  });

  it('every Qingsuyun seed fits, and every ALM seed event', async () => {
    for (const file of ['answerSheet', 'clockFinish', 'courseFinish', 'coursewareFinish']) {
      const payload = qingsuyun(`qingsuyun/${file}.json`);
      expect(await validationError('qingsuyun', payload.type as string, payload), file).toBeUndefined();
    }
    for (const file of ['COURSE_COMPLETED', 'LEARNER_PROGRESS', 'CI_STATS', 'LEARNING_PATH_ENROLLMENT']) {
      const payload = almEvent(`alm/${file}.json`);
      expect(await validationError('alm', payload.eventName as string, payload), file).toBeUndefined();
    }
  });
});
