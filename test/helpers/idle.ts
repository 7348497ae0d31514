/**
 * Waiting until the bot has nothing left to do, instead of sleeping: a test that proves "nothing (more) was sent"
 * checks after this. Idle means no inbound event pending or processing and due now, and no notification pending
 * or sending and due now. Each step of the work changes these in one transaction (an event is handled and marked
 * processed together with the notifications it queues; a notification is sent before it is marked sent), so once
 * the bot is idle, everything it was going to send has reached the emulator.
 */
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { eventually } from './harness.js';

type Db = Pick<PrismaClient, 'inboundEvent' | 'notification'>;

export async function dueWork(db: Db): Promise<{ events: number; notifications: number }> {
  const now = new Date();
  const [events, notifications] = await Promise.all([
    db.inboundEvent.count({ where: { status: { in: ['pending', 'processing'] }, availableAt: { lte: now } } }),
    db.notification.count({ where: { status: { in: ['pending', 'sending'] }, availableAt: { lte: now } } }),
  ]);
  return { events, notifications };
}

/** Resolves once the bot has no due inbox or outbox work (or throws after `timeoutMs`). */
export async function untilIdle(db: Db, timeoutMs = 15_000): Promise<void> {
  await eventually(
    async () => {
      const due = await dueWork(db);
      return due.events === 0 && due.notifications === 0;
    },
    timeoutMs,
    'the bot to be idle',
  );
}
