/**
 * The Feishu permissions (scopes) the bot needs, each with the calls or events that need it: the one list of them.
 * The app's developer console imports deploy/feishu-scopes.json (the same scopes) in one step, doctor checks the
 * granted scopes against it, and a test keeps it in line with the Open API calls in src/ and the README. All are
 * tenant scopes: the bot acts as the app, never as a user.
 */
import type { Config } from '../config.js';

/**
 * When a missing scope stops the bot (doctor fails) rather than only an optional feature (doctor warns):
 * `always`; `optional`; `helpdesk` when FEISHU_HELPDESK_ID and FEISHU_HELPDESK_TOKEN are set; `qingsuyun-user-id`
 * when Qingsuyun learners are matched by user_id.
 */
type ScopeRequirement = 'always' | 'optional' | 'helpdesk' | 'qingsuyun-user-id';

export interface ScopeNeed {
  /** The narrowest scope that covers the need: the one the console import asks for. */
  scope: string;
  /** Broader (or older) scopes that Feishu accepts in its place for the same calls and events. */
  alternatives: string[];
  /** What it is for, as the README's table says it. */
  why: string;
  /** The same in Chinese, for doctor's card. */
  whyZh: string;
  /** The SDK calls (`im.v1.message.create`) or request paths (`GET /open-apis/...`) that need it. */
  calls: string[];
  /** The events that need it (subscribed in the console). */
  events: string[];
  required: ScopeRequirement;
}

/** Needed to see users' user_id (employee id) in events and contact lookups. */
export const USER_ID_SCOPE = 'contact:user.employee_id:readonly';

