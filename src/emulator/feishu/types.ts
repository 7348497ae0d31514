/** Public types of the Feishu Open Platform emulator. */

export interface EmulatedUser {
  open_id: string;
  user_id: string;
  union_id?: string;
  name: string;
  en_name?: string;
  email?: string;
  mobile?: string;
  /** The direct manager, given as an open_id. */
  leader_user_id?: string;
  /** The user's own time zone (IANA name), as the contact API gives it; absent: not given. */
  time_zone?: string;
  /** Default true. false: the user is outside the bot's availability, sends get 230013. */
  inAppScope?: boolean;
}

export interface EmulatedChat {
  chat_id: string;
  /** false: sends to this chat get 230002 (bot not in the chat). */
  botIsMember: boolean;
  /** The group's name, as im/v1/chats/:chat_id answers it (a group without one has no `name`). */
  name?: string;
  /** The people in the group (open_ids), as im/v1/chats/:chat_id/members lists them. */
  members?: string[];
}

export interface FeishuEmulatorOptions {
  /** Default 'cli_0123456789abcdef' (the shape the SDK's WSClient insists on). */
  appId?: string;
  /** Default 'emulator-secret'. */
  appSecret?: string;
  /** Default 'emulator_tenant'; appears as sender.tenant_key. */
  tenantKey?: string;
  /**
   * The app's tier of each message API (create, reply and patch, each counted on its own), sliding 1 s window.
   * Default 50.
   */
  appRatePerSecond?: number;
  /** The same per API, sliding 60 s window. Default 1000; null disables. */
  appRatePerMinute?: number | null;
  /** Messages per recipient (user or chat), sliding 1 s window. Default 5. */
  recipientRatePerSecond?: number;
  /** Patches per message, sliding 1 s window. Default 5. */
  patchRatePerSecond?: number;
  /** tenant_access_token lifetime. Default 7200. */
  tokenTtlSeconds?: number;
  users?: EmulatedUser[];
  /** The bot's open_id, as GET /open-apis/bot/v3/info reports it. Default 'ou_bot_emulator'. */
  botOpenId?: string;
  /** bot.app_name in GET /open-apis/bot/v3/info. Default 'Emulator Bot'. */
  botName?: string;
  /** bot.activate_status in GET /open-apis/bot/v3/info. Default 2 (enabled). */
  botActivateStatus?: number;
  /** Scopes GET /open-apis/application/v6/scopes reports as granted. Default none. */
  grantedScopes?: string[];
  /** Scopes it reports as asked for but not granted. Default none. */
  pendingScopes?: string[];
  /**
   * Helpdesks whose API credentials (X-Lark-Helpdesk-Authorization) the emulator accepts.
   * Default none: every helpdesk call is then refused with 401/154001.
   */
  helpdesks?: EmulatedHelpdesk[];
  /** Default 0 (a random free port). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Time source in ms (default Date.now). Tests move it to age tokens, uuids and messages. */
  clock?: () => number;
  /**
   * The time stamped on messages' `create_time` / `update_time` (default `clock`): a sandbox whose business clock
   * was moved shows its messages at that time, while tokens, rate limits and uuid dedupe keep `clock`.
   */
  messageClock?: () => number;
}

/** A helpdesk's API credential (Feishu: helpdesk admin > settings > API credentials). */
export interface EmulatedHelpdesk {
  id: string;
  token: string;
}

/**
 * A helpdesk ticket for GET /open-apis/helpdesk/v1/tickets/:ticket_id.
 * Fields not given get defaults (status 1, ticket_type 1, updated_at -1, empty lists...);
 * any other field is returned as given.
 */
export interface EmulatedTicket {
  ticket_id: string;
  /** Only this helpdesk's credential can read the ticket. */
  helpdesk_id: string;
  guest?: { id: string; name?: string; email?: string; avatar_url?: string; department?: string };
  /** 1 created, 2 processing, 3 queued, 4 pending, 5 waiting for the user, 50/51/52 closed. */
  status?: number;
  /** 1 bot, 2 human agent. */
  ticket_type?: number;
  /** ms; default the emulator clock when addTicket was called. */
  created_at?: number;
  [field: string]: unknown;
}

export interface SentMessage {
  message_id: string;
  receive_id_type: string;
  receive_id: string;
  chat_id: string;
  /** open_id of the recipient when the message went to a user (any id type). */
  recipient_open_id?: string;
  /** An ephemeral card: the open_id of the only member of the group who sees it. */
  visible_to?: string;
  msg_type: string;
  /** The current content: updated by a successful PATCH or by the card in a callback's answer. */
  content: string;
  /** The content exactly as the create request sent it. */
  sent_content: string;
  /** Parsed content, for interactive messages. */
  card?: unknown;
  uuid?: string;
  /** For a reply: the message it answers, and the first message of its chain. */
  parent_id?: string;
  root_id?: string;
  /** For a reply in a thread. */
  thread_id?: string;
  create_time: string;
  update_time: string;
  updated: boolean;
}

/** An urgent notification on a message for one person. */
export interface UrgentRecord {
  message_id: string;
  open_id: string;
  kind: 'app';
  at: number;
}

export interface PatchRecord {
  message_id: string;
  content: string;
  card: unknown;
  at: number;
}

export interface RequestRecord {
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  /** HTTP status sent; 0 when the socket was destroyed by a scripted networkError. */
  status: number;
  /** The `code` of the JSON body sent, when there was one. */
  code?: number;
  /** Arrival time (clock ms). */
  at: number;
  /** What a scripted failure did to this request, if one matched. */
  scripted?: 'status' | 'networkError' | 'delay';
}

export interface FailureMatch {
  /** Default 'POST'. */
  method?: string;
  /** Exact path or a RegExp tested against the path. Default '/open-apis/im/v1/messages'. */
  path?: string | RegExp;
  /** Only requests whose JSON body has this receive_id. */
  receiveId?: string;
}

export type ScriptedFailure = {
  match?: FailureMatch;
  /** How many matching requests this failure applies to. Default 1. */
  times?: number;
} & (
  | {
      status: number;
      /** Default: 99991400 for 429, otherwise the HTTP status itself. */
      code?: number;
      msg?: string;
      /** For 429 the x-ogw-ratelimit-* headers are added unless given here. */
      headers?: Record<string, string>;
    }
  | { networkError: true }
  | { delayMs: number }
);
