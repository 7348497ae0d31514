/** Helpers shared by the command implementations: the clock, the actor's zone, audited changes. */
import type { Prisma } from '../../generated/prisma/client.js';
import type { Tx } from '../../handlers/types.js';
import type { CommandContext } from '../execute.js';
import type { Card } from './replies.js';

export const nowOf = (ctx: CommandContext): Date => (ctx.now ? ctx.now() : new Date());

/** The actor's time zone: their preference, else DEFAULT_TIME_ZONE. */
export async function actorTimeZone(ctx: CommandContext): Promise<string> {
  const pref = await ctx.db.userPreference.findUnique({ where: { openId: ctx.actor.openId }, select: { timeZone: true } });
  return pref?.timeZone || ctx.config.DEFAULT_TIME_ZONE;
}

/** What an audited change returns: its reply, and the audit detail (null when it was refused and changed nothing). */
export interface Change {
  card: Card;
  detail: Prisma.InputJsonObject | null;
}

/**
 * Runs an admin change in one transaction together with its AuditLog row `{ actor, command, detail }`.
 * `detail` holds the command's arguments and outcome, never secrets.
 */
export async function audited(ctx: CommandContext, command: string, change: (tx: Tx, now: Date) => Promise<Change>): Promise<Change> {
  const now = nowOf(ctx);
  return ctx.db.$transaction(async (tx) => {
    const result = await change(tx, now);
    if (result.detail) await tx.auditLog.create({ data: { actor: ctx.actor.openId, command, detail: result.detail, createdAt: now } });
    return result;
  });
}
