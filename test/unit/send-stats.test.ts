import { describe, expect, it } from 'vitest';
import { maxInWindow, sendStats } from '../../src/emulator/feishu/send-stats.js';
import type { RequestRecord, SentMessage } from '../../src/emulator/feishu/types.js';

describe('emulator send stats', () => {
  it('counts the most times inside any sliding window', () => {
    expect(maxInWindow([], 1000)).toBe(0);
    expect(maxInWindow([0, 999, 1000, 1999], 1000)).toBe(2); // 0 leaves the window at 1000
    expect(maxInWindow([0, 10, 20, 30, 1005], 1000)).toBe(4);
  });

  it('separates app-limit refusals from per-recipient ones, and counts per chat', () => {
    const send = (status: number, code: number): RequestRecord => ({
      method: 'POST',
      path: '/open-apis/im/v1/messages',
      query: '',
      status,
      code,
      at: 0,
    });
    const msg = (chat: string, at: number) => ({ chat_id: chat, create_time: String(at) }) as SentMessage;
    const stats = sendStats(
      [send(200, 0), send(429, 99991400), send(400, 230020), { ...send(200, 0), method: 'PATCH' }],
      [msg('oc_a', 0), msg('oc_a', 500), msg('oc_b', 600), msg('oc_a', 1600)],
    );
    expect(stats).toEqual({
      attempts: 3,
      rateLimited: 1,
      tooFrequent: 1,
      maxCreatedInAnySecond: 3,
      maxCreatedInAnyMinute: 4,
      maxToOneRecipientInAnySecond: 2,
    });
  });
});
