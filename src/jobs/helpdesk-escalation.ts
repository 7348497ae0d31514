/**
 * The escalation ladder of an unclaimed ticket, per chat routed for it (each chat's desk: src/recipients/desks.ts):
 *
 * 1. after `remindAfter` counted minutes, a reply to the ticket's card in that chat @-mentions the people on duty
 *    (or says nobody is and how to set it);
 * 2. after `leadAfter` counted minutes, each lead gets the ticket's card directly, with its Claim button (a copy
 *    like the others: a claim anywhere changes every copy), and, where the desk asks for it, an urgent in-app
 *    notification on it.
 *
 * Minutes count inside the send windows by default (a desk may count around the clock). Each step is one job per
 * ticket and chat (unique key: it runs once whatever the number of instances), scheduled when the ticket arrives at
 * the earliest moment it could be due; at run time it re-checks the ticket under its row lock (claimed or closed:
 * skipped), computes when the step is really due and waits until then. A claim or a close cancels the ticket's jobs
 * in the transaction that records it, and a job running meanwhile finds itself cancelled and writes nothing.
 */
import { DateTime } from 'luxon';
import { dutyPingCard, noLeadCard } from '../../cards/escalation.js';
import type { Config } from '../config.js';
import type { Tx } from '../db/tx.js';
import type { NotificationDraft } from '../domain/draft.js';
import { dedupeKey, ticketSubject } from '../domain/keys.js';
import { addCountedMinutes } from '../domain/working-time.js';
import { lockTicket } from '../helpdesk/store.js';
import { buildTicketCard, ticketAbout, ticketClosed } from '../helpdesk/ticket.js';
import { updateCards } from '../outbox/card-updates.js';
import { deskOf, desksOf, onDuty, type DeskDefaults } from '../recipients/desks.js';
import { cancelJobs, scheduleJob, type ClaimedJob } from './store.js';
import type { JobContext, JobKind, JobOutcome } from './types.js';

/** The job kinds of the two steps (apart, so each step is counted on its own). */
export const PING_DUTY_KIND = 'ticket-ping-duty';
export const TELL_LEADS_KIND = 'ticket-tell-leads';
export const ESCALATION_KINDS = { 1: PING_DUTY_KIND, 2: TELL_LEADS_KIND } as const;

interface EscalationPayload {
  ticketId: string;
  chatId: string;
}

const stepKey = (step: 1 | 2, ticketId: string, chatId: string) => `escalate:${step}:${ticketId}:${chatId}`;

/**
 * Schedules both steps for each chat a new ticket's card went to, in the transaction that queues its cards. A
 * step turned off (0 minutes) on a chat is not scheduled.
 */
export async function planEscalation(
  tx: Tx,
  defaults: DeskDefaults,
  ticketId: string,
  chatIds: readonly string[],
  openedAt: Date,
): Promise<number> {
  let planned = 0;
  for (const desk of await desksOf(tx, defaults, chatIds)) {
    for (const [step, minutes] of [
      [1, desk.remindAfter],
      [2, desk.leadAfter],
    ] as const) {
      if (minutes <= 0) continue;
      // Counted minutes never run faster than the clock: this is the earliest the step can be due.
      await scheduleJob(tx, {
        kind: ESCALATION_KINDS[step],
        key: stepKey(step, ticketId, desk.chatId),
        subject: ticketSubject(ticketId),
        runAt: new Date(openedAt.getTime() + minutes * 60_000),
        payload: { ticketId, chatId: desk.chatId } satisfies EscalationPayload,
      });
      planned++;
    }
  }
  return planned;
}

/** Cancels whatever is pending for the ticket (claimed, or closed), in the caller's transaction. */
export function cancelEscalation(tx: Tx, ticketId: string, reason: 'claimed' | 'closed'): Promise<number> {
  return cancelJobs(tx, { subject: ticketSubject(ticketId) }, `ticket ${reason}`);
}

