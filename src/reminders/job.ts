/**
 * The `reminder` job: at send time it looks again at the record (locked, so a completion committed a moment earlier
 * is seen) and sends the reminder only if it is still called for; then it plans the next one.
 */
import { DateTime } from 'luxon';
import type { Config } from '../config.js';
import type { Tx } from '../db/tx.js';
import { recordSubject } from '../domain/keys.js';
import type { JobKind, JobOutcome } from '../jobs/types.js';
import { reminderCardFor } from './card.js';
import { planReminders, type ReminderType } from './plan.js';
import { planInput, planRecordReminders, reminderFacts, REMINDER_JOB, type ReminderFacts } from './schedule.js';
import { noteSent } from './store.js';

interface ReminderPayload {
  record: string;
  type: ReminderType;
  offset?: number;
}

/**
 * Whether a reminder is still called for now. A due-date reminder found late (after downtime) goes out only if no
 * later one of the same due date is due too: one reminder for the nearest day, never a burst of stale ones.
 */
function stillCalledFor(f: ReminderFacts, key: string, p: ReminderPayload, now: Date): string | null {
  if (!f.openId) return 'learner not found in Feishu';
  if (f.state.stoppedAt) return 'stopped by the learner';
  const input = planInput(f, now);
  if (input.state !== 'enrolled' && input.state !== 'in_progress') return f.record.state;
  if (p.type === 'due') {
    if (!f.dueOn || !key.includes(`:due:${f.dueOn}:`)) return 'due date changed';
    const today = DateTime.fromJSDate(now, { zone: f.zone }).startOf('day');
    const due = DateTime.fromISO(f.dueOn, { zone: f.zone });
    const reached = f.policy.dueDays.filter((d) => due.minus({ days: d }).startOf('day') <= today);
    const nearest = reached.length ? Math.min(...reached) : undefined;
    if (nearest === undefined || !f.policy.dueDays.includes(p.offset ?? NaN)) return 'no longer planned';
    return p.offset === nearest ? null : 'superseded by a later reminder';
  }
  // Plan with "now" far enough ahead that every reason (stall, snooze) whose time has come is listed.
  const planned = planReminders({ ...input, dueOn: null }, f.policy).map((r) => r.key);
  return planned.includes(key)
    ? null
    : p.type === 'stalled'
      ? 'progress made or already reminded'
      : 'no longer planned';
}

export function reminderJob(deps: { config: Config }): JobKind<ReminderPayload> {
  return {
    kind: REMINDER_JOB,
    windowed: true,
    capped: 'learner-daily',
    async run(tx: Tx, job, ctx): Promise<JobOutcome> {
      const recordId = job.payload.record;
      await tx.$queryRaw`SELECT id FROM learning_record WHERE id = ${recordId}::uuid FOR UPDATE`;
      const facts = await reminderFacts(tx, deps.config, recordId);
      if (!facts) return { status: 'skipped', reason: 'record deleted' };
      const why = stillCalledFor(facts, job.key, job.payload, ctx.now);
      if (why) return { status: 'skipped', reason: why };
      const reason = job.payload.type === 'due' || (job.payload.type === 'snooze' && facts.dueOn) ? 'due' : 'stalled';
      const sent = await ctx.enqueue([
        {
          key: 'card',
          kind: 'reminders',
          role: 'learner',
          receiveIdType: 'open_id',
          receiveId: facts.openId!,
          subject: recordSubject(recordId),
          card: reminderCardFor(facts, reason, ctx.now),
        },
      ]);
      // Muted by the learner, or reminders switched off for everyone: nothing was written, and nothing counts.
      if (sent === 0) return { status: 'skipped', reason: 'muted' };
      await noteSent(tx, recordId, job.payload.type, ctx.now);
      await planRecordReminders(tx, deps.config, recordId, ctx.now);
      return { status: 'done' };
    },
  };
}
