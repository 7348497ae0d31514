/**
 * The cards a learner record calls for, as outbox drafts: the learner's card and, for completions and exam
 * results, the manager's notice. A learner not found in Feishu gets drafts that wait for them (and so does the
 * manager's notice, since the manager is only known once the learner is). A waiting manager notice has no
 * "Send congratulations" button yet: identity/waiting.ts rebuilds it from the record once the learner is found.
 */
import { checkinCard, completionCard, enrolledCard, examResultCard, unenrolledCard } from '../../cards/learning.js';
import { managerNoticeCard } from '../../cards/manager.js';
import type { NotificationDraft } from '../domain/draft.js';
import { learnerKey, recordSubject } from '../domain/keys.js';
import type { LearnerRef } from '../domain/learner.js';
import type { AnyNotificationKind } from '../domain/notifications.js';
import { SOURCE_CARD_NAMES, SOURCE_NAMES } from '../domain/sources.js';
import type { CardIntent, RecordState } from './record-state.js';

export interface Audience {
  learner: LearnerRef;
  /** The learner's open_id, or null while unresolved. */
  learnerOpenId: string | null;
  learnerName: string;
  /** The manager's open_id; null when there is none (or the learner is unresolved). */
  managerOpenId: string | null;
  learnerTimeZone: string;
  managerTimeZone: string;
}

const KIND_OF: Record<CardIntent['type'], AnyNotificationKind> = {
  completion: 'completions',
  enrolled: 'enrollments',
  unenrolled: 'enrollments',
  exam: 'exams',
  checkin: 'checkins',
};

type LearnerItemType = 'course' | 'learningProgram' | 'certification';
const learnerItemType = (t: string): LearnerItemType =>
  t === 'learningProgram' || t === 'certification' ? t : 'course';
const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

export function learningDrafts(
  recordId: string,
  record: RecordState,
  intents: CardIntent[],
  who: Audience,
): NotificationDraft[] {
  const drafts: NotificationDraft[] = [];
  const waitFor = who.learnerOpenId ? undefined : learnerKey(who.learner.source, who.learner.externalUserId);
  const subject = recordSubject(recordId);
  for (const intent of intents) {
    const snap = { ...record, ...(intent.snapshot ?? {}) };
    const kind = KIND_OF[intent.type];
    const learnerCard = buildLearnerCard(intent, snap, who.learner.source, who.learnerTimeZone);
    const notice = (timeZone: string, congratulate: boolean) =>
      managerNotice({
        recordId,
        record: snap,
        learnerName: who.learnerName,
        learnerOpenId: congratulate ? who.learnerOpenId : null,
        source: who.learner.source,
        timeZone,
      });
    const feeds = intent.type === 'completion' || intent.type === 'exam' || intent.type === 'enrolled';
    drafts.push({
      key: `${intent.key}:learner`,
      kind,
      role: 'learner',
      receiveIdType: 'open_id',
      receiveId: who.learnerOpenId ?? '',
      ...(waitFor ? { waitFor } : {}),
      subject,
      card: learnerCard,
      ...(feeds ? { feedCard: intent.type === 'enrolled' ? learnerCard : notice(who.managerTimeZone, false) } : {}),
    });
    if (intent.toManager && (waitFor || who.managerOpenId)) {
      drafts.push({
        key: `${intent.key}:manager`,
        kind,
        role: 'manager',
        receiveIdType: 'open_id',
        receiveId: who.managerOpenId ?? '',
        ...(waitFor ? { waitFor } : {}),
        subject,
        card: notice(who.managerTimeZone, true),
      });
    }
  }
  return drafts;
}

/** The manager's notice about a record; with `learnerOpenId` it carries the "Send congratulations" button. */
export function managerNotice(input: {
  recordId: string;
  record: RecordState;
  learnerName: string;
  learnerOpenId: string | null;
  source: LearnerRef['source'];
  timeZone: string;
  sentAt?: Date;
}): Record<string, unknown> {
  const r = input.record;
  return managerNoticeCard({
    learnerName: input.learnerName,
    ...itemNaming(r, input.source),
    itemType: r.itemType === 'exam' ? 'exam' : learnerItemType(r.itemType),
    outcome: outcomeOf(r),
    score: r.score,
    totalScore: opt(r.totalScore),
    passScore: opt(r.passScore),
    completedAt: opt(r.completedAt),
    sourceLabel: SOURCE_CARD_NAMES[input.source],
    timeZone: input.timeZone,
    ...(input.learnerOpenId
      ? {
          congratulate: {
            recordId: input.recordId,
            learnerOpenId: input.learnerOpenId,
            ...(input.sentAt ? { sentAt: input.sentAt } : {}),
          },
        }
      : {}),
  });
}

function outcomeOf(r: RecordState): 'passed' | 'failed' | 'completed' | 'awaiting_grading' {
  if (r.state === 'passed' || r.state === 'failed' || r.state === 'awaiting_grading') return r.state;
  return 'completed';
}

/**
 * How cards name the record's item: its name, else (for sources whose events carry only ids) where it is, with
 * its id shown small.
 */
export function itemNaming(r: Pick<RecordState, 'itemName' | 'itemId'>, source: LearnerRef['source']) {
  return { itemName: r.itemName || null, itemId: r.itemId, place: SOURCE_NAMES[source] };
}

function buildLearnerCard(
  intent: CardIntent,
  r: RecordState,
  source: LearnerRef['source'],
  timeZone: string,
): Record<string, unknown> {
  const itemType = learnerItemType(r.itemType);
  const sourceLabel = SOURCE_CARD_NAMES[source];
  const itemName = r.itemName ?? r.itemId ?? '—';
  const named = itemNaming(r, source);
  switch (intent.type) {
    case 'completion': {
      const outcome = outcomeOf(r);
      return completionCard({
        ...named,
        itemType,
        outcome: outcome === 'awaiting_grading' ? 'completed' : outcome,
        completedAt: opt(r.completedAt),
        score: opt(r.score),
        totalScore: opt(r.totalScore),
        durationSeconds: opt(r.durationSeconds),
        sourceLabel,
        timeZone,
      });
    }
    case 'exam': {
      const outcome = r.state === 'passed' || r.state === 'failed' ? r.state : 'awaiting_grading';
      return examResultCard({
        examName: itemName,
        score: r.score,
        totalScore: opt(r.totalScore),
        passScore: opt(r.passScore),
        outcome,
        durationSeconds: opt(r.durationSeconds),
        finishedAt: opt(r.completedAt),
        sourceLabel,
        timeZone,
      });
    }
    case 'enrolled':
      return enrolledCard({
        ...named,
        itemType,
        enrolledBy: r.enrollSource ?? 'self',
        enrolledAt: opt(r.enrolledAt),
        sourceLabel,
        timeZone,
      });
    case 'unenrolled':
      return unenrolledCard({ ...named, itemType, by: unenrolledBy(r), sourceLabel, timeZone });
    case 'checkin':
      return checkinCard({
        taskName: itemName,
        days: Number(r.facts.days ?? 0),
        finishedAt: opt(r.completedAt),
        rightRatio: typeof r.facts.rightRatio === 'string' ? r.facts.rightRatio : undefined,
        sourceLabel,
        timeZone,
      });
  }
}

function unenrolledBy(r: RecordState): 'self' | 'admin' {
  const f = r.facts.unenroll as { source?: 'self' | 'admin' } | undefined;
  return f?.source ?? 'self';
}
