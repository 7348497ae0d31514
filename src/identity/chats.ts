/**
 * Group chat names, for people to read instead of `oc_…` ids: from Feishu's im.v1.chat.get, cached in the
 * `feishu_chat` table (shared by every instance) and refreshed after `ttlMs`. A name is only ever shown, so a lookup
 * that fails gives the cached name, else none: it never fails a command. The members of a chat, to offer as choices
 * on a form, the same way: a lookup that fails offers none.
 */
import type { Db } from '../db/index.js';
import type { FeishuClient } from '../feishu/client.js';

export class FeishuChats {
  constructor(
    private readonly db: Db,
    private readonly feishu: FeishuClient | undefined,
    private readonly ttlMs = 6 * 60 * 60_000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Names of these chats, by chat id; a chat whose name is not known is left out. */
  async names(chatIds: readonly string[]): Promise<Map<string, string>> {
    const ids = [...new Set(chatIds)].filter((id) => /^oc_[A-Za-z0-9_-]{1,100}$/.test(id));
    const out = new Map<string, string>();
    if (ids.length === 0) return out;
    const cached = await this.db.feishuChat.findMany({ where: { chatId: { in: ids } } }).catch(() => []);
    const fresh = new Set<string>();
    for (const row of cached) {
      if (row.name) out.set(row.chatId, row.name);
      if (this.now().getTime() - row.fetchedAt.getTime() < this.ttlMs) fresh.add(row.chatId);
    }
    await Promise.all(
      ids
        .filter((id) => !fresh.has(id))
        .map(async (id) => {
          const name = await this.fetch(id);
          if (name !== undefined) {
            if (name) out.set(id, name);
            else out.delete(id);
          }
        }),
    );
    return out;
  }

  /**
   * The people in a group chat (open_ids, at most `most`), from Feishu's im.v1.chat.members.get; the bot must be in
   * the chat. Only offered as choices, so a lookup that fails gives none.
   */
  async members(chatId: string, most = 100): Promise<string[]> {
    if (!this.feishu || !/^oc_[A-Za-z0-9_-]{1,100}$/.test(chatId)) return [];
    try {
      const res = await this.feishu.client.im.v1.chatMembers.get({
        path: { chat_id: chatId },
        params: { member_id_type: 'open_id', page_size: Math.min(100, Math.max(1, most)) },
      });
      if (res.code !== 0) return [];
      const ids = (res.data?.items ?? []).flatMap((m) =>
        m.member_id_type === 'open_id' && typeof m.member_id === 'string' ? [m.member_id] : [],
      );
      return [...new Set(ids)].slice(0, most);
    } catch {
      return []; // network, rate limit, missing scope, the bot not in the chat: no members offered
    }
  }

  /** The chat's name from Feishu (null: it has none, or the bot may not see it); undefined when not answered. */
  private async fetch(chatId: string): Promise<string | null | undefined> {
    if (!this.feishu) return undefined;
    let name: string | null;
    try {
      const res = await this.feishu.client.im.v1.chat.get({ path: { chat_id: chatId } });
      if (res.code !== 0) return undefined;
      name = res.data?.name?.trim() || null;
    } catch {
      return undefined; // network, rate limit, missing scope: the cached name (if any) is shown
    }
    const row = { name, fetchedAt: this.now() };
    await this.db.feishuChat
      .upsert({ where: { chatId }, create: { chatId, ...row }, update: row })
      .catch(() => undefined);
    return name;
  }
}
