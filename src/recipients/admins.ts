/**
 * Who the admins are: the open_ids in ADMIN_OPEN_IDS (set in the environment) plus those added by `admin add`.
 */
import type { Db } from '../db/index.js';

/** Anything with the admin table: the client or a transaction. */
type AdminReader = Pick<Db, 'admin'>;

interface AdminEntry {
  openId: string;
  /** Set in ADMIN_OPEN_IDS: cannot be removed by command. */
  fromEnv: boolean;
  addedBy: string | null;
  addedAt: Date | null;
}

/** True for an ADMIN_OPEN_IDS open_id or one with an Admin row. */
/** The admins named in the environment. */
type AdminSettings = { readonly ADMIN_OPEN_IDS: readonly string[] };

export async function isAdmin(db: AdminReader, config: AdminSettings, openId: string): Promise<boolean> {
  if (typeof openId !== 'string' || openId === '') return false;
  if (config.ADMIN_OPEN_IDS.includes(openId)) return true;
  return (await db.admin.findUnique({ where: { openId } })) !== null;
}

/** Every admin once: the environment's first (in their order), then those added by command, oldest first. */
export async function listAdmins(db: AdminReader, config: AdminSettings): Promise<AdminEntry[]> {
  const env = [...new Set(config.ADMIN_OPEN_IDS)];
  const rows = await db.admin.findMany({ orderBy: [{ addedAt: 'asc' }, { openId: 'asc' }] });
  return [
    ...env.map((openId) => ({ openId, fromEnv: true, addedBy: null, addedAt: null })),
    ...rows
      .filter((r) => !env.includes(r.openId))
      .map((r) => ({ openId: r.openId, fromEnv: false, addedBy: r.addedBy, addedAt: r.addedAt })),
  ];
}

/** The open_ids of every admin once (for messages to all admins). */
export async function adminOpenIds(db: AdminReader, config: AdminSettings): Promise<string[]> {
  return (await listAdmins(db, config)).map((a) => a.openId);
}
