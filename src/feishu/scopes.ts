/**
 * The Feishu permissions (scopes) the bot needs, each with the calls or events that need it. The app's developer
 * console imports deploy/feishu-scopes.json (the same list) in one step; a test keeps both in line with the Open API
 * calls in src/. All are tenant scopes: the bot acts as the app, never as a user.
 */
export interface ScopeNeed {
  scope: string;
  /** What it is for, as the README's table says it. */
  why: string;
  /** The SDK calls (`im.v1.message.create`) or request paths (`GET /open-apis/...`) that need it. */
  calls: string[];
  /** The events that need it (subscribed in the console). */
  events: string[];
}

export const SCOPES: ScopeNeed[] = [
  {
    scope: 'im:message:send_as_bot',
    why: 'send cards to users and groups as the bot, and update cards it sent (ticket status, claims)',
    calls: ['im.v1.message.create', 'im.v1.message.patch'],
    events: [],
  },
  {
    scope: 'im:message.p2p_msg:readonly',
    why: 'receive the commands users send to the bot in a direct chat',
    calls: [],
    events: ['im.message.receive_v1'],
  },
  {
    scope: 'im:message.group_at_msg:readonly',
    why: 'receive the commands that mention the bot in a group',
    calls: [],
    events: ['im.message.receive_v1'],
  },
  {
    scope: 'im:chat.access_event.bot_p2p_chat:read',
    why: "know when a user opens the bot's chat for the first time (onboarding card)",
    calls: [],
    events: ['im.chat.access_event.bot_p2p_chat_entered_v1'],
  },
  {
    scope: 'contact:user.base:readonly',
    why: "read a user's name for cards and lists",
    calls: ['contact.v3.user.get'],
    events: [],
  },
  {
    scope: 'contact:user.employee_id:readonly',
    why: "read a user's user_id (employee id), to match Qingsuyun and eLearning learners",
    calls: ['contact.v3.user.get'],
    events: [],
  },
  {
    scope: 'contact:user.department:readonly',
    why: "read a learner's direct manager (leader_user_id) for manager notices",
    calls: ['contact.v3.user.get'],
    events: [],
  },
  {
    scope: 'contact:user.id:readonly',
    why: 'find a Feishu user by email or mobile number (ALM and Qingsuyun learners)',
    calls: ['contact.v3.user.batchGetId'],
    events: [],
  },
  {
    scope: 'helpdesk:all',
    why: "subscribe the helpdesk's ticket events and receive new and updated tickets",
    calls: ['helpdesk.v1.event.subscribe'],
    events: ['helpdesk.ticket.created_v1', 'helpdesk.ticket.updated_v1'],
  },
  {
    scope: 'elearning:course_registration:readonly',
    why: 'receive Feishu eLearning course registrations and their results',
    calls: [],
    events: [
      'elearning.course_registration.created_v2',
      'elearning.course_registration.updated_v2',
      'elearning.course_registration.deleted_v2',
    ],
  },
];

/**
 * Open API calls that need no scope of their own: the bot's own information (the bot capability is enough) and the
 * tenant token the SDK fetches with the app's credentials.
 */
export const NO_SCOPE_CALLS = ['GET /open-apis/bot/v3/info', 'POST /open-apis/auth/v3/tenant_access_token/internal'];

/** Every scope the bot needs, sorted. */
export function neededScopes(): string[] {
  return [...new Set(SCOPES.map((s) => s.scope))].sort();
}
