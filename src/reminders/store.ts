/**
 * The `reminder_state` table, written here only: when a learner last made progress on a record, how many stalled
 * reminders were sent, whether they stopped reminders for it, and when they asked to be reminded again.
 */
import type { Tx } from '../db/tx.js';

export interface ReminderStateRow {
  progressAt: Date | null;
  stalledSent: number;
  lastSentAt: Date | null;
  stoppedAt: Date | null;
  snoozedUntil: Date | null;
}

const EMPTY: ReminderStateRow = {
  progressAt: null,
  stalledSent: 0,
  lastSentAt: null,
  stoppedAt: null,
  snoozedUntil: null,
};

export async function reminderState(tx: Pick<Tx, 'reminderState'>, recordId: string): Promise<ReminderStateRow> {
  return (await reminderStates(tx, [recordId])).get(recordId)!;
}

/** The reminder state of each record (the empty one for a record with none yet), in one query. */
export async function reminderStates(
  tx: Pick<Tx, 'reminderState'>,
  recordIds: readonly string[],
): Promise<Map<string, ReminderStateRow>> {
  const rows = recordIds.length ? await tx.reminderState.findMany({ where: { recordId: { in: [...recordIds] } } }) : [];
  const found = new Map<string, ReminderStateRow>(rows.map((r) => [r.recordId, r]));
  return new Map(recordIds.map((id) => [id, found.get(id) ?? EMPTY]));
}

/** The learner made progress at `at`: a new stall may start from there, with its own count of reminders. */
export async function noteProgress(tx: Tx, recordId: string, at: Date): Promise<void> {
  const data = { progressAt: at, stalledSent: 0, snoozedUntil: null };
  await tx.reminderState.upsert({ where: { recordId }, create: { recordId, ...data }, update: data });
}

/** A reminder was sent at `at`. */
export async function noteSent(tx: Tx, recordId: string, type: string, at: Date): Promise<void> {
  const before = await reminderState(tx, recordId);
  const data = {
    lastSentAt: at,
    stalledSent: before.stalledSent + (type === 'stalled' ? 1 : 0),
    ...(type === 'snooze' ? { snoozedUntil: null } : {}),
  };
  await tx.reminderState.upsert({ where: { recordId }, create: { recordId, ...data }, update: data });
}

/** "Stop reminders for this course". False when they were stopped already. */
export async function stopReminders(tx: Tx, recordId: string, at: Date): Promise<boolean> {
  const before = await reminderState(tx, recordId);
  if (before.stoppedAt) return false;
  const data = { stoppedAt: at, snoozedUntil: null };
  await tx.reminderState.upsert({ where: { recordId }, create: { recordId, ...data }, update: data });
  return true;
}

/** "Remind me tomorrow": the next reminder at `until`. */
export async function snoozeReminders(tx: Tx, recordId: string, until: Date): Promise<void> {
  const data = { snoozedUntil: until };
  await tx.reminderState.upsert({ where: { recordId }, create: { recordId, ...data }, update: data });
}
