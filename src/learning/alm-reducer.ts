/**
 * ALM learner events (enrolment, unenrolment, completion, progress) folded into one record per
 * userId + loInstanceId, following the guide's ordering rules so that the result does not depend on arrival
 * order:
 * - each kind of fact keeps only its newest event (by `timestamp`, then event id, so ties are decided the same
 *   way in every order);
 * - the state is derived from the facts with a fixed precedence: completion over progress over enrolment, so an
 *   enrolment arriving after progress, or progress arriving after completion, never moves the state back;
 *   an unenrolment counts only when it is newer than every other fact.
 * Cards: one enrolment card, one completion card (also to the manager) and one unenrolment card per record, at
 * most, whatever the order and however many duplicates arrive. No enrolment card once progress or completion is
 * known: an enrolment arriving after them is ignored (the guide's first rule).
 */
import type { AlmEvent } from './alm-events.js';
import { classifyAlmEvent, enrollSourceOf, itemTypeOf } from './alm-events.js';
import {
  emptyRecord,
  maxDate,
  once,
  toDate,
  toNumber,
  type CardIntent,
  type RecordState,
  type Reduction,
} from './record-state.js';

interface Fact {
  ts: string;
  eventId: string;
}
interface EnrollFact extends Fact {
  source: 'self' | 'admin';
  date: string | null;
}
interface ProgressFact extends Fact {
  percent: number | null;
  started: string | null;
}
interface CompleteFact extends Fact {
  passed: boolean | null;
  date: string | null;
  source: 'self' | 'admin';
}
interface UnenrollFact extends Fact {
  source: 'self' | 'admin';
}
interface AlmFacts {
  enroll?: EnrollFact;
  progress?: ProgressFact;
  complete?: CompleteFact;
  unenroll?: UnenrollFact;
}

function newer(a: Fact, b: Fact | undefined): boolean {
  if (!b) return true;
  const ta = Date.parse(a.ts);
  const tb = Date.parse(b.ts);
  return ta > tb || (ta === tb && a.eventId > b.eventId);
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The record key of an ALM learner event: the instance, or the learning object when there is no instance. */
export function almItemKey(data: Record<string, unknown>): string | undefined {
  const key = data.loInstanceId ?? data.loId;
  return typeof key === 'string' && key ? key : undefined;
}

export function reduceAlm(prev: RecordState | undefined, event: AlmEvent): Reduction {
  const kind = classifyAlmEvent(event.eventName);
  const data = event.data;
  const base = prev ?? emptyRecord(itemTypeOf(data.loType, data.loId));
  const next: RecordState = { ...base, facts: { ...base.facts }, notified: [...base.notified] };
  if (!next.itemId && typeof data.loId === 'string') next.itemId = data.loId;
  const facts = next.facts as AlmFacts;
  const fact: Fact = { ts: event.timestamp.toISOString(), eventId: event.eventId };
  const cards: CardIntent[] = [];
  let note: string | undefined;

  if (kind.kind === 'learner') {
    const source = enrollSourceOf(data, kind.batch);
    if (kind.action === 'enroll') {
      const f: EnrollFact = { ...fact, source, date: iso(toDate(data.dateEnrolled)) ?? fact.ts };
      if (newer(f, facts.enroll)) facts.enroll = f;
      // The guide: once progress (or a completion) is known, a later enrolment event is ignored. Its date still
      // counts among the facts, so the record is the same in every order, but it changes nothing and sends no card.
      if (facts.progress || facts.complete) note = 'enrolment after progress or completion: ignored';
      else once(next, cards, { key: 'enrolled', type: 'enrolled', toManager: false });
    } else if (kind.action === 'complete') {
      const passed = typeof data.hasPassed === 'boolean' ? data.hasPassed : null;
      const f: CompleteFact = { ...fact, passed, source, date: iso(toDate(data.dateCompleted)) ?? fact.ts };
      if (newer(f, facts.complete)) facts.complete = f;
      once(next, cards, { key: 'completion', type: 'completion', toManager: true });
    } else {
      const f: UnenrollFact = { ...fact, source };
      if (newer(f, facts.unenroll)) facts.unenroll = f;
      once(next, cards, { key: 'unenrolled', type: 'unenrolled', toManager: false });
    }
  } else if (kind.kind === 'progress') {
    const f: ProgressFact = {
      ...fact,
      percent: toNumber(data.progressPercent),
      started: iso(toDate(data.dateStarted)),
    };
    if (newer(f, facts.progress)) facts.progress = f;
    if (facts.complete) note = 'progress after completion: ignored';
  } else {
    return { next: base, cards: [], note: `not a learner event: ${event.eventName}` };
  }

  Object.assign(next, derive(facts));
  next.lastEventAt = maxDate(base.lastEventAt, event.timestamp);
  return { next, cards, ...(note ? { note } : {}) };
}

/** The record's fields as a pure function of the facts: the same facts give the same record, in any order. */
function derive(f: AlmFacts): Partial<RecordState> {
  const ts = (x: Fact | undefined) => (x ? Date.parse(x.ts) : -Infinity);
  const latestOther = Math.max(ts(f.enroll), ts(f.progress), ts(f.complete));
  let state: RecordState['state'] = 'unknown';
  if (f.unenroll && ts(f.unenroll) > latestOther) state = 'unenrolled';
  else if (f.complete)
    state = f.complete.passed === true ? 'passed' : f.complete.passed === false ? 'failed' : 'completed';
  else if (f.progress) state = 'in_progress';
  else if (f.enroll) state = 'enrolled';
  return {
    state,
    rawState: state,
    progressPercent: f.complete ? 100 : (f.progress?.percent ?? (f.enroll ? 0 : null)),
    enrolledAt: toDate(f.enroll?.date ?? f.progress?.started ?? null),
    completedAt: toDate(f.complete?.date ?? null),
    enrollSource: f.enroll?.source ?? f.complete?.source ?? f.unenroll?.source ?? null,
  };
}
