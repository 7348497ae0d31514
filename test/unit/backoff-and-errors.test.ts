import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/util/backoff.js';
import { classifyFeishuError, classifyFeishuResponse } from '../../src/feishu/errors.js';
import { notificationUuid } from '../../src/outbox/enqueue.js';

describe('backoffDelay', () => {
  it('grows exponentially between half and all of the ceiling, capped', () => {
    const opts = { baseMs: 1000, capMs: 10_000 };
    expect(backoffDelay(1, { ...opts, random: () => 0 })).toBe(500);
    expect(backoffDelay(1, { ...opts, random: () => 1 })).toBe(1000);
    expect(backoffDelay(3, { ...opts, random: () => 0 })).toBe(2000);
    expect(backoffDelay(3, { ...opts, random: () => 1 })).toBe(4000);
    expect(backoffDelay(20, { ...opts, random: () => 1 })).toBe(10_000);
  });
});

describe('classifying Feishu failures', () => {
  const axios = (status: number, data: unknown, headers: Record<string, string> = {}) => ({
    isAxiosError: true,
    response: { status, data, headers },
  });

  it.each([
    ['HTTP 429 + 99991400', axios(429, { code: 99991400, msg: 'request trigger frequency limit' }), true],
    ['230020 frequency limit', axios(400, { code: 230020, msg: 'limit' }), true],
    ['HTTP 500', axios(500, {}), true],
    ['HTTP 503 with an unknown code', axios(503, { code: 1234 }), true],
    ['230013 outside availability', axios(400, { code: 230013, msg: 'no availability' }), false],
    ['230002 bot not in chat', axios(400, { code: 230002 }), false],
    ['230025 too long', axios(400, { code: 230025 }), false],
    ['an unknown 4xx', axios(400, { code: 999 }), false],
  ])('%s → retryable %s', (_name, err, retryable) => {
    expect(classifyFeishuError(err).retryable).toBe(retryable);
  });

  it('reads x-ogw-ratelimit-reset as the minimum wait', () => {
    const f = classifyFeishuError(axios(429, { code: 99991400 }, { 'x-ogw-ratelimit-reset': '3' }));
    expect(f.retryAfterMs).toBe(3000);
  });

  it('treats an invalid token as retryable after dropping the cached token', () => {
    expect(classifyFeishuResponse(400, { code: 99991663 })).toMatchObject({ retryable: true, tokenInvalid: true });
  });

  it('treats network errors (no response) as retryable', () => {
    expect(classifyFeishuError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toMatchObject({
      retryable: true,
    });
  });

  it('retries a card update refused while a click on it is handled (230099, sub-code 11310), only that 230099', () => {
    const held = {
      code: 230099,
      msg: 'Failed to create card content, ext=ErrCode: 11310; ErrMsg: card is in interaction;',
    };
    expect(classifyFeishuResponse(400, held).retryable).toBe(true);
    expect(
      classifyFeishuResponse(400, { code: 230099, msg: 'Failed to create card content, ext=ErrCode: 100290;' })
        .retryable,
    ).toBe(false);
    expect(classifyFeishuResponse(400, { code: 230099, msg: 'Failed to create card content' }).retryable).toBe(false);
  });

  it('names the reason for permanent errors', () => {
    expect(classifyFeishuResponse(400, { code: 230013, msg: 'x' }).reason).toContain("outside the app's availability");
  });
});

describe('notificationUuid', () => {
  it('is deterministic, at most 50 characters, and differs per notification', () => {
    const a = notificationUuid('feishu:ev1:onboarding:ou_1');
    expect(a).toBe(notificationUuid('feishu:ev1:onboarding:ou_1'));
    expect(a.length).toBeLessThanOrEqual(50);
    expect(a).not.toBe(notificationUuid('feishu:ev1:onboarding:ou_2'));
  });
});
