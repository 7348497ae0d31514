/** Helpers shared by the command implementations: the clock, the actor's zone, audited changes. */
import { Prisma } from '../../generated/prisma/client.js';
import type { Tx } from '../../db/tx.js';
import { preferencesFor } from '../../recipients/preferences.js';
import type { CommandContext } from '../context.js';
import type { Card } from './replies.js';

export const nowOf = (ctx: CommandContext): Date => (ctx.now ? ctx.now() : new Date());

/** The actor's time zone: their preference, else DEFAULT_TIME_ZONE. */
export async function actorTimeZone(ctx: CommandContext): Promise<string> {
  return (await preferencesFor(ctx.db, ctx.config, ctx.actor.openId)).timeZone;
}

/** What an audited change returns: its reply, and the audit detail (null when it was refused and changed nothing). */
export interface Change {
  card: Card;
  detail: Prisma.InputJsonObject | null;
}

/**
 * Runs an admin change in one transaction together with its AuditLog row `{ actor, command, detail }`.
 * `detail` holds the command's arguments and outcome, never secrets.
 *
 * With `ctx.requestId` (the chat message's inbound event), the row also keeps the reply, unique on that id: if the
 * message is processed again (the worker died after the change but before its reply was committed, or two workers
 * raced on an expired lease), the change is not applied a second time and the stored reply is given again.
 */
export async function audited(
  ctx: CommandContext,
  command: string,
  change: (tx: Tx, now: Date) => Promise<Change>,
): Promise<Change> {
  const now = nowOf(ctx);
  const { requestId } = ctx;
  try {
    return await ctx.db.$transaction(async (tx) => {
      const earlier = requestId ? await replayed(tx, requestId) : undefined;
      if (earlier) return earlier;
      const result = await change(tx, now);
      if (result.detail) {
        await tx.auditLog.create({
          data: {
            actor: ctx.actor.openId,
            command,
            detail: result.detail,
            createdAt: now,
            ...(requestId && { requestId, reply: result.card as Prisma.InputJsonObject }),
          },
        });
      }
      return result;
    });
  } catch (err) {
    // Another run of the same message committed first: its change stands, and so does its reply.
    const earlier =
      requestId && err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002'
        ? await replayed(ctx.db, requestId)
        : undefined;
    if (earlier) return earlier;
    throw err;
  }
}

async function replayed(db: Pick<Tx, 'auditLog'>, requestId: string): Promise<Change | undefined> {
  const row = await db.auditLog.findUnique({ where: { requestId }, select: { reply: true } });
  return row?.reply ? { card: row.reply as Card, detail: null } : undefined;
}
