/**
 * "Claim" on a ticket card: the first claimer wins, whoever clicks at the same moment (the claim is a conditional
 * update of the locked ticket row). Every copy of the card then shows the claimer and loses its button; a later
 * click gets a toast naming who claimed it.
 */
import { t } from '../../cards/kit.js';
import { toast } from '../../cards/reply.js';
import type { Db } from '../db/index.js';
import { buildTicketCard, type TicketPayload } from '../helpdesk/ticket.js';
import { ticketSubject } from '../handlers/helpdesk.js';
import { updateCards } from '../outbox/card-updates.js';
import type { FeishuDirectory } from '../identity/directory.js';
import type { CardAction, CardActionResult } from './callback.js';
import { recordAction } from './record.js';

export async function claimTicket(
  deps: { db: Db; directory: FeishuDirectory; timeZone: string },
  action: CardAction,
  ticketId: string,
): Promise<CardActionResult> {
  const { db, directory, timeZone } = deps;
  const me = action.operatorOpenId;
  // Names come from the directory (network, cached) before the transaction.
  const myName = (await directory.user(me).catch(() => null))?.name ?? null;
  const outcome = await db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ ticket: TicketPayload; version: number; claimed_by: string | null; claimed_at: Date | null }[]>`
      SELECT ticket, version, claimed_by, claimed_at FROM helpdesk_ticket WHERE ticket_id = ${ticketId} FOR UPDATE`;
    if (!row) {
      await recordAction(tx, action, 'claim_ticket', ticketSubject(ticketId), 'unknown_ticket');
      return { kind: 'unknown' as const };
    }
    if (row.claimed_by) {
      await recordAction(tx, action, 'claim_ticket', ticketSubject(ticketId), row.claimed_by === me ? 'already_yours' : 'already_claimed');
      return { kind: 'taken' as const, row };
    }
    const claimedAt = new Date();
    const version = row.version + 1;
    await tx.helpdeskTicket.update({ where: { ticketId }, data: { claimedBy: me, claimedAt, version } });
    const card = buildTicketCard({ ticket: row.ticket, claimedBy: me, claimedByName: myName, claimedAt }, timeZone);
    // The clicked message is updated by the answer itself (new-style callback); every other copy by a patch.
    await updateCards(tx, ticketSubject(ticketId), card, version, { exceptMessageId: action.style === 'v2' ? action.messageId : undefined });
    await recordAction(tx, action, 'claim_ticket', ticketSubject(ticketId), 'claimed');
    return { kind: 'claimed' as const, card };
  });

  if (outcome.kind === 'unknown') return { toast: toast('error', t('找不到这个工单。', 'This ticket is unknown to the bot.')) };
  if (outcome.kind === 'claimed') return { toast: toast('success', t('你已认领这个工单。', 'You claimed this ticket.')), card: outcome.card };
  const { row } = outcome;
  const holder = row.claimed_by!;
  const name = holder === me ? myName : ((await directory.user(holder).catch(() => null))?.name ?? null);
  const card = buildTicketCard({ ticket: row.ticket, claimedBy: holder, claimedByName: name, claimedAt: row.claimed_at }, timeZone);
  if (holder === me) return { toast: toast('info', t('你已经认领了这个工单。', 'You already claimed this ticket.')), card };
  const who = name ?? t('其他同事', 'someone else').zh;
  return { toast: toast('warning', t(`这个工单已被 ${who} 认领。`, `This ticket was already claimed by ${name ?? 'someone else'}.`)), card };
}