export function escalationKinds(deps: { config: Config }): JobKind<EscalationPayload>[] {
  const defaults = deps.config;
  const zone = deps.config.DEFAULT_TIME_ZONE;
  const kind = (step: 1 | 2): JobKind<EscalationPayload> => ({
    kind: ESCALATION_KINDS[step],
    // The step computes its own due moment from the desk's counting; around the clock it may go at night.
    windowed: false,
    run: (tx, job, ctx) => runStep(tx, job, ctx, step, defaults, zone),
  });
  return [kind(1), kind(2)];
}

async function runStep(
  tx: Tx,
  job: ClaimedJob<EscalationPayload>,
  ctx: JobContext,
  step: 1 | 2,
  defaults: DeskDefaults,
  zone: string,
): Promise<JobOutcome> {
  const { ticketId, chatId } = job.payload;
  const row = await lockTicket(tx, ticketId);
  if (!row) return { status: 'skipped', reason: 'the ticket is unknown' };
  if (row.claimed_by) return { status: 'skipped', reason: 'the ticket was claimed' };
  if (ticketClosed(row.ticket)) return { status: 'skipped', reason: 'the ticket is closed' };
  const desk = await deskOf(tx, defaults, chatId);
  const minutes = step === 1 ? desk.remindAfter : desk.leadAfter;
  if (minutes <= 0) return { status: 'skipped', reason: 'this step is off for the chat' };
  const openedAt = row.opened_at ?? job.runAt;
  const due = addCountedMinutes(ctx.calendar, desk.clock, openedAt, minutes, ctx.zone);
  if (due > ctx.now) return { status: 'replan', at: due, reason: 'waiting for counted minutes' };
  const subject = ticketSubject(ticketId);
  const copy = await tx.notification.findFirst({
    where: { subject, operation: 'send', receiveIdType: 'chat_id', receiveId: chatId },
    select: { id: true, status: true },
  });
  if (!copy || copy.status === 'failed' || copy.status === 'skipped')
    return { status: 'skipped', reason: 'the ticket has no card in this chat' };

  // Every copy of the card now says how long it has been open and that it was escalated.
  const escalated = Math.max(row.escalated, step);
  const version = row.version + 1;
  await tx.helpdeskTicket.update({ where: { ticketId }, data: { escalated, version } });
  const card = buildTicketCard(
    { ticket: row.ticket, claimedBy: null, claimedAt: null, openedAt, now: ctx.now, escalated },
    zone,
  );
  await updateCards(tx, subject, card, version);

  const reply = (body: Record<string, unknown>): NotificationDraft => ({
    key: 'reply',
    kind: 'tickets',
    role: 'chat',
    receiveIdType: 'chat_id',
    receiveId: chatId,
    card: body,
    about: { notificationId: copy.id, as: 'reply' },
  });
  const input = { ticketId, subject: ticketAbout(row.ticket), minutes, clock: desk.clock };
  if (step === 1) {
    const weekday = DateTime.fromJSDate(ctx.now, { zone: ctx.zone }).weekday;
    await ctx.enqueue([reply(dutyPingCard({ ...input, duty: onDuty(desk, weekday) }))]);
    return { status: 'done' };
  }
  if (desk.leads.length === 0) {
    await ctx.enqueue([reply(noLeadCard(input))]);
    return { status: 'done' };
  }
  const leadCard = (openId: string): NotificationDraft => ({
    key: `lead:${openId}`,
    kind: 'tickets',
    role: 'admin',
    receiveIdType: 'open_id',
    receiveId: openId,
    subject,
    card,
  });
  await ctx.enqueue(desk.leads.map(leadCard));
  if (desk.urgent) {
    const keys = desk.leads.map((openId) => dedupeKey(`job:${job.key}`, `lead:${openId}`));
    const sent = await tx.notification.findMany({
      where: { dedupeKey: { in: keys } },
      select: { id: true, receiveId: true },
    });
    await ctx.enqueue(
      sent.map((n) => ({
        key: `urgent:${n.receiveId}`,
        kind: 'tickets' as const,
        role: 'admin' as const,
        receiveIdType: 'open_id' as const,
        receiveId: n.receiveId,
        text: '',
        about: { notificationId: n.id, as: 'urgent' as const },
      })),
    );
  }
  return { status: 'done' };
}
