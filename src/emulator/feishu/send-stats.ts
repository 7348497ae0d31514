/** What the emulator saw of message sends, from every client together (several bot instances share one emulator). */
import type { RequestRecord, SentMessage } from './types.js';

export interface SendStats {
  /** POST im/v1/messages requests received, rejected ones included. */
  attempts: number;
  /** Refused for the app-wide limits (429 / 99991400). */
  rateLimited: number;
  /** Refused for the per-recipient limit (230020). */
  tooFrequent: number;
  /** The most messages created in any 1 s window (sliding, by arrival time). */
  maxCreatedInAnySecond: number;
  /** The most messages created in any 60 s window. */
  maxCreatedInAnyMinute: number;
  /** The most messages created for one chat in any 1 s window. */
  maxToOneRecipientInAnySecond: number;
}

/** The largest number of `times` (sorted ascending, ms) inside any window of `windowMs`. */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[i]! <= times[j]! - windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

export function sendStats(requests: readonly RequestRecord[], messages: readonly SentMessage[]): SendStats {
  const sends = requests.filter((r) => r.method === 'POST' && r.path === '/open-apis/im/v1/messages');
  const times = messages.map((m) => Number(m.create_time)).sort((a, b) => a - b);
  const byChat = new Map<string, number[]>();
  for (const m of messages) byChat.set(m.chat_id, [...(byChat.get(m.chat_id) ?? []), Number(m.create_time)]);
  return {
    attempts: sends.length,
    rateLimited: sends.filter((r) => r.status === 429 || r.code === 99991400).length,
    tooFrequent: sends.filter((r) => r.code === 230020).length,
    maxCreatedInAnySecond: maxInWindow(times, 1000),
    maxCreatedInAnyMinute: maxInWindow(times, 60_000),
    maxToOneRecipientInAnySecond: Math.max(
      0,
      ...[...byChat.values()].map((t) =>
        maxInWindow(
          t.sort((a, b) => a - b),
          1000,
        ),
      ),
    ),
  };
}
