/** `doctor`: checks the Feishu app, scopes, events, ALM, Qingsuyun, the database and the work queues. */
import { feishuProbe } from '../../doctor/probe.js';
import { reportCard } from '../../doctor/format.js';
import { runDoctor } from '../../doctor/run.js';
import type { CommandContext } from '../context.js';
import type { Card } from './replies.js';

export async function runDoctorCommand(ctx: CommandContext): Promise<Card> {
  const { feishu, alm } = ctx.services;
  // Times are shown in the asker's zone (their `timezone` choice, else the organisation's).
  const preference = await ctx.db.userPreference.findUnique({ where: { openId: ctx.actor.openId } });
  const report = await runDoctor({
    config: ctx.config,
    db: ctx.db,
    feishu: feishu && feishuProbe(feishu, ctx.config),
    ...(alm && { almCredentials: () => alm.checkCredentials() }),
    databaseKind: ctx.config.DATABASE_URL ? 'PostgreSQL' : 'embedded database',
    ...(ctx.now && { now: ctx.now }),
    timeZone: preference?.timeZone ?? ctx.config.DEFAULT_TIME_ZONE,
    ...(ctx.requestId && { askedBy: ctx.requestId }),
  });
  return reportCard(report);
}
