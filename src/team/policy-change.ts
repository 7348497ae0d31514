/**
 * What a change of the team policies or of the work calendar sets going, in the change's transaction: the digests
 * not yet sent move to a new day or time (or are planned when digests are turned back on), and escalations are
 * re-planned in the background for new day counts. Turning either off needs nothing: each job checks its switch
 * when it comes up.
 */
import type { Tx } from '../db/tx.js';
import { replanDigests } from './jobs.js';
import { scheduleReplan } from './replan.js';
import { readTeamPolicy, type TeamPolicy } from './settings.js';

export async function replanAfterTeamPolicy(
  tx: Tx,
  before: TeamPolicy,
  after: TeamPolicy,
  now: Date,
  replanRecords: RecordsReplan = replanAllRecords,
): Promise<void> {
  const digestMoved = before.digestDay !== after.digestDay || before.digestTime !== after.digestTime;
  if (after.digestOn && (digestMoved || !before.digestOn)) await replanDigests(tx, now);
  if (before.escalateDays !== after.escalateDays || before.skipLevelDays !== after.skipLevelDays)
    await replanRecords(tx, now);
}

/** Starts re-planning every record (in the background, see scheduleReplan). */
export type RecordsReplan = (tx: Tx, now: Date) => Promise<void>;

const replanAllRecords: RecordsReplan = (tx, now) => scheduleReplan(tx, null, now);

/**
 * A `RecordsReplan` that starts the re-plan only the first time, for one transaction that changes several rules:
 * the re-plan runs after the transaction and reads the rules as they are then, so one chain covers every change.
 * (The digests are re-planned inside the transaction, from the policy at that moment, so they are not deduplicated.)
 */
export function replanRecordsOnce(): RecordsReplan {
  let started = false;
  return async (tx, now) => {
    if (started) return;
    started = true;
    await replanAllRecords(tx, now);
  };
}

/**
 * A day made a day off or a working day (or no longer): the digests not yet sent move off a new day off, or back to
 * the digest day. Reminders and escalations need nothing: they wait for a working day's send window when they come
 * up.
 */
export async function replanAfterCalendarChange(tx: Tx, now: Date): Promise<void> {
  if ((await readTeamPolicy(tx)).digestOn) await replanDigests(tx, now);
}
