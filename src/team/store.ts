/**
 * The `team_digest` table (written here only) and the nudges recorded against a digest: a digest as it went out,
 * so a click on it renders the same card again with the people nudged from it.
 */
import type { DigestCardInput } from '../../cards/team.js';
import type { Db } from '../db/index.js';
import type { Tx } from '../db/tx.js';
import type { DigestModel } from './digest.js';

export interface StoredDigest {
  id: string;
  key: string;
  managerOpenId: string;
  model: DigestModel & { onDemand?: boolean };
}

/** The subject of a digest's card and of the nudges made from it. */
export const digestSubject = (digestId: string): string => `digest:${digestId}`;

/** The click key of "Nudge" for one person on one digest: the first click nudges, any other says so. */
export const nudgeActionKey = (digestId: string, learner: string): string => `nudge:${digestId}:${learner}`;

/** Stores the digest under its key (a weekly one is stored once per manager and week). */
export async function saveDigest(
  tx: Tx,
  key: string,
  managerOpenId: string,
  model: DigestModel,
  onDemand: boolean,
): Promise<StoredDigest> {
  const data = { managerOpenId, model: { ...model, onDemand } as object };
  const row = await tx.teamDigest.upsert({ where: { key }, create: { key, ...data }, update: data });
  return {
    id: row.id,
    key: row.key,
    managerOpenId: row.managerOpenId,
    model: row.model as unknown as StoredDigest['model'],
  };
}

export async function loadDigest(db: Pick<Db, 'teamDigest'>, id: string): Promise<StoredDigest | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const row = await db.teamDigest.findUnique({ where: { id } });
  return (
    row && {
      id: row.id,
      key: row.key,
      managerOpenId: row.managerOpenId,
      model: row.model as unknown as StoredDigest['model'],
    }
  );
}

/** The people nudged from a digest. */
export async function nudgedFrom(db: Pick<Db, 'cardAction'>, digestId: string): Promise<string[]> {
  const rows = await db.cardAction.findMany({
    where: { subject: digestSubject(digestId), action: 'nudge', actionKey: { startsWith: 'nudge:' } },
    select: { actionKey: true },
  });
  const prefix = `nudge:${digestId}:`;
  return rows.map((r) => r.actionKey.slice(prefix.length));
}

/** The card's input for a stored digest. */
export function digestCardInput(d: StoredDigest, nudged: readonly string[]): DigestCardInput {
  const { reports: _r, onDemand, ...model } = d.model;
  return { ...model, digestId: d.id, nudged, onDemand: Boolean(onDemand) };
}
