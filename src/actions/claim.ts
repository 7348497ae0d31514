/**
 * "Claim" on a ticket card: the first claimer wins, whoever clicks at the same moment (the claim is a conditional
 * update of the locked ticket row). Every copy of the card (the chats' and the leads') then shows the claimer and
 * loses its button, and the ticket's pending escalations are cancelled in the same transaction; a later click gets
 * a toast naming who claimed it.
 *
 * The card names the claimer with a mention, which Feishu renders as their name, so claiming needs no directory
 * lookup. Only the toast for a later click names the holder in plain text: that lookup gets the click's budget, and
 * without an answer in time the toast says "someone else", so the click is answered in time whatever the directory
 * does.
 */
import { t } from '../../cards/kit.js';
import { toast } from '../../cards/reply.js';
import type { Db } from '../db/index.js';
import { ticketSubject } from '../domain/keys.js';
import type { Clock } from '../domain/clock.js';
import { lockTicket, type TicketRow } from '../helpdesk/store.js';
import { buildTicketCard } from '../helpdesk/ticket.js';
import { cancelEscalation } from '../jobs/helpdesk-escalation.js';
import { patchMessage, updateCards } from '../outbox/card-updates.js';
import type { FeishuDirectory } from '../identity/directory.js';
import { within } from '../util/deadline.js';
import { CLICK_LOOKUP_BUDGET_MS, type CardAction, type CardActionResult } from './callback.js';
import { recordAction } from './record.js';

interface ClaimDeps {
  db: Db;
  directory: FeishuDirectory;
  timeZone: string;
  /** Wakes the outbox: patches were queued after the answer. */
  onQueued: () => void;
  /** Business time: when the claim happened. */
  clock: Clock;
  /** Told the seconds a ticket waited for its claim, once the claim is committed (metrics). */
  onClaimed?: (seconds: number) => void;
  budgetMs?: number;
}

/** The card of a ticket row as it stands. */
const cardOf = (row: TicketRow, timeZone: string, claim?: { by: string; at: Date }) =>
  buildTicketCard(
    {
      ticket: row.ticket,
      claimedBy: claim?.by ?? row.claimed_by,
      claimedAt: claim?.at ?? row.claimed_at,
      openedAt: row.opened_at,
      escalated: row.escalated,
    },
    timeZone,
  );

export async function claimTicket(deps: ClaimDeps, action: CardAction, ticketId: string): Promise<CardActionResult> {
  const { db, directory, timeZone } = deps;
  const budget = deps.budgetMs ?? CLICK_LOOKUP_BUDGET_MS;
  const me = action.operatorOpenId;
  const subject = ticketSubject(ticketId);
  const outcome = await db.$transaction(async (tx) => {
    const row = await lockTicket(tx, ticketId);
    if (!row) {
      await recordAction(tx, action, 'claim_ticket', subject, 'unknown_ticket');
      return { kind: 'unknown' as const };
    }
    if (row.claimed_by) {
      await recordAction(
        tx,
        action,
        'claim_ticket',
        subject,
        row.claimed_by === me ? 'already_yours' : 'already_claimed',
      );
      return { kind: 'taken' as const, row };
    }
    const claimedAt = deps.clock.now();
    const version = row.version + 1;
    await tx.helpdeskTicket.update({ where: { ticketId }, data: { claimedBy: me, claimedAt, version } });
    // Claimed: nothing more to chase. A step running right now finds its job cancelled and writes nothing.
    await cancelEscalation(tx, ticketId, 'claimed');
    const card = cardOf(row, timeZone, { by: me, at: claimedAt });
    // Every other copy gets a patch now; the clicked one is changed by the answer (new-style callback) or by a
    // patch queued once the answer has gone back (the older callback).
    await updateCards(tx, subject, card, version, { exceptMessageId: action.messageId });
    await recordAction(tx, action, 'claim_ticket', subject, 'claimed');
    const waited = row.opened_at ? (claimedAt.getTime() - row.opened_at.getTime()) / 1000 : null;
    return { kind: 'claimed' as const, card, version, waited };
  });

  if (outcome.kind === 'unknown')
    return { toast: toast('error', t('找不到这个工单。', 'This ticket is unknown to the bot.')) };
  if (outcome.kind === 'claimed') {
    if (outcome.waited !== null) deps.onClaimed?.(Math.max(0, outcome.waited));
    const clicked = action.style === 'v1' ? action.messageId : undefined;
    const result: CardActionResult = {
      toast: toast('success', t('你已认领这个工单。', 'You claimed this ticket.')),
      card: outcome.card,
      ...(clicked && { afterAnswer: () => patchClicked(deps, clicked, ticketId, outcome.card, outcome.version) }),
    };
    return result;
  }
  const { row } = outcome;
  const holder = row.claimed_by!;
  const card = cardOf(row, timeZone);
  if (holder === me)
    return { toast: toast('info', t('你已经认领了这个工单。', 'You already claimed this ticket.')), card };
  const theirs = await within(
    directory.user(holder).then(
      (u) => u?.name ?? null,
      () => null,
    ),
    budget,
  );
  const name = theirs.done ? theirs.value : null;
  const who = name ?? t('其他同事', 'someone else').zh;
  return {
    toast: toast(
      'warning',
      t(`这个工单已被 ${who} 认领。`, `This ticket was already claimed by ${name ?? 'someone else'}.`),
    ),
    card,
  };
}

/**
 * The older callback's clicked card, patched once the answer has gone back (Feishu refuses an update while the
 * interaction holds the card). When the ticket changed since, the clicked one has its newer card already.
 */
async function patchClicked(
  deps: ClaimDeps,
  messageId: string,
  ticketId: string,
  card: Record<string, unknown>,
  version: number,
): Promise<void> {
  const queued = await deps.db.$transaction(async (tx) => {
    const row = await lockTicket(tx, ticketId);
    if (!row || row.version !== version) return false;
    const copy = await tx.notification.findFirst({ where: { messageId, operation: 'send' }, select: { id: true } });
    if (!copy) return false;
    await patchMessage(tx, copy.id, card, `v${version}`);
    return true;
  });
  if (queued) deps.onQueued();
}