export const SCOPES: ScopeNeed[] = [
  {
    scope: 'im:message:send_as_bot',
    alternatives: ['im:message'],
    why: 'send cards to users and groups as the bot',
    whyZh: '以机器人身份向用户和群发送卡片',
    calls: ['im.v1.message.create'],
    events: [],
    required: 'always',
  },
  {
    // The bot only updates cards it sent itself, which the sending scope allows. im:message:update is accepted as an
    // alternative as doctor always did; whether Feishu lets it alone patch a card is not verified.
    scope: 'im:message:send_as_bot',
    alternatives: ['im:message', 'im:message:update'],
    why: 'update the cards it sent (ticket claims, seat counts)',
    whyZh: '更新已发送的卡片（工单认领、名额数）',
    calls: ['im.v1.message.patch'],
    events: [],
    required: 'always',
  },
  {
    scope: 'im:message:send_as_bot',
    alternatives: ['im:message', 'im:message:update'],
    why: 'answer personal and admin commands in a group so only the person who asked sees the card',
    whyZh: '在群里回答个人和管理命令，只让提问的人看到卡片',
    calls: ['POST /open-apis/ephemeral/v1/send'],
    events: [],
    required: 'always',
  },
  {
    scope: 'im:message:send_as_bot',
    alternatives: ['im:message'],
    why: "reply to a ticket's card in its chat (pinging the people on duty)",
    whyZh: '在工单卡片所在的群里回复它（提醒值班的人）',
    calls: ['im.v1.message.reply'],
    events: [],
    required: 'always',
  },
  {
    scope: 'im:chat:readonly',
    alternatives: ['im:chat', 'im:chat:read'],
    why: 'show group chats by name (settings) instead of by id, and offer their members on the routes form',
    whyZh: '按名称显示群聊（settings）而不是 ID，并在路由表单中列出群成员供选择',
    calls: ['im.v1.chat.get', 'im.v1.chatMembers.get'],
    events: [],
    required: 'optional',
  },
  {
    // Only used when a helpdesk chat turns urgent notifications on (escalation urgent on); off by default.
    scope: 'im:message.urgent',
    alternatives: [],
    why: "buzz a helpdesk chat's leads (in-app urgent notification) on an escalated ticket",
    whyZh: '工单升级时向群的负责人发送应用内加急通知',
    calls: ['im.v1.message.urgentApp'],
    events: [],
    required: 'optional',
  },
  {
    scope: 'im:message.p2p_msg:readonly',
    alternatives: ['im:message.p2p_msg', 'im:message:readonly'],
    why: 'receive the commands users send to the bot in a direct chat',
    whyZh: '接收用户在私聊中发给机器人的命令',
    calls: [],
    events: ['im.message.receive_v1'],
    required: 'always',
  },
  {
    scope: 'im:message.group_at_msg:readonly',
    alternatives: ['im:message.group_at_msg', 'im:message:readonly'],
    why: 'receive the commands that mention the bot in a group',
    whyZh: '接收群里 @机器人 的命令',
    calls: [],
    events: ['im.message.receive_v1'],
    required: 'always',
  },
  {
    // Optional: the v1 event p2p_chat_create, which needs no scope, also triggers the welcome card.
    scope: 'im:chat.access_event.bot_p2p_chat:read',
    alternatives: [],
    why: "know when a user opens the bot's chat for the first time (onboarding card)",
    whyZh: '得知用户首次打开与机器人的会话（欢迎卡片）',
    calls: [],
    events: ['im.chat.access_event.bot_p2p_chat_entered_v1'],
    required: 'optional',
  },
  {
    scope: 'contact:user.base:readonly',
    alternatives: ['contact:contact:readonly_as_app'],
    why: "read a user's name for cards and lists",
    whyZh: '读取用户姓名，用于卡片和列表',
    calls: ['contact.v3.user.get'],
    events: [],
    required: 'always',
  },
  {
    // A field scope: without it Feishu leaves user_id out of events and lookups (whoami then shows none).
    scope: USER_ID_SCOPE,
    alternatives: [],
    why: "read a user's user_id (employee id), to match Qingsuyun learners and for whoami",
    whyZh: '读取用户的 user_id（工号），用于匹配轻速云学员和 whoami',
    calls: ['contact.v3.user.get'],
    events: [],
    required: 'qingsuyun-user-id',
  },
  {
    scope: 'contact:user.department:readonly',
    alternatives: ['contact:contact:readonly_as_app'],
    why: "read a learner's direct manager (leader_user_id) for manager notices",
    whyZh: '读取学员的直属上级（leader_user_id），用于经理通知',
    calls: ['contact.v3.user.get'],
    events: [],
    required: 'always',
  },
  {
    scope: 'contact:user.id:readonly',
    alternatives: [],
    why: 'find a Feishu user by email or mobile number (ALM and Qingsuyun learners)',
    whyZh: '按邮箱或手机号查找飞书用户（ALM 和轻速云学员）',
    calls: ['contact.v3.user.batchGetId'],
    events: [],
    required: 'always',
  },
  {
    // Subscribing changes the helpdesk's settings, so the read-write scope is asked for; that the call would also
    // work with helpdesk:all:readonly alone is not verified.
    scope: 'helpdesk:all',
    alternatives: [],
    why: "subscribe the helpdesk's ticket events",
    whyZh: '订阅服务台的工单事件',
    calls: ['helpdesk.v1.event.subscribe'],
    events: [],
    required: 'helpdesk',
  },
  {
    // Feishu asks for helpdesk:all:readonly to deliver the ticket events; helpdesk:all (read-write) includes it.
    scope: 'helpdesk:all:readonly',
    alternatives: ['helpdesk:all'],
    why: 'receive new and updated helpdesk tickets',
    whyZh: '接收新建和更新的服务台工单',
    calls: [],
    events: ['helpdesk.ticket.created_v1', 'helpdesk.ticket.updated_v1'],
    required: 'helpdesk',
  },
  {
    // Any one of the three course learner data scopes lets the app subscribe these events.
    scope: 'elearning:course_learner_data:readonly',
    alternatives: ['elearning:course_learner_data', 'elearning:course_learner_data:write'],
    why: 'receive Feishu eLearning course registrations and their results',
    whyZh: '接收飞书学习的课程报名及其结果',
    calls: [],
    events: [
      'elearning.course_registration.created_v2',
      'elearning.course_registration.updated_v2',
      'elearning.course_registration.deleted_v2',
    ],
    required: 'optional',
  },
];

/**
 * Open API calls that need no scope of their own: the tenant token the SDK (and doctor) fetch with the app's
 * credentials, the bot's own information (the bot capability is enough), and the list of the app's own scopes that
 * doctor reads (assumed scope-free as the app reads only itself; not verified: if Feishu asked for a scope, doctor's
 * Scopes check would fail naming the permission error).
 */
export const NO_SCOPE_CALLS = [
  'POST /open-apis/auth/v3/tenant_access_token/internal',
  'GET /open-apis/bot/v3/info',
  'application.v6.scope.list',
];

/** Every scope the bot needs, sorted (what the console import asks for). */
export function neededScopes(): string[] {
  return [...new Set(SCOPES.map((s) => s.scope))].sort();
}

/** Any of these granted satisfies the need. */
export function satisfiedBy(need: ScopeNeed): string[] {
  return [need.scope, ...need.alternatives];
}

/** Whether, with this configuration, a missing scope of this requirement stops the bot. Pure. */
export function requirementHolds(required: ScopeRequirement, config: Config): boolean {
  switch (required) {
    case 'always':
      return true;
    case 'optional':
      return false;
    case 'helpdesk':
      return Boolean(config.FEISHU_HELPDESK_ID && config.FEISHU_HELPDESK_TOKEN);
    case 'qingsuyun-user-id':
      return config.QINGSUYUN_USER_MATCH === 'user_id';
  }
}
