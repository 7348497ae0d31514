/**
 * Routes a card button click to its action by the value's `action`, and answers with the card in the clicker's
 * language. Each click is recorded once under its own key (card_action), and an effect that may happen once per
 * person (a congratulation) is guarded by a key of its own in the same table.
 */
import { t } from '../../cards/kit.js';
import { toast } from '../../cards/reply.js';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import type { CardAction, CardActionHandler, CardActionResult } from './callback.js';
import { claimTicket } from './claim.js';
import { congratulate } from './congratulate.js';
import { isFormKind, submitForm } from './forms.js';
import { nudge } from './nudge.js';
import { recordAction } from './record.js';
import { reminderClick } from './reminder.js';
import { cardFor } from '../outbox/policy.js';

export class CardActions implements CardActionHandler {
  constructor(
    private readonly deps: {
      db: Db;
      config: Config;
      log: Logger;
      services: Services;
      onQueued: () => void;
      /** Wakes the job runner (a nudge is a job). */
      wakeJobs?: () => void;
      /** The seconds a claimed ticket waited (metrics). */
      onClaimed?: (seconds: number) => void;
    },
  ) {}

  async handle(action: CardAction): Promise<CardActionResult> {
    const result = await this.route(action);
    const { afterAnswer } = result;
    const answered: CardActionResult = afterAnswer
      ? { ...result, afterAnswer: () => afterAnswer().catch((err: unknown) => this.lateError(err)) }
      : result;
    return answered.card ? { ...answered, card: await this.forClicker(action, answered.card) } : answered;
  }

  /** Work of a click that went on after its answer failed: nobody waits for it, so it is logged. */
  private lateError(err: unknown): void {
    this.deps.log.error({ err }, 'card action: the work after the answer failed');
  }

  /**
   * The new card in the answer replaces the clicked message. When that message went to one person who chose a card
   * language (a direct message), it stays in that language; a group's copy keeps both.
   */
  private async forClicker(action: CardAction, card: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (!action.messageId) return card;
    try {
      const copy = await this.deps.db.notification.findFirst({
        where: { messageId: action.messageId, operation: 'send' },
        select: { receiveIdType: true, receiveId: true },
      });
      return copy ? await cardFor(this.deps.db, copy, card) : card;
    } catch (err) {
      this.deps.log.warn({ err }, 'card action: could not read the clicked copy; answering with both languages');
      return card;
    }
  }

  private async route(action: CardAction): Promise<CardActionResult> {
    const { db, config, log, services, onQueued } = this.deps;
    const value = action.value;
    const timeZone = config.DEFAULT_TIME_ZONE;
    const onLateError = (err: unknown) => this.lateError(err);
    try {
      if (!action.operatorOpenId) return { toast: toast('error', t('无法识别操作人。', 'Who clicked is unknown.')) };
      if (value.action === 'claim_ticket' && typeof value.ticket === 'string') {
        const result = await claimTicket(
          {
            db,
            directory: services.directory,
            timeZone,
            onQueued,
            clock: services.clock,
            ...(this.deps.onClaimed && { onClaimed: this.deps.onClaimed }),
          },
          action,
          value.ticket,
        );
        this.deps.onQueued();
        return result;
      }
      if (value.action === 'congratulate' && typeof value.record === 'string') {
        return await congratulate(
          { db, resolver: services.resolver, timeZone, onQueued, onLateError },
          action,
          value.record,
        );
      }
      if (value.action === 'nudge' && typeof value.digest === 'string' && typeof value.learner === 'string') {
        const wakeJobs = this.deps.wakeJobs ?? (() => {});
        return await nudge(
          { db, clock: services.clock, timeZone, onQueued, wakeJobs },
          action,
          value.digest,
          value.learner,
        );
      }
      if (
        (value.action === 'reminder_snooze' || value.action === 'reminder_stop') &&
        typeof value.record === 'string' &&
        /^[0-9a-f-]{36}$/i.test(value.record)
      ) {
        const what = value.action === 'reminder_stop' ? 'stop' : 'snooze';
        return await reminderClick({ db, config, clock: services.clock, onQueued }, action, value.record, what);
      }
      if (value.action === 'form' && isFormKind(value.form)) {
        return await submitForm({ db, config, clock: services.clock, services }, action, value.form);
      }
      await db.$transaction((tx) => recordAction(tx, action, 'unknown', String(value.action ?? ''), 'unknown_action'));
      return { toast: toast('warning', t('这个按钮已不再可用。', 'This button is no longer available.')) };
    } catch (err) {
      log.error({ err, action: String(value.action ?? '') }, 'card action failed');
      return { toast: toast('error', t('操作失败，请稍后再试。', 'That did not work; please try again shortly.')) };
    }
  }
}
