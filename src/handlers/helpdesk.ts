/**
 * helpdesk.ticket.created_v1 sends a ticket card to the chats routed for tickets (for that helpdesk or for all),
 * or to every admin when no chat is routed. helpdesk.ticket.updated_v1 updates every copy of that card instead of
 * sending a new one; an update for a ticket never seen is handled as its creation.
 *
 * A new ticket routed to chats gets its escalation ladder planned and the next morning summary scheduled; a ticket
 * that reaches a closed status has whatever is pending for it cancelled, in the same transaction.
 */
import { z } from 'zod';
import type { Tx } from '../db/tx.js';
import type { NotificationDraft } from '../domain/draft.js';
import { ticketSubject } from '../domain/keys.js';
import type { Prisma } from '../generated/prisma/client.js';
import { windowPolicy } from '../config.js';
import { buildTicketCard, ticketClosed, type TicketPayload } from '../helpdesk/ticket.js';
import { loadCalendar } from '../jobs/calendar-days.js';
import { cancelEscalation, planEscalation } from '../jobs/helpdesk-escalation.js';
import { ensureSummary } from '../jobs/helpdesk-summary.js';
import { updateCards } from '../outbox/card-updates.js';
import { adminOpenIds } from '../recipients/admins.js';
import { routedChats } from '../recipients/routes.js';
import { handles, type HandlerContext } from './types.js';

/** The ticket as the event carries it; every other field is kept as it is, for the card. */
const Ticket = z.looseObject({
  ticket_id: z.string().min(1),
  helpdesk_id: z.string().optional(),
  updated_at: z.number().optional(),
});
const Created = z.looseObject({ event: Ticket });
const Updated = z.looseObject({ event: z.looseObject({ object: Ticket }) });

export const helpdeskHandlers = [
  ...handles('feishu', 'helpdesk.ticket.created_v1', Created, async (ctx) => ticketOutcome(ctx, ctx.payload.event)),
  ...handles('feishu', 'helpdesk.ticket.updated_v1', Updated, async (ctx) =>
    ticketOutcome(ctx, ctx.payload.event.object),
  ),
];

function ticketOutcome(ctx: HandlerContext, ticket: TicketPayload & { ticket_id: string }) {
  return Promise.resolve({ commit: (tx: Tx) => applyTicket(ctx, tx, ticket.ticket_id, ticket) });
}

async function applyTicket(
  ctx: HandlerContext,
  tx: Tx,
  ticketId: string,
  incoming: TicketPayload,
): Promise<NotificationDraft[]> {
  const zone = ctx.config.DEFAULT_TIME_ZONE;
  const now = ctx.services.clock.now();
  await tx.$executeRaw`
    INSERT INTO helpdesk_ticket (ticket_id, helpdesk_id, ticket, version, source_updated, opened_at)
    VALUES (${ticketId}, ${incoming.helpdesk_id ?? null}, ${JSON.stringify(incoming)}::jsonb, 0, NULL,
            ${now.toISOString()}::timestamptz)
    ON CONFLICT (ticket_id) DO NOTHING`;
  const [row] = await tx.$queryRaw<
    {
      version: number;
      source_updated: bigint | null;
      claimed_by: string | null;
      claimed_at: Date | null;
      opened_at: Date | null;
      escalated: number;
      ticket: unknown;
    }[]
  >`
    SELECT version, source_updated, claimed_by, claimed_at, opened_at, escalated, ticket FROM helpdesk_ticket
    WHERE ticket_id = ${ticketId} FOR UPDATE`;
  if (!row) throw new Error(`ticket ${ticketId} vanished`);
  // An update may leave out what it did not change (the guest's fields, the chat): what was shown stays.
  const shown = row.version > 0 && typeof row.ticket === 'object' && row.ticket !== null ? row.ticket : {};
  const ticket: TicketPayload = { ...(shown as TicketPayload), ...incoming };
  const updatedAt =
    typeof incoming.updated_at === 'number' && incoming.updated_at > 0 ? BigInt(incoming.updated_at) : null;
  if (row.version > 0 && row.source_updated !== null && updatedAt !== null && updatedAt <= row.source_updated) {
    ctx.log.info('ticket event older than what is shown; ignored');
    ctx.note('older than the ticket already shown: ignored');
    return [];
  }
  const version = row.version + 1;
  await tx.helpdeskTicket.update({
    where: { ticketId },
    data: {
      ticket: ticket as Prisma.InputJsonValue,
      helpdeskId: ticket.helpdesk_id ?? null,
      version,
      sourceUpdated: updatedAt ?? row.source_updated,
    },
  });
  const claimer = row.claimed_by ? await tx.feishuUser.findUnique({ where: { openId: row.claimed_by } }) : null;
  const card = buildTicketCard(
    {
      ticket,
      claimedBy: row.claimed_by,
      claimedByName: claimer?.name ?? null,
      claimedAt: row.claimed_at,
      openedAt: row.opened_at,
      now,
      escalated: row.escalated,
    },
    zone,
  );
  // A closed ticket needs no more chasing: whatever is pending for it is cancelled with this change.
  if (ticketClosed(ticket)) {
    const cancelled = await cancelEscalation(tx, ticketId, 'closed');
    if (cancelled > 0) ctx.log.info({ cancelled }, 'ticket closed: pending escalations cancelled');
  }
  if (row.version > 0) {
    const copies = await updateCards(tx, ticketSubject(ticketId), card, version);
    ctx.log.info({ copies }, 'ticket card updated');
    ctx.note(`no new card: the ticket's ${copies} card(s) already sent are updated`);
    return [];
  }
  // First time the bot sees this ticket: one card per routed chat, or to every admin.
  const chats = await routedChats(tx, 'tickets', ticket.helpdesk_id ?? '*');
  const base = { kind: 'tickets' as const, subject: ticketSubject(ticketId), card };
  if (chats.length > 0 && !ticketClosed(ticket) && !row.claimed_by) {
    await planEscalation(tx, ctx.config, ticketId, chats, row.opened_at ?? now);
    await ensureSummary(tx, await loadCalendar(tx, windowPolicy(ctx.config)), ctx.config, now);
  }
  if (chats.length > 0)
    return chats.map((chatId) => ({
      ...base,
      key: `ticket:${chatId}`,
      role: 'chat' as const,
      receiveIdType: 'chat_id' as const,
      receiveId: chatId,
    }));
  const admins = await adminOpenIds(tx, ctx.config);
  if (admins.length === 0)
    ctx.log.warn('a ticket arrived but no chat is routed for tickets and there is no admin to tell');
  if (admins.length === 0) ctx.note('no chat is routed for tickets and there is no admin to tell');
  return admins.map((openId) => ({
    ...base,
    key: `ticket:${openId}`,
    role: 'admin' as const,
    receiveIdType: 'open_id' as const,
    receiveId: openId,
  }));
}
