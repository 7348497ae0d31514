/**
 * Who manages whom: an admin's choice (`manager @learner @manager`) wins over Feishu's `leader_user_id`, which
 * the directory caches in `feishu_user`. The directory lookup is passed in, so this module stays below it.
 */
import type { Db } from '../db/index.js';

type ManagerReader = Pick<Db, 'managerOverride' | 'feishuUser'>;

/** Feishu's leader of a user (from the directory, possibly fetched). */
export type LeaderLookup = (openId: string) => Promise<string | null>;

/** The manager who gets notices about a learner, or null. */
export async function managerOf(
  db: ManagerReader,
  leaderOf: LeaderLookup,
  learnerOpenId: string,
): Promise<string | null> {
  const override = await db.managerOverride.findUnique({ where: { learnerOpenId } });
  if (override) return override.managerOpenId;
  return leaderOf(learnerOpenId);
}

/**
 * The manager from what the bot has stored, without asking Feishu (a run that holds a transaction): an admin's
 * choice, else the leader the directory cache holds.
 */
export function storedManagerOf(db: ManagerReader, learnerOpenId: string): Promise<string | null> {
  const cachedLeader: LeaderLookup = async (openId) =>
    (await db.feishuUser.findUnique({ where: { openId }, select: { leaderOpenId: true } }))?.leaderOpenId ?? null;
  return managerOf(db, cachedLeader, learnerOpenId);
}

/**
 * A manager's reports as far as the bot knows them: learners an admin gave this manager, and users the directory
 * cache names this manager as leader of, unless an admin gave them someone else.
 */
export async function reportsOf(db: ManagerReader, managerOpenId: string): Promise<string[]> {
  const [overrides, led] = await Promise.all([
    db.managerOverride.findMany({ where: { managerOpenId }, select: { learnerOpenId: true } }),
    db.feishuUser.findMany({ where: { leaderOpenId: managerOpenId }, select: { openId: true } }),
  ]);
  const ledIds = led.map((u) => u.openId);
  const elsewhere = ledIds.length
    ? await db.managerOverride.findMany({
        where: { learnerOpenId: { in: ledIds }, managerOpenId: { not: managerOpenId } },
        select: { learnerOpenId: true },
      })
    : [];
  const moved = new Set(elsewhere.map((o) => o.learnerOpenId));
  return [...new Set([...overrides.map((o) => o.learnerOpenId), ...ledIds.filter((id) => !moved.has(id))])].sort();
}
