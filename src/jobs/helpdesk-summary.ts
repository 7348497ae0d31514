/**
 * The morning summary of open tickets, on working days at HELPDESK_SUMMARY_AT (default 09:40) in the tenant's zone:
 * each chat routed for tickets that has open tickets (and has not turned its summary off) gets one card listing
 * them, unclaimed ones with their age, claimed ones with who and since when. A chat without open tickets gets
 * nothing.
 *
 * One job per day (key `helpdesk-summary:<date>`): its run schedules the next working day's while tickets remain
 * open, and a new ticket schedules the next one if none is. A summary found late (after downtime) still goes out
 * on its own working day, and is skipped once that day's window has closed.
 */
import { DateTime } from 'luxon';
import { ticketSummaryCard, type SummaryTicket } from '../../cards/escalation.js';
import type { Config } from '../config.js';
import type { Tx } from '../db/tx.js';
import type { WorkCalendar } from '../domain/calendar.js';
import type { NotificationDraft } from '../domain/draft.js';
import { ticketAbout, type TicketPayload } from '../helpdesk/ticket.js';
import { desksOf } from '../recipients/desks.js';
import { routedChats } from '../recipients/routes.js';
import { scheduleJob, type JobPlan } from './store.js';
import type { JobKind } from './types.js';

export const SUMMARY_KIND = 'helpdesk-summary';

/** At most this many open tickets are read per chat. */
const MAX_PER_CHAT = 200;

/** The first working day's summary time strictly after `after`, and the end of that day's window. */
export function nextSummary(
  calendar: WorkCalendar,
  after: Date,
  zone: string,
  at: string,
): { runAt: Date; notAfter: Date; date: string } {
  const [h, m] = at.split(':').map(Number) as [number, number];
  let day = DateTime.fromJSDate(after, { zone }).startOf('day');
  for (let i = 0; i < 731; i++, day = day.plus({ days: 1 })) {
    const date = day.toISODate()!;
    if (!calendar.isWorkingDay(date)) continue;
    const runAt = day.set({ hour: h, minute: m }).toJSDate();
    if (runAt <= after) continue;
    return { runAt, notAfter: calendar.closingOf(runAt, zone), date };
  }
  throw new Error('no working day within two years: check the working days and the day overrides');
}

/** The plan of the next summary after `after`. */
export function summaryPlan(calendar: WorkCalendar, config: Config, after: Date): JobPlan {
  const next = nextSummary(calendar, after, config.DEFAULT_TIME_ZONE, config.HELPDESK_SUMMARY_AT);
  return { kind: SUMMARY_KIND, key: `${SUMMARY_KIND}:${next.date}`, runAt: next.runAt, notAfter: next.notAfter };
}

/** Makes sure the next summary is scheduled (a new ticket calls it; scheduling a known key changes nothing). */
export async function ensureSummary(tx: Tx, calendar: WorkCalendar, config: Config, now: Date): Promise<void> {
  await scheduleJob(tx, summaryPlan(calendar, config, now));
}

interface OpenTicketRow {
  chat_id: string;
  ticket_id: string;
  ticket: TicketPayload;
  claimed_by: string | null;
  claimed_at: Date | null;
  opened_at: Date | null;
  created_at: Date;
}

/** Open tickets (not in a closed status) with a card in one of `chats`, oldest first. */
function openTickets(tx: Tx, chats: string[]): Promise<OpenTicketRow[]> {
  return tx.$queryRaw<OpenTicketRow[]>`
    SELECT c.chat_id, t.ticket_id, t.ticket, t.claimed_by, t.claimed_at, t.opened_at, t.created_at
      FROM unnest(${chats}::text[]) AS c(chat_id)
      CROSS JOIN LATERAL (
        SELECT t.* FROM helpdesk_ticket t
         WHERE COALESCE(t.ticket->>'status', '') NOT IN ('50', '51', '52')
           AND EXISTS (SELECT 1 FROM notification n
                        WHERE n.subject = 'ticket:' || t.ticket_id AND n.operation = 'send'
                          AND n.receive_id_type = 'chat_id' AND n.receive_id = c.chat_id)
         ORDER BY COALESCE(t.opened_at, t.created_at), t.ticket_id
         LIMIT ${MAX_PER_CHAT}) t`;
}

export function summaryKind(deps: { config: Config }): JobKind {
  const { config } = deps;
  const zone = config.DEFAULT_TIME_ZONE;
  return {
    kind: SUMMARY_KIND,
    // Its own time is inside the window on a working day; `not_after` drops it once the day's window is over.
    windowed: false,
    async run(tx, _job, ctx) {
      const chats = await routedChats(tx, 'tickets');
      const wanted = (await desksOf(tx, config, chats)).filter((d) => d.summary).map((d) => d.chatId);
      const rows = wanted.length > 0 ? await openTickets(tx, wanted) : [];
      const drafts: NotificationDraft[] = [];
      for (const chatId of wanted) {
        const mine = rows.filter((r) => r.chat_id === chatId);
        if (mine.length === 0) continue;
        const tickets: SummaryTicket[] = mine.map((r) => {
          const opened = r.opened_at ?? r.created_at;
          const about = ticketAbout(r.ticket);
          return {
            ticketId: r.ticket_id,
            ...(about ? { subject: about } : {}),
            ageMinutes: Math.max(0, Math.floor((ctx.now.getTime() - opened.getTime()) / 60_000)),
            ...(r.claimed_by ? { claimedBy: r.claimed_by } : {}),
            ...(r.claimed_at ? { claimedAt: r.claimed_at } : {}),
          };
        });
        drafts.push({
          key: `summary:${chatId}`,
          kind: 'tickets',
          role: 'chat',
          receiveIdType: 'chat_id',
          receiveId: chatId,
          card: ticketSummaryCard({ tickets, timeZone: zone }),
        });
      }
      await ctx.enqueue(drafts);
      // Tomorrow's (the next working day's) while any ticket is open; otherwise the next ticket plans it.
      const [open] = await tx.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM helpdesk_ticket WHERE COALESCE(ticket->>'status', '') NOT IN ('50', '51', '52')`;
      if ((open?.n ?? 0) > 0) await ctx.schedule(summaryPlan(ctx.calendar, config, ctx.now));
      return { status: 'done' };
    },
  };
}
