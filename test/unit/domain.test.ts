import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CodedError, InvalidPayload, isCoded, RetryLater } from '../../src/domain/errors.js';
import {
  learnerKey,
  notifySettingKey,
  parseLearnerKey,
  parseNotifySettingKey,
  parseRecordSubject,
  recordSubject,
} from '../../src/domain/keys.js';
import { KINDS, KIND_NAMES, NOTIFICATION_KINDS, ROUTE_KINDS, isSwitchable } from '../../src/domain/notifications.js';
import { HandlerRegistry } from '../../src/handlers/registry.js';
import { handles, type HandlerContext } from '../../src/handlers/types.js';

describe('keys', () => {
  it('parses what it builds, and refuses what it did not build', () => {
    expect(parseLearnerKey(learnerKey('alm', '12:34'))).toEqual({ source: 'alm', externalUserId: '12:34' });
    expect(parseLearnerKey('nowhere:1')).toBeNull();
    expect(parseLearnerKey('alm')).toBeNull();
    expect(parseRecordSubject(recordSubject('r-1'))).toBe('r-1');
    expect(parseRecordSubject('ticket:1')).toBeNull();
    expect(parseNotifySettingKey(notifySettingKey('exams'))).toBe('exams');
    expect(parseNotifySettingKey('lang')).toBeNull();
  });
});

describe('notification kinds', () => {
  it('derives the switchable and routable kinds from the one list, each with a name', () => {
    expect(NOTIFICATION_KINDS).toEqual([
      'completions',
      'exams',
      'enrollments',
      'checkins',
      'reminders',
      'digest',
      'escalations',
      'tickets',
      'seats',
      'failures',
    ]);
    expect(NOTIFICATION_KINDS.every((k) => KINDS[k].switchable && KIND_NAMES[k].en === k)).toBe(true);
    // Sent to one person about their own learning or team: never to a chat.
    const personal = ['checkins', 'reminders', 'digest', 'escalations'];
    expect([...ROUTE_KINDS].sort()).toEqual(NOTIFICATION_KINDS.filter((k) => !personal.includes(k)).sort());
    expect(isSwitchable('reply')).toBe(false);
    expect(isSwitchable('onboarding')).toBe(false);
  });
});

describe('coded errors', () => {
  it('say whether trying again may help', () => {
    expect(isCoded(new InvalidPayload('x'))).toBe(true);
    expect(new InvalidPayload('x')).toMatchObject({ code: 'invalid_payload', retryable: false });
    expect(new RetryLater(new Date(0), 'budget')).toMatchObject({ code: 'retry_later', retryable: true });
    expect(isCoded(new CodedError('c', 'm', true))).toBe(true);
    expect(isCoded(Object.assign(new Error('e'), { code: 'ECONNRESET' }))).toBe(false);
    expect(isCoded({ code: 'x', retryable: false })).toBe(false);
  });
});

describe('handler registry', () => {
  const schema = z.looseObject({ event: z.object({ id: z.string() }) });
  const seen: string[] = [];
  const registry = new HandlerRegistry().add(
    handles('feishu', ['a', 'b'], schema, async (ctx) => {
      seen.push(ctx.payload.event.id);
      return {};
    }),
  );
  const ctx = (payload: unknown) =>
    ({
      event: { id: '1', source: 'feishu', externalId: 'e', eventType: 'a', payload, receivedAt: new Date() },
    }) as Omit<HandlerContext, 'payload'>;

  it('gives the handler the parsed payload, for each event type it declared', async () => {
    await registry.get('feishu', 'a')!(ctx({ event: { id: 'x' } }));
    await registry.get('feishu', 'b')!(ctx({ event: { id: 'y' } }));
    expect(seen).toEqual(['x', 'y']);
    expect(registry.has('feishu', 'c')).toBe(false);
    expect(registry.has('alm', 'a')).toBe(false);
  });

  it('refuses a payload that does not fit, with the path and the reason, before the handler runs', async () => {
    const before = seen.length;
    const err = await registry.get('feishu', 'a')!(ctx({ event: { id: 42 } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidPayload);
    expect((err as Error).message).toContain('event.id');
    expect(seen).toHaveLength(before);
  });
});
