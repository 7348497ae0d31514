/**
 * What a change of the team policies sets going, in the change's transaction: the digests not yet sent move to a
 * new day or time (or are planned when digests are turned back on), and escalations are re-planned in the
 * background for new day counts. Turning either off needs nothing: each job checks its switch when it comes up.
 */
import type { Tx } from '../db/tx.js';
import { replanDigests } from './jobs.js';
import { scheduleReplan } from './replan.js';
import type { TeamPolicy } from './settings.js';

export async function replanAfterTeamPolicy(tx: Tx, before: TeamPolicy, after: TeamPolicy, now: Date): Promise<void> {
  const digestMoved = before.digestDay !== after.digestDay || before.digestTime !== after.digestTime;
  if (after.digestOn && (digestMoved || !before.digestOn)) await replanDigests(tx, now);
  if (before.escalateDays !== after.escalateDays || before.skipLevelDays !== after.skipLevelDays)
    await scheduleReplan(tx, null, now);
}
