/**
 * The inbox worker's pace on the embedded database (`Inbox.uncrowded`): it holds processing back only while events
 * pile up into large writes (a flood), never for a steady stream written a few at a time. On fake timers, with a
 * database that answers every insert at once.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CROWDED_BATCH, Inbox, type NewInboundEvent } from '../../src/inbox/inbox.js';

let n = 0;
const event = (): NewInboundEvent => ({
  source: 'feishu',
  externalId: `ev-${n++}`,
  eventType: 'im.message.receive_v1',
  payload: { n },
});

/** A database that stores every row it is given, and counts the writes and the rows per write. */
function fakeDb() {
  const writes: number[] = [];
  return {
    writes,
    query: <T>(_sql: string, params: unknown[]): Promise<T[]> => {
      const rows = JSON.parse(params[0] as string) as { id: string }[];
      writes.push(rows.length);
      return Promise.resolve(rows.map((r) => ({ id: r.id })) as T[]);
    },
  };
}

/** Accepts `count` events in one turn of the event loop (they share a write) and lets that write finish. */
async function arrive(inbox: Inbox, count: number) {
  const accepted = Promise.all(Array.from({ length: count }, () => inbox.accept(event())));
  await vi.advanceTimersByTimeAsync(0);
  await accepted;
}

/** When `uncrowded(50, 500)` resolves, in fake milliseconds from now, while `meanwhile` runs every 10 ms. */
async function paceAfter(inbox: Inbox, meanwhile: () => Promise<void> = async () => {}) {
  const start = Date.now();
  let resolvedAt: number | undefined;
  void inbox.uncrowded(50, 500).then(() => (resolvedAt = Date.now()));
  while (resolvedAt === undefined && Date.now() - start < 1000) {
    await vi.advanceTimersByTimeAsync(10);
    if (resolvedAt === undefined) await meanwhile();
  }
  return resolvedAt === undefined ? Infinity : resolvedAt - start;
}

describe('the inbox worker pace (embedded database)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-12-07T10:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('does not hold processing back for a steady stream written a few events at a time', async () => {
    const db = fakeDb();
    const inbox = new Inbox(db, { maxConcurrentWrites: 2, maxBatch: 50 });
    await arrive(inbox, 1);
    await arrive(inbox, CROWDED_BATCH - 1);
    // An event every 10 ms, each its own write, while the worker asks for its slice.
    const waited = await paceAfter(inbox, () => arrive(inbox, 1));
    expect(waited).toBeLessThanOrEqual(10);
    expect(Math.max(...db.writes)).toBe(CROWDED_BATCH - 1);
  });

  it('waits for 50 ms without a crowded write after a flood', async () => {
    const inbox = new Inbox(fakeDb(), { maxConcurrentWrites: 2, maxBatch: 50 });
    await arrive(inbox, CROWDED_BATCH);
    expect(await paceAfter(inbox)).toBe(50);
  });

  it('gives processing its slice after 500 ms at the latest while the flood goes on', async () => {
    const inbox = new Inbox(fakeDb(), { maxConcurrentWrites: 2, maxBatch: 50 });
    await arrive(inbox, 20);
    expect(await paceAfter(inbox, () => arrive(inbox, 20))).toBe(500);
  });
});
