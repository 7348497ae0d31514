/**
 * What a manager's team digest says: for each report, every source's courses under one name — completed or passed
 * in the past week, in progress, overdue (days past the due date) and stalled (days without progress on assigned
 * learning) — most urgent person first. The reads are a fixed handful of queries whatever the team's size (each
 * `IN` list holds the team), so a digest for 50 people costs what one for 5 does.
 */
import { DateTime } from 'luxon';
import type { DigestCardInput, DigestItem, DigestPerson } from '../../cards/team.js';
import type { Tx } from '../db/tx.js';
import { SOURCE_LABELS, SOURCE_NAMES, isSource } from '../domain/sources.js';
import { courseIdsOf } from '../learning/courses.js';
import { reportsOf } from '../recipients/managers.js';

/** What building a digest reads (a client or a transaction). */
export type DigestReader = Pick<
  Tx,
  'managerOverride' | 'feishuUser' | 'learnerIdentity' | 'learningRecord' | 'course' | 'almCatalog' | 'reminderState'
>;

/** A digest before it is stored: the card's input without its id and clicks. */
export type DigestModel = Omit<DigestCardInput, 'digestId' | 'nudged' | 'onDemand'> & { reports: number };

export interface DigestOptions {
  now: Date;
  /** The manager's zone: the week and "today" are theirs. */
  zone: string;
  /** Days without progress after which assigned learning counts as stalled. */
  stalledDays: number;
  /** People shown at most (the rest are counted). */
  maxPeople: number;
}

const ACTIVE = new Set(['enrolled', 'in_progress']);
const DONE = new Set(['completed', 'passed']);
const DAY_MS = 86_400_000;

/** A report's open learning or last week's results, as the digest weighs them. */
interface Weighed extends DigestPerson {
  overdue: number;
  stalled: number;
}

