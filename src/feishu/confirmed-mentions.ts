/**
 * Mentions only of users Feishu knows. An `<at id=…>` naming an open_id that does not exist (typed by an admin, or
 * listed in ADMIN_OPEN_IDS) makes Feishu reject the whole card (230099, sub-code 100290), so a list reply with one
 * stale id would never arrive. Every card is checked as it is sent: a mention of a user the directory does not
 * confirm becomes the plain id.
 */
import { escapeMd } from '../../cards/kit.js';
import type { MessageSender, OutgoingMessage, PatchResult, SendResult } from './sender.js';

/**
 * `<at id=ou_…></at>` as the card builders write it; the id may be quoted (and the quote escaped, inside card JSON).
 * `all` is everyone in a chat.
 */
const MENTION = /<at id=((?:\\?["'])?)([A-Za-z0-9_-]{1,100})\1><\/at>/g;

/** The ids mentioned in card content (JSON text or markdown). Pure. */
export function mentionedIds(content: string): string[] {
  return [...new Set([...content.matchAll(MENTION)].map((m) => m[2]!).filter((id) => id !== 'all'))];
}

/** The content with every mention of an id outside `confirmed` written as the plain id. Pure. */
export function withConfirmedMentions(content: string, confirmed: ReadonlySet<string>): string {
  return content.replace(MENTION, (tag: string, _q: string, id: string) =>
    id === 'all' || confirmed.has(id) ? tag : escapeMd(id),
  );
}

/** Whether the directory knows this open_id; an unanswered lookup counts as unknown (the card still goes out). */
type ConfirmUser = (openId: string) => Promise<boolean>;

export class MentionCheckingSender implements MessageSender {
  readonly patch?: (messageId: string, content: string) => Promise<PatchResult>;
  readonly urgent?: (messageId: string, openIds: string[]) => Promise<PatchResult>;

  constructor(
    private readonly inner: MessageSender,
    private readonly confirm: ConfirmUser,
  ) {
    const patch = inner.patch?.bind(inner);
    if (patch) this.patch = async (messageId, content) => patch(messageId, await this.checked(content));
    const urgent = inner.urgent?.bind(inner);
    if (urgent) this.urgent = urgent;
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    if (message.msgType !== 'interactive') return this.inner.send(message);
    return this.inner.send({ ...message, content: await this.checked(message.content) });
  }

  private async checked(content: string): Promise<string> {
    const ids = mentionedIds(content);
    if (ids.length === 0) return content;
    const known = await Promise.all(ids.map((id) => this.confirm(id).catch(() => false)));
    return withConfirmedMentions(content, new Set(ids.filter((_, i) => known[i])));
  }
}
