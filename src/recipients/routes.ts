/** The group chats routed for a kind of notification (`route <kind> here`), read here and nowhere else. */
import type { Db } from '../db/index.js';

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
