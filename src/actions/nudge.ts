/**
 * "Nudge" on a manager's team digest: the learner gets a reminder about each of their overdue or stalled courses
 * (a `nudge` job: now if their send window is open, else at its next opening, and under their daily cap), at most
 * one per course and day whoever nudges. The person then shows "Nudged" on that digest for good; a second click,
 * here or on another instance, says so instead of nudging again (the click's key is unique in card_action).
 */
import { t } from '../../cards/kit.js';
import { teamDigestCard } from '../../cards/team.js';
import { toast } from '../../cards/reply.js';
import type { Db } from '../db/index.js';
import type { Clock } from '../domain/clock.js';
import { recordSubject } from '../domain/keys.js';
import { scheduleJob } from '../jobs/store.js';
import { NUDGE_JOB, type NudgePayload } from '../team/jobs.js';
import { digestCardInput, digestSubject, loadDigest, nudgedFrom, nudgeActionKey } from '../team/store.js';
import { patchMessage } from '../outbox/card-updates.js';
import { DateTime } from 'luxon';
import type { CardAction, CardActionResult } from './callback.js';
import { recordAction } from './record.js';

export interface NudgeDeps {
  db: Db;
  clock: Clock;
  timeZone: string;
  onQueued: () => void;
  /** Wakes the job runner, so a nudge in an open window goes at once. */
  wakeJobs: () => void;
}

export async function nudge(
  deps: NudgeDeps,
  action: CardAction,
  digestId: string,
  learner: string,
): Promise<CardActionResult> {
  const { db } = deps;
  const manager = action.operatorOpenId;
  const digest = await loadDigest(db, digestId);
  const person = digest?.model.people.find((p) => p.openId === learner && p.nudge);
  // Only the manager the digest went to may nudge from it, and only the people it offers (values can be forged).
  if (!digest || digest.managerOpenId !== manager || !person)
    return { toast: toast('error', t('无法从这张卡片催促这位成员。', 'This person cannot be nudged from this card.')) };
  const subject = digestSubject(digest.id);
  const now = deps.clock.now();
  const day = DateTime.fromJSDate(now, { zone: deps.timeZone }).toISODate()!;
  const managerName = (await db.feishuUser.findUnique({ where: { openId: manager }, select: { name: true } }))?.name;

  type Outcome = { fresh: boolean; planned: number; card?: Record<string, unknown> };
  const outcome = await db.$transaction(async (tx): Promise<Outcome> => {
    const first = await tx.cardAction.createMany({
      data: [
        { actionKey: nudgeActionKey(digest.id, learner), action: 'nudge', openId: manager, subject, result: 'sent' },
      ],
      skipDuplicates: true,
    });
    if (first.count === 0) {
      await recordAction(tx, action, 'nudge', subject, 'already_nudged');
      return { fresh: false, planned: 0 };
    }
    let planned = 0;
    for (const item of person.items) {
      if (!item.recordId || (item.status !== 'overdue' && item.status !== 'stalled')) continue;
      const payload: NudgePayload = {
        record: item.recordId,
        managerName: managerName ?? null,
        status: item.status,
        days: item.days ?? 0,
      };
      const result = await scheduleJob(tx, {
        kind: NUDGE_JOB,
        key: `nudge:${item.recordId}:${day}`,
        runAt: now,
        subject: recordSubject(item.recordId),
        recipient: learner,
        priority: item.status === 'overdue' ? -(item.days ?? 0) : 0,
        payload: { ...payload },
      });
      if (result === 'created') planned++;
    }
    const card = teamDigestCard(digestCardInput(digest, await nudgedFrom(tx, digest.id)));
    // The older callback cannot carry the new card in its answer: the digest is patched instead.
    if (action.style === 'v1') {
      const copy = await tx.notification.findFirst({ where: { subject, operation: 'send', receiveId: manager } });
      if (copy) await patchMessage(tx, copy.id, card, `nudge-${learner}`);
    }
    return { fresh: true, planned, card };
  });
  const card = outcome.card ?? teamDigestCard(digestCardInput(digest, await nudgedFrom(db, digest.id)));
  if (outcome.fresh) {
    deps.wakeJobs();
    deps.onQueued();
  }
  const said = !outcome.fresh
    ? toast('info', t('你已经催促过这位成员了。', 'You already nudged this person.'))
    : outcome.planned > 0
      ? toast('success', t('已催促，学员会收到学习提醒。', 'Nudged: the learner gets a reminder.'))
      : toast('info', t('今天已经有人催促过这位成员了。', 'This person was already nudged today.'));
  return { toast: said, card };
}
