/** Helpdesk tickets as `helpdesk.ticket.*_v1` events carry them, and the card that shows one. Pure. */
import { CLOSED_TICKET_STATUSES, ticketCard, type TicketField } from '../../cards/ticket.js';

/** A field the guest filled in, as the helpdesk sends it (`customized_field_display_item`). */
export interface TicketCustomField {
  id?: string;
  value?: unknown;
  key_name?: string;
  display_name?: string;
  position?: number;
}

export interface TicketPayload {
  ticket_id?: string;
  helpdesk_id?: string;
  guest?: { id?: { open_id?: string; user_id?: string; union_id?: string }; name?: string };
  stage?: number;
  status?: number;
  channel?: number;
  created_at?: number;
  updated_at?: number;
  closed_at?: number;
  chat_id?: string;
  customized_fields?: TicketCustomField[];
}

interface TicketState {
  ticket: TicketPayload;
  claimedBy: string | null;
  claimedByName?: string | null;
  claimedAt: Date | null;
  /** When the bot first saw it, and now: the card says how long it has been open. */
  openedAt?: Date | null;
  now?: Date;
  /** The escalation step reached (0 none). */
  escalated?: number;
}

const millis = (v: unknown) => (typeof v === 'number' && v > 0 ? new Date(v) : undefined);

/** The ticket's chat, opened through Feishu's AppLink. */
function ticketChatUrl(chatId: string | undefined): string | undefined {
  return chatId && /^oc_[A-Za-z0-9_-]+$/.test(chatId)
    ? `https://applink.feishu.cn/client/chat/open?openChatId=${chatId}`
    : undefined;
}

/** The guest's fields in the helpdesk's display order (`position`), named by their display name. */
export function ticketFields(fields: unknown): TicketField[] {
  if (!Array.isArray(fields)) return [];
  const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
  return fields
    .filter((f): f is TicketCustomField => typeof f === 'object' && f !== null)
    .map((f, i) => ({ f, i, at: typeof f.position === 'number' ? f.position : Number.MAX_SAFE_INTEGER }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map(({ f }) => ({ name: text(f.display_name) || text(f.key_name), value: text(f.value) }))
    .filter((f) => f.name !== '' && f.value !== '');
}

/** What the ticket is about: the first of the guest's fields, if any. */
export function ticketAbout(ticket: TicketPayload): string | undefined {
  return ticketFields(ticket.customized_fields)[0]?.value;
}

/** Whether the ticket's status is a closed one. */
export function ticketClosed(ticket: TicketPayload): boolean {
  return ticket.status != null && CLOSED_TICKET_STATUSES.includes(ticket.status);
}

export function buildTicketCard(state: TicketState, timeZone: string): Record<string, unknown> {
  const t = state.ticket;
  return ticketCard({
    ticketId: t.ticket_id ?? '',
    fields: ticketFields(t.customized_fields),
    helpdeskId: t.helpdesk_id,
    guestName: t.guest?.name,
    stage: t.stage,
    status: t.status,
    channel: t.channel,
    createdAt: millis(t.created_at),
    updatedAt: millis(t.updated_at),
    ticketUrl: ticketChatUrl(t.chat_id),
    ...(state.claimedBy
      ? {
          claimedBy: { openId: state.claimedBy, ...(state.claimedByName ? { name: state.claimedByName } : {}) },
          claimedAt: state.claimedAt ?? undefined,
        }
      : {}),
    ...(state.openedAt ? { openedAt: state.openedAt } : {}),
    ...(state.now ? { now: state.now } : {}),
    ...(state.escalated ? { escalated: state.escalated } : {}),
    timeZone,
  });
}
