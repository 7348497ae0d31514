/** Routes a card button click to its action by the value's `action`. */
import { t } from '../../cards/kit.js';
import { toast } from '../../cards/reply.js';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import type { CardAction, CardActionHandler, CardActionResult } from './callback.js';
import { claimTicket } from './claim.js';
import { congratulate } from './congratulate.js';
import { recordAction } from './record.js';

export class CardActions implements CardActionHandler {
  constructor(private readonly deps: { db: Db; config: Config; log: Logger; services: Services; onQueued: () => void }) {}

  async handle(action: CardAction): Promise<CardActionResult> {
    const { db, config, log, services } = this.deps;
    const value = action.value;
    const timeZone = config.DEFAULT_TIME_ZONE;
    try {
      if (!action.operatorOpenId) return { toast: toast('error', t('无法识别操作人。', 'Who clicked is unknown.')) };
      if (value.action === 'claim_ticket' && typeof value.ticket === 'string') {
        const result = await claimTicket({ db, directory: services.directory, timeZone }, action, value.ticket);
        this.deps.onQueued();
        return result;
      }
      if (value.action === 'congratulate' && typeof value.record === 'string') {
        return await congratulate({ db, resolver: services.resolver, timeZone, onQueued: this.deps.onQueued }, action, value.record);
      }
      await db.$transaction((tx) => recordAction(tx, action, 'unknown', String(value.action ?? ''), 'unknown_action'));
      return { toast: toast('warning', t('这个按钮已不再可用。', 'This button is no longer available.')) };
    } catch (err) {
      log.error({ err, action: String(value.action ?? '') }, 'card action failed');
      return { toast: toast('error', t('操作失败，请稍后再试。', 'That did not work; please try again shortly.')) };
    }
  }
}
