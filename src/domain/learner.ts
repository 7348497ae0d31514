import type { Source } from './sources.js';

/** A learner as an event names them: the source and the source's user id, before they are found in Feishu. */
export interface LearnerRef {
  source: Source;
  externalUserId: string;
  /** What the event itself says about the learner. */
  hints?: { openId?: string | undefined; name?: string | undefined };
}
