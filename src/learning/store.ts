/** Loading and saving learner records inside the processing transaction, one writer per record at a time. */
import { Prisma, type LearningRecord } from '../generated/prisma/client.js';
import type { Tx } from '../db/tx.js';
import type { ItemType, RecordState } from './record-state.js';

export interface RecordKey {
  source: string;
  externalUserId: string;
  itemKey: string;
}

interface LockedRecord {
  id: string;
  /** Undefined when the record did not exist before this event. */
  prev: RecordState | undefined;
}

/**
 * Locks the record (creating it if needed) until the transaction ends, so two events for one learner and item
 * are folded one after the other even when two bot instances process them at once.
 */
export async function lockRecord(tx: Tx, key: RecordKey, itemType: ItemType): Promise<LockedRecord> {
  const existing = await selectForUpdate(tx, key);
  if (existing) return { id: existing.id, prev: toState(existing) };
  const inserted = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO learning_record (source, external_user_id, item_key, item_type, state)
    VALUES (${key.source}, ${key.externalUserId}, ${key.itemKey}, ${itemType}, 'unknown')
    ON CONFLICT (source, external_user_id, item_key) DO NOTHING
    RETURNING id`;
  if (inserted[0]) return { id: inserted[0].id, prev: undefined };
  const raced = await selectForUpdate(tx, key);
  if (!raced) throw new Error('learning record vanished while being created');
  return { id: raced.id, prev: toState(raced) };
}

async function selectForUpdate(tx: Tx, key: RecordKey): Promise<LearningRecord | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM learning_record
     WHERE source = ${key.source} AND external_user_id = ${key.externalUserId} AND item_key = ${key.itemKey}
     FOR UPDATE`;
  if (!rows[0]) return null;
  return tx.learningRecord.findUnique({ where: { id: rows[0].id } });
}

export async function saveRecord(tx: Tx, id: string, state: RecordState): Promise<void> {
  await tx.learningRecord.update({
    where: { id },
    data: { ...state, facts: state.facts as object },
  });
}

export function toState(r: LearningRecord): RecordState {
  return {
    itemType: r.itemType as ItemType,
    itemId: r.itemId,
    itemName: r.itemName,
    state: r.state as RecordState['state'],
    rawState: r.rawState,
    progressPercent: r.progressPercent,
    score: r.score,
    totalScore: r.totalScore,
    passScore: r.passScore,
    enrolledAt: r.enrolledAt,
    completedAt: r.completedAt,
    enrollSource: r.enrollSource as RecordState['enrollSource'],
    durationSeconds: r.durationSeconds,
    facts: (r.facts ?? {}) as Record<string, unknown>,
    notified: r.notified,
    lastEventAt: r.lastEventAt,
  };
}

/** Records in a page of a keyset walk over a course's records, or over all of them. */
export const RECORD_PAGE = 200;

const courseRecordIds = (tx: Tx, courseId: string, after: string | null): Promise<{ id: string }[]> => {
  const from: Prisma.Sql = after ? Prisma.sql`AND id > ${after}::uuid` : Prisma.empty;
  return tx.$queryRaw`
    SELECT id FROM (
      (SELECT id FROM learning_record WHERE item_key = ${courseId} ${from} ORDER BY id LIMIT ${RECORD_PAGE}::int)
      UNION
      (SELECT id FROM learning_record WHERE item_id = ${courseId} ${from} ORDER BY id LIMIT ${RECORD_PAGE}::int)
    ) AS course_page ORDER BY id LIMIT ${RECORD_PAGE}::int`;
};

/**
 * A page of records: at most RECORD_PAGE, in id order, after the record `after` (null: from the first); a page
 * shorter than that is the last. `courseId` limits them to a course's records (by its key or its id at the
 * source): the page's ids are then the union of two index range scans, (item_key, id) and (item_id, id), so a page
 * reads about one page of rows however large the table or the course. Null: every record, by the primary key.
 */
export async function recordPage(tx: Tx, courseId: string | null, after: string | null): Promise<LearningRecord[]> {
  if (courseId === null)
    return tx.learningRecord.findMany({
      where: after ? { id: { gt: after } } : {},
      orderBy: { id: 'asc' },
      take: RECORD_PAGE,
    });
  const ids = await courseRecordIds(tx, courseId, after);
  if (ids.length === 0) return [];
  return tx.learningRecord.findMany({ where: { id: { in: ids.map((r) => r.id) } }, orderBy: { id: 'asc' } });
}

/** How many records a course has (by its key or its id at the source). */
export async function countCourseRecords(tx: Tx, courseId: string): Promise<number> {
  const [row] = await tx.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM learning_record WHERE item_key = ${courseId} OR item_id = ${courseId}`;
  return row?.n ?? 0;
}
