/**
 * Writes of bot-wide settings (table `setting`): every admin change of a setting, typed or from a form, goes
 * through here.
 */
import type { Prisma } from '../generated/prisma/client.js';
import type { Tx } from '../db/tx.js';

/** Sets `key` to `value`, noting who changed it. */
export async function writeSetting(tx: Tx, key: string, value: Prisma.InputJsonValue, by: string): Promise<void> {
  const data = { value, updatedBy: by };
  await tx.setting.upsert({ where: { key }, create: { key, ...data }, update: data });
}
