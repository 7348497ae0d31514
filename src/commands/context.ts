/** What a command runs with: who asks, from which chat, and the bot's services. */
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';

export interface CommandContext {
  db: Db;
  config: Config;
  services: Services;
  /** Who sent the command; the other ids come from the message event when it carries them. */
  actor: { openId: string; userId?: string; unionId?: string };
  /**
   * The inbound event the command came in (the message's inbox row). An audited change made for it is made once:
   * processing the same message again gets the first reply (see `audited`).
   */
  requestId?: string;
  chat: { chatId: string; chatType: 'p2p' | 'group' };
  /** Called after a binding is committed: wakes the resolver that releases waiting notifications. */
  wakeWaiting: () => void;
  now?: () => Date;
  /** Unexpected failures are logged here at error level (never with what the user typed). */
  log?: Logger;
}
