/**
 * Everyone who manages someone, in pages: the managers an admin named (`manager @learner @manager`) and the leaders
 * the Feishu directory names (`leader_user_id`, cached in `feishu_user`). Whether each still has reports after the
 * admins' choices is for their digest to find out.
 */
import type { Sql } from '../db/lease-queue.js';

/** The next `take` managers after `after` (open_id order). */
export async function managersPage(db: Sql, after: string | null, take: number): Promise<string[]> {
  const rows = await db.$queryRaw<{ m: string }[]>`
    SELECT m FROM (
      SELECT manager_open_id AS m FROM manager_override
      UNION
      SELECT leader_open_id AS m FROM feishu_user WHERE leader_open_id IS NOT NULL AND leader_open_id <> ''
    ) managers
     WHERE m > ${after ?? ''} ORDER BY m LIMIT ${take}`;
  return rows.map((r) => r.m);
}