export async function buildDigest(db: DigestReader, managerOpenId: string, o: DigestOptions): Promise<DigestModel> {
  const today = DateTime.fromJSDate(o.now, { zone: o.zone }).startOf('day');
  const from = today.minus({ days: 7 });
  const period = { from: from.toISODate()!, to: today.minus({ days: 1 }).toISODate()! };
  const empty: DigestModel = {
    ...period,
    people: [],
    more: 0,
    totals: { completed: 0, inProgress: 0, overdue: 0, stalled: 0 },
    reports: 0,
  };
  const reports = await reportsOf(db, managerOpenId);
  if (reports.length === 0) return empty;

  // Who each report is on every source: Feishu's own ids, and the accounts matched to them.
  const identities = await db.learnerIdentity.findMany({
    where: { openId: { in: reports }, status: 'resolved' },
    select: { source: true, externalUserId: true, openId: true, displayName: true },
  });
  const owner = new Map<string, string>(reports.map((id) => [`feishu:${id}`, id]));
  for (const i of identities) if (i.openId) owner.set(`${i.source}:${i.externalUserId}`, i.openId);
  const bySource = new Map<string, string[]>();
  for (const key of owner.keys()) {
    const sep = key.indexOf(':');
    const list = bySource.get(key.slice(0, sep)) ?? [];
    list.push(key.slice(sep + 1));
    bySource.set(key.slice(0, sep), list);
  }
  const records = await db.learningRecord.findMany({
    where: {
      OR: [...bySource].map(([source, ids]) => ({ source, externalUserId: { in: ids } })),
      itemType: { not: 'checkin' },
      AND: [
        {
          OR: [
            { state: { in: [...ACTIVE] } },
            { state: { in: [...DONE] }, completedAt: { gte: from.toJSDate(), lt: today.toJSDate() } },
          ],
        },
      ],
    },
  });
  if (records.length === 0) return { ...empty, reports: reports.length };

  const active = records.filter((r) => ACTIVE.has(r.state));
  const courseIds = [...new Set(active.flatMap(courseIdsOf))];
  const almKeys = [...new Set(active.filter((r) => r.source === 'alm').map((r) => r.itemKey))];
  const [courses, instances, states, users] = await Promise.all([
    courseIds.length
      ? db.course.findMany({ where: { courseId: { in: courseIds }, dueOn: { not: null } } })
      : Promise.resolve([]),
    almKeys.length
      ? db.almCatalog.findMany({
          where: { id: { in: almKeys }, completionDeadline: { not: null } },
          select: { id: true, completionDeadline: true },
        })
      : Promise.resolve([]),
    active.length
      ? db.reminderState.findMany({ where: { recordId: { in: active.map((r) => r.id) } } })
      : Promise.resolve([]),
    db.feishuUser.findMany({ where: { openId: { in: reports } }, select: { openId: true, name: true } }),
  ]);
  const dueOf = new Map(courses.map((c) => [c.courseId, c.dueOn!]));
  const deadlineOf = new Map(instances.map((i) => [i.id, i.completionDeadline!]));
  const progressOf = new Map(states.map((s) => [s.recordId, s.progressAt]));

  const people = new Map<string, Weighed>();
  const totals = { completed: 0, inProgress: 0, overdue: 0, stalled: 0 };
  for (const r of records) {
    const openId = owner.get(`${r.source}:${r.externalUserId}`);
    if (!openId) continue;
    const source = isSource(r.source) ? r.source : null;
    const item: DigestItem = {
      recordId: r.id,
      itemType: r.itemType,
      name: r.itemName,
      id: r.itemKey,
      ...(source && { place: SOURCE_NAMES[source] }),
      status: 'in_progress',
      percent: r.progressPercent,
    };
    if (DONE.has(r.state)) {
      item.status = r.state === 'passed' ? 'passed' : 'completed';
      totals.completed++;
    } else {
      const due = dueDate(r, dueOf, deadlineOf, o.zone);
      const overdue = due ? Math.round(today.diff(due, 'days').days) : 0;
      const since = progressOf.get(r.id) ?? r.enrolledAt ?? r.createdAt;
      const idle = Math.floor((o.now.getTime() - since.getTime()) / DAY_MS);
      if (overdue > 0) {
        item.status = 'overdue';
        item.days = overdue;
        totals.overdue++;
      } else if (r.enrollSource === 'admin' && idle >= o.stalledDays) {
        item.status = 'stalled';
        item.days = idle;
        totals.stalled++;
      } else if (r.enrollSource !== 'admin' && !(r.lastEventAt && r.lastEventAt >= from.toJSDate())) {
        // Self-chosen learning nobody touched this week and nobody is waiting for: not the manager's business.
        continue;
      } else {
        totals.inProgress++;
      }
    }
    const person = people.get(openId) ?? { openId, name: null, items: [], nudge: false, overdue: 0, stalled: 0 };
    person.items.push(item);
    if (item.status === 'overdue') person.overdue = Math.max(person.overdue, item.days!);
    if (item.status === 'stalled') person.stalled = Math.max(person.stalled, item.days!);
    person.nudge ||= item.status === 'overdue' || item.status === 'stalled';
    people.set(openId, person);
  }
  const names = new Map<string, string>();
  for (const i of identities) if (i.openId && i.displayName) names.set(i.openId, i.displayName);
  for (const u of users) if (u.name) names.set(u.openId, u.name);

  const ranked = [...people.values()]
    .map((p) => ({ ...p, name: names.get(p.openId) ?? null, items: p.items.sort(byUrgency) }))
    .sort(
      (a, b) =>
        b.overdue - a.overdue ||
        b.stalled - a.stalled ||
        count(b, 'in_progress') - count(a, 'in_progress') ||
        b.items.length - a.items.length ||
        a.openId.localeCompare(b.openId),
    );
  const shown = ranked.slice(0, o.maxPeople).map(({ overdue: _o, stalled: _s, ...p }) => p);
  return { ...period, people: shown, more: ranked.length - shown.length, totals, reports: reports.length };
}

/** Whether a digest has anything to say. */
export const hasNews = (m: DigestModel): boolean => m.people.length > 0 || m.more > 0;

/** The source label for a record's cards. */
export const sourceLabelOf = (source: string): string => (isSource(source) ? SOURCE_LABELS[source] : source);

function dueDate(
  r: { source: string; itemKey: string; itemId: string | null },
  dueOf: Map<string, string>,
  deadlineOf: Map<string, Date>,
  zone: string,
): DateTime | null {
  for (const id of courseIdsOf(r)) {
    const set = dueOf.get(id);
    if (set) return DateTime.fromISO(set, { zone }).startOf('day');
  }
  const deadline = r.source === 'alm' ? deadlineOf.get(r.itemKey) : undefined;
  return deadline ? DateTime.fromJSDate(deadline, { zone }).startOf('day') : null;
}

const RANK: Record<DigestItem['status'], number> = { overdue: 0, stalled: 1, in_progress: 2, passed: 3, completed: 3 };

function byUrgency(a: DigestItem, b: DigestItem): number {
  return RANK[a.status] - RANK[b.status] || (b.days ?? 0) - (a.days ?? 0) || (b.percent ?? 0) - (a.percent ?? 0);
}

const count = (p: DigestPerson, status: DigestItem['status']) => p.items.filter((i) => i.status === status).length;
