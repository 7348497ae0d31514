/**
 * helpdesk/v1: the helpdesk credential, events/subscribe, events/unsubscribe
 * and tickets/:ticket_id.
 *
 * Every helpdesk call needs, besides the tenant token, the header
 *   X-Lark-Helpdesk-Authorization: Bearer base64("<helpdeskId>:<helpdeskToken>")
 * which is what the SDK sends for `lark.withHelpDeskCredential()` (taken from the Client's
 * helpDeskId/helpDeskToken). Feishu's own helpdesk docs send the base64 value without
 * "Bearer ", so both forms are accepted.
 */
import { ERR, HELPDESK_EVENTS } from './codes.js';
import { ApiError, isRecord, ok, type ApiReply, type ApiRequest } from './http.js';
import type { EmulatedHelpdesk, EmulatedTicket } from './types.js';

export const HELPDESK_AUTH_HEADER = 'x-lark-helpdesk-authorization';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export class HelpdeskService {
  /** helpdesk id -> token. */
  private readonly tokens = new Map<string, string>();
  /** helpdesk id -> "type/subtype" in subscription order. */
  private readonly subscribed = new Map<string, string[]>();
  private readonly tickets = new Map<string, EmulatedTicket>();

  constructor(helpdesks: readonly EmulatedHelpdesk[] = []) {
    for (const h of helpdesks) this.tokens.set(h.id, h.token);
  }

  /**
   * The helpdesk id named by a valid X-Lark-Helpdesk-Authorization header; throws 401/154001
   * when the header is missing, malformed, names an unknown helpdesk or has the wrong token.
   */
  authenticate(header: string | string[] | undefined): string {
    const refuse = (why: string): never => {
      throw new ApiError(ERR.helpdeskUnauthorized, `(${why})`);
    };
    if (typeof header !== 'string' || header.trim() === '') return refuse('X-Lark-Helpdesk-Authorization missing');
    const encoded = header.trim().replace(/^Bearer\s+/i, '');
    if (!BASE64.test(encoded)) return refuse('X-Lark-Helpdesk-Authorization is not base64');
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return refuse('X-Lark-Helpdesk-Authorization is not base64("id:token")');
    const id = decoded.slice(0, colon);
    const token = decoded.slice(colon + 1);
    const expected = this.tokens.get(id);
    if (expected === undefined) return refuse(`unknown helpdesk ${id}`);
    if (token !== expected) return refuse(`wrong token for helpdesk ${id}`);
    return id;
  }

  /** POST /open-apis/helpdesk/v1/events/subscribe. Already-subscribed events are kept once. */
  handleSubscribe(req: ApiRequest): ApiReply {
    const helpdeskId = requireHelpdesk(req);
    const events = eventList(req.body);
    const list = this.subscribed.get(helpdeskId) ?? [];
    for (const ev of events) if (!list.includes(ev)) list.push(ev);
    this.subscribed.set(helpdeskId, list);
    return ok({});
  }

  /** POST /open-apis/helpdesk/v1/events/unsubscribe. Chosen: events not subscribed are ignored (code 0). */
  handleUnsubscribe(req: ApiRequest): ApiReply {
    const helpdeskId = requireHelpdesk(req);
    const events = new Set(eventList(req.body));
    const list = (this.subscribed.get(helpdeskId) ?? []).filter((ev) => !events.has(ev));
    this.subscribed.set(helpdeskId, list);
    return ok({});
  }

  /** GET /open-apis/helpdesk/v1/tickets/:ticket_id */
  handleGetTicket(req: ApiRequest, ticketId: string): ApiReply {
    const helpdeskId = requireHelpdesk(req);
    const ticket = this.tickets.get(ticketId);
    if (!ticket || ticket.helpdesk_id !== helpdeskId) {
      throw new ApiError(ERR.helpdeskNotFound, `(ticket ${ticketId} in helpdesk ${helpdeskId})`);
    }
    return ok({ ticket: { ...ticket } });
  }

  /** Add or replace a ticket; missing fields get defaults. */
  addTicket(ticket: EmulatedTicket, now: number): void {
    this.tickets.set(ticket.ticket_id, {
      ticket_type: 1,
      status: 1,
      created_at: now,
      updated_at: -1,
      channel: 9,
      solve: 1,
      agents: [],
      collaborators: [],
      customized_fields: [],
      tags: [],
      ...structuredClone(ticket),
    });
  }

  /** The "type/subtype" strings a helpdesk is subscribed to, in subscription order. */
  subscriptions(helpdeskId: string): string[] {
    return [...(this.subscribed.get(helpdeskId) ?? [])];
  }

  /** Forget every subscription (credentials and tickets stay). */
  clearSubscriptions(): void {
    this.subscribed.clear();
  }
}

/** Set by the server after authenticate() for routes that need the helpdesk credential. */
function requireHelpdesk(req: ApiRequest): string {
  if (req.helpdeskId === undefined) throw new Error('helpdesk route reached without a helpdesk credential');
  return req.helpdeskId;
}

/** body.events as "type/subtype" strings; the whole request fails (154000) if any is unusable. */
function eventList(body: unknown): string[] {
  const events = isRecord(body) ? body.events : undefined;
  if (!Array.isArray(events) || events.length === 0) {
    throw new ApiError(ERR.helpdeskBadRequest, '(events must be a non-empty array)');
  }
  return events.map((ev, i) => {
    if (!isRecord(ev) || typeof ev.type !== 'string' || typeof ev.subtype !== 'string' || !ev.type || !ev.subtype) {
      throw new ApiError(ERR.helpdeskBadRequest, `(events[${i}] needs string type and subtype)`);
    }
    const key = `${ev.type}/${ev.subtype}`;
    if (!HELPDESK_EVENTS.has(key))
      throw new ApiError(ERR.helpdeskBadRequest, `(events[${i}]: unknown helpdesk event ${key})`);
    return key;
  });
}
