/** Helpdesk tickets as `helpdesk.ticket.*_v1` events carry them, and the card that shows one. Pure. */
import { ticketCard } from '../../cards/ticket.js';

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
}

interface TicketState {
  ticket: TicketPayload;
  claimedBy: string | null;
  claimedByName?: string | null;
  claimedAt: Date | null;
}

const millis = (v: unknown) => (typeof v === 'number' && v > 0 ? new Date(v) : undefined);

/** The ticket's chat, opened through Feishu's AppLink. */
function ticketChatUrl(chatId: string | undefined): string | undefined {
  return chatId && /^oc_[A-Za-z0-9_-]+$/.test(chatId)
    ? `https://applink.feishu.cn/client/chat/open?openChatId=${chatId}`
    : undefined;
}

export function buildTicketCard(state: TicketState, timeZone: string): Record<string, unknown> {
  const t = state.ticket;
  return ticketCard({
    ticketId: t.ticket_id ?? '',
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
    timeZone,
  });
}
