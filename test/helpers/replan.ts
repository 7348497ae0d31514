/** A course's reminders and escalations planned again page by page, each page in its own transaction, as the jobs
 * of a due-date change do, without a job runner (nothing else due runs meanwhile). */
import type { Config } from '../../src/config.js';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { replanPage } from '../../src/team/replan.js';

/** A course's records, or every record (null); returns how many there were. */
export async function replanCourse(
  db: PrismaClient,
  config: Config,
  courseId: string | null,
  now: Date,
): Promise<number> {
  let after: string | null = null;
  let records = 0;
  do {
    const from: string | null = after;
    const page: { records: number; next: string | null } = await db.$transaction((tx) =>
      replanPage(tx, config, courseId, from, now),
    );
    records += page.records;
    after = page.next;
  } while (after);
  return records;
}
