/**
 * What admins say about a course beyond its events (the `course` table, written here only): a name, for sources
 * whose events carry only ids (Feishu eLearning), and a due date for every learner of it. A course is found by the
 * id its source uses: a record's item key (eLearning course id, ALM instance id) or item id (ALM learning object).
 */
import { DateTime } from 'luxon';
import type { Db } from '../db/index.js';
import type { Tx } from '../db/tx.js';

type CourseReader = Pick<Db, 'course'>;

/** The longest course name kept. */
export const MAX_COURSE_NAME = 200;

/** A calendar date `YYYY-MM-DD` that exists (2026-02-30 does not). */
export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/** The ids a record's course may be known by, most specific first. */
export const courseIdsOf = (r: { itemKey: string; itemId?: string | null }): string[] => [
  ...new Set([r.itemKey, r.itemId].filter((id): id is string => typeof id === 'string' && id !== '')),
];

/** The admin's name for a course, if one was set under any of its ids. */
export async function courseName(db: CourseReader, ids: readonly string[]): Promise<string | null> {
  if (ids.length === 0) return null;
  const rows = await db.course.findMany({ where: { courseId: { in: [...ids] }, name: { not: null } } });
  for (const id of ids) {
    const hit = rows.find((r) => r.courseId === id);
    if (hit?.name) return hit.name;
  }
  return null;
}

/**
 * The admins' due dates of courses (`YYYY-MM-DD`) in one query: reads those set under any of `ids`, and returns the
 * lookup of one course's due date by the ids it may be known by (the first of them with one set).
 */
export async function courseDueOns(
  db: CourseReader,
  ids: readonly string[],
): Promise<(courseIds: readonly string[]) => string | null> {
  const wanted = [...new Set(ids)];
  const rows = wanted.length
    ? await db.course.findMany({ where: { courseId: { in: wanted }, dueOn: { not: null } } })
    : [];
  const dueOn = new Map(rows.map((r) => [r.courseId, r.dueOn]));
  return (courseIds) => {
    for (const id of courseIds) {
      const hit = dueOn.get(id);
      if (hit) return hit;
    }
    return null;
  };
}

/**
 * Each record's due date (`YYYY-MM-DD`), by record id: an admin's for its course, else its ALM instance's completion
 * deadline as a date in `zoneOf(record)` (the learner's zone). One query for the courses, one more for the ALM
 * instances when a record needs it.
 */
export async function recordDueOns<R extends { id: string; source: string; itemKey: string; itemId: string | null }>(
  db: Pick<Db, 'course' | 'almCatalog'>,
  records: readonly R[],
  zoneOf: (record: R) => string,
): Promise<Map<string, string | null>> {
  const setDue = await courseDueOns(db, records.flatMap(courseIdsOf));
  const out = new Map(records.map((r) => [r.id, setDue(courseIdsOf(r))]));
  const alm = records.filter((r) => !out.get(r.id) && r.source === 'alm');
  if (alm.length === 0) return out;
  const instances = await db.almCatalog.findMany({
    where: { id: { in: [...new Set(alm.map((r) => r.itemKey))] } },
    select: { id: true, completionDeadline: true },
  });
  const deadlines = new Map(instances.map((i) => [i.id, i.completionDeadline]));
  for (const r of alm) {
    const deadline = deadlines.get(r.itemKey);
    out.set(r.id, deadline ? DateTime.fromJSDate(deadline, { zone: zoneOf(r) }).toISODate() : null);
  }
  return out;
}

/**
 * Names a course: kept for records still to come, and written into the records of it that have no name of their
 * own from the source (Feishu eLearning records always take it, since their events never name the course).
 * Returns the previous name and how many records now carry the new one.
 */
export async function setCourseName(
  tx: Tx,
  courseId: string,
  name: string,
  by: string,
): Promise<{ previous: string | null; records: number }> {
  const before = await tx.course.findUnique({ where: { courseId } });
  await tx.course.upsert({
    where: { courseId },
    create: { courseId, name, nameSetBy: by },
    update: { name, nameSetBy: by },
  });
  const { count } = await tx.learningRecord.updateMany({
    where: {
      OR: [{ itemKey: courseId }, { itemId: courseId }],
      AND: [{ OR: [{ source: 'feishu' }, { itemName: null }, { itemName: '' }] }],
    },
    data: { itemName: name },
  });
  return { previous: before?.name ?? null, records: count };
}

/** Sets or clears (null) a course's due date. Returns the previous one. */
export async function setCourseDue(tx: Tx, courseId: string, dueOn: string | null, by: string): Promise<string | null> {
  const before = await tx.course.findUnique({ where: { courseId } });
  await tx.course.upsert({
    where: { courseId },
    create: { courseId, dueOn, dueSetBy: by },
    update: { dueOn, dueSetBy: by },
  });
  return before?.dueOn ?? null;
}

/** Feishu eLearning courses seen in events that no admin has named yet (for `doctor`), with how many learners. */
export async function unnamedCourses(
  db: Pick<Db, 'learningRecord'>,
  limit = 20,
): Promise<{ courseId: string; learners: number }[]> {
  const rows = await db.learningRecord.groupBy({
    by: ['itemKey'],
    where: { source: 'feishu', itemType: 'course', OR: [{ itemName: null }, { itemName: '' }] },
    _count: { _all: true },
    orderBy: { itemKey: 'asc' },
    take: limit,
  });
  return rows.map((r) => ({ courseId: r.itemKey, learners: r._count._all }));
}
