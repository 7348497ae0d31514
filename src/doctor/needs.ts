/**
 * What doctor expects from the Feishu app besides its scopes (those, with when each is required, are in
 * src/feishu/scopes.ts): the events that show the subscriptions work.
 */
import type { Config } from '../config.js';
import { requirementHolds } from '../feishu/scopes.js';

export interface EventNeed {
  /** Any one of these event types shows the subscription works. */
  anyOf: readonly string[];
  for: string;
  forZh: string;
  /** Only checked when this holds (e.g. the helpdesk is configured). */
  applies: (config: Config) => boolean;
}

const always = () => true;

export const EVENT_NEEDS: readonly EventNeed[] = [
  { anyOf: ['im.message.receive_v1'], for: 'commands sent to the bot', forZh: '发给机器人的命令', applies: always },
  {
    anyOf: ['im.chat.access_event.bot_p2p_chat_entered_v1', 'p2p_chat_create'],
    for: 'the welcome card when someone first opens a chat with the bot',
    forZh: '有人首次打开与机器人的会话时的欢迎卡片',
    applies: always,
  },
  {
    anyOf: ['helpdesk.ticket.created_v1', 'helpdesk.ticket.updated_v1'],
    for: 'helpdesk ticket cards',
    forZh: '服务台工单卡片',
    applies: (c) => requirementHolds('helpdesk', c),
  },
];

/** An event counts as seen recently within this window. */
export const RECENT_EVENT_DAYS = 7;
