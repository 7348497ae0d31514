/** The group chats routed for a kind of notification (`route <kind> here`), read and written here only. */
import type { Db } from '../db/index.js';
import type { Tx } from '../db/tx.js';

type RouteReader = Pick<Db, 'route'>;

/**
 * The chats that get `kind`, each once, in the order they were routed. With `scope` (a helpdesk id), the chats
 * routed for that scope and those routed for everything (`*`).
 */
export async function routedChats(db: RouteReader, kind: string, scope?: string | null): Promise<string[]> {
  const rows = await db.route.findMany({
    where: { kind, ...(scope !== undefined ? { scope: { in: ['*', scope ?? '*'] } } : {}) },
    orderBy: [{ createdAt: 'asc' }, { chatId: 'asc' }],
    select: { chatId: true },
  });
  return [...new Set(rows.map((r) => r.chatId))];
}

/** Every route of the given kinds, for feeds: kind → chats. */
export async function routedChatsByKind(db: RouteReader, kinds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (kinds.length === 0) return out;
  const rows = await db.route.findMany({
    where: { kind: { in: [...kinds] } },
    orderBy: [{ createdAt: 'asc' }, { chatId: 'asc' }],
    select: { kind: true, chatId: true },
  });
  for (const r of rows) {
    const chats = out.get(r.kind) ?? [];
    if (!chats.includes(r.chatId)) chats.push(r.chatId);
    out.set(r.kind, chats);
  }
  return out;
}

/** Routes `kind` to a chat for a scope (a helpdesk id, or `*`); false when that route existed already. */
export async function addRoute(
  tx: Tx,
  key: { kind: string; chatId: string; scope: string },
  by: string,
  now: Date,
): Promise<boolean> {
  const existed = (await tx.route.findUnique({ where: { kind_chatId_scope: key } })) !== null;
  if (!existed) await tx.route.create({ data: { ...key, createdBy: by, createdAt: now } });
  return !existed;
}

/** Stops routing `kind` to a chat: every scope, or only `scope`. Returns how many routes were removed. */
export async function removeRoutes(tx: Tx, kind: string, chatId: string, scope?: string): Promise<number> {
  const { count } = await tx.route.deleteMany({ where: { kind, chatId, ...(scope !== undefined && { scope }) } });
  return count;
}
