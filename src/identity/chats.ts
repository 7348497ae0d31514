/**
 * Group chat names, for people to read instead of `oc_…` ids: from Feishu's im.v1.chat.get, cached in the
 * `feishu_chat` table (shared by every instance) and refreshed after `ttlMs`. A name is only ever shown, so a lookup
 * that fails gives the cached name, else none: it never fails a command.
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
