/**
 * The kinds of scheduled jobs the bot runs. A feature that schedules work (reminders, digests, escalations) adds
 * its kinds here; the runner (src/jobs) knows them only through this registry, which sits above the features so
 * that the engine imports none of them.
 */
import type { Config } from './config.js';
import type { Services } from './services/index.js';
import { teamJobKinds } from './team/jobs.js';
import { reminderJob } from './reminders/job.js';
import { replanJob } from './team/replan.js';
import { escalationKinds } from './jobs/helpdesk-escalation.js';
import { summaryKind } from './jobs/helpdesk-summary.js';
import { JobKinds, type JobKind } from './jobs/types.js';

export function defaultJobKinds(deps: { config: Config; services: Services }): JobKinds {
  return new JobKinds([
    reminderJob({ config: deps.config }),
    ...teamJobKinds(deps.config),
    replanJob(deps.config),
    ...escalationKinds(deps),
    summaryKind(deps),
  ] as JobKind<never>[]);
}
