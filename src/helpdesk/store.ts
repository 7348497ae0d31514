/** Reading a stored helpdesk ticket for a change to it (a claim, an escalation step). */
import type { Tx } from '../db/tx.js';
import type { TicketPayload } from './ticket.js';

export interface TicketRow {
  ticket: TicketPayload;
  version: number;
  claimed_by: string | null;
  claimed_at: Date | null;
  opened_at: Date | null;
  escalated: number;
}

/** The ticket's row, locked until the caller's transaction ends (a claim and an escalation step never interleave). */
export const lockTicket = async (tx: Tx, ticketId: string): Promise<TicketRow | undefined> =>
  (
    await tx.$queryRaw<TicketRow[]>`
      SELECT ticket, version, claimed_by, claimed_at, opened_at, escalated FROM helpdesk_ticket
       WHERE ticket_id = ${ticketId} FOR UPDATE`
  )[0];
