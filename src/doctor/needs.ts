/**
 * What the bot needs from the Feishu app: the scopes behind the calls it makes and the events it handles. Doctor
 * compares them with what the app was granted and with the events actually stored.
 */
import type { Config } from '../config.js';

export interface ScopeNeed {
  /** Any one of these scopes is enough (Feishu grants the broader ones too). */
  anyOf: readonly string[];
  for: string;
  /** Without it a core feature fails (doctor fails); else only an optional feature is missing (doctor warns). */
  required: (config: Config) => boolean;
}

const always = () => true;
const helpdeskConfigured = (c: Config) => Boolean(c.FEISHU_HELPDESK_ID && c.FEISHU_HELPDESK_TOKEN);

export const SCOPE_NEEDS: readonly ScopeNeed[] = [
  { anyOf: ['im:message:send_as_bot', 'im:message'], for: 'send cards (im/v1/messages)', required: always },
  {
    anyOf: ['im:message', 'im:message:update'],
    for: 'update cards already sent (ticket claims, seat counts)',
    required: always,
  },
  {
    anyOf: ['im:message.p2p_msg:readonly', 'im:message.p2p_msg', 'im:message:readonly'],
    for: 'receive direct messages (commands)',
    required: always,
  },
  {
    anyOf: ['im:message.group_at_msg:readonly', 'im:message.group_at_msg', 'im:message:readonly'],
    for: 'receive group messages that @mention the bot',
    required: always,
  },
  {
    anyOf: ['contact:user.id:readonly'],
    for: 'find users by email or mobile (contact/v3/users/batch_get_id)',
    required: always,
  },
  {
    anyOf: ['contact:user.base:readonly', 'contact:contact:readonly_as_app'],
    for: "users' names (contact/v3/users)",
    required: always,
  },
  {
    anyOf: ['contact:user.department:readonly', 'contact:contact:readonly_as_app'],
    for: "users' managers (leader_user_id)",
    required: always,
  },
  {
    anyOf: ['contact:user.employee_id:readonly'],
    for: 'user_id in events and lookups (Qingsuyun matching, whoami)',
    required: (c) => c.QINGSUYUN_USER_MATCH === 'user_id',
  },
  {
    anyOf: ['helpdesk:all:readonly', 'helpdesk:all'],
    for: 'helpdesk ticket events and ticket details',
    required: helpdeskConfigured,
  },
  {
    anyOf: ['elearning:course_learner_data:readonly', 'elearning:course_learner_data'],
    for: 'Feishu eLearning course registration events',
    required: () => false,
  },
];

export interface EventNeed {
  /** Any one of these event types shows the subscription works. */
  anyOf: readonly string[];
  for: string;
  /** Only checked when this holds (e.g. the helpdesk is configured). */
  applies: (config: Config) => boolean;
}

export const EVENT_NEEDS: readonly EventNeed[] = [
  { anyOf: ['im.message.receive_v1'], for: 'commands sent to the bot', applies: always },
  {
    anyOf: ['im.chat.access_event.bot_p2p_chat_entered_v1', 'p2p_chat_create'],
    for: 'the welcome card when someone first opens a chat with the bot',
    applies: always,
  },
  {
    anyOf: ['helpdesk.ticket.created_v1', 'helpdesk.ticket.updated_v1'],
    for: 'helpdesk ticket cards',
    applies: helpdeskConfigured,
  },
];

/** An event counts as seen recently within this window. */
export const RECENT_EVENT_DAYS = 7;
