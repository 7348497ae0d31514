/**
 * The small cards every command answers with: receipts, refusals, errors, hints. Bodies are bot-written markdown;
 * user data in them must already be escaped (`userText`, `escapeMd`).
 */
import { replyCard } from '../../../cards/reply.js';
import { cardBytes, escapeMd, note, t, type I18nText } from '../../../cards/kit.js';

export type Card = Record<string, unknown>;

/** A change was made (or was already in place): says exactly what. */
export const receiptCard = (title: I18nText, body: I18nText): Card => replyCard({ title, body, template: 'green' });

/** Information asked for (lists, status). */
export const infoCard = (title: I18nText, body: I18nText): Card => replyCard({ title, body, template: 'blue' });

/** The command was understood but cannot be done as asked; nothing changed. */
export const refusalCard = (title: I18nText, body: I18nText): Card => replyCard({ title, body, template: 'orange' });

/** Something failed; nothing changed. */
export const errorCard = (title: I18nText, body: I18nText): Card => replyCard({ title, body, template: 'red' });

export const needsAdminCard = (): Card =>
  refusalCard(
    t('需要管理员权限', 'Admins only'),
    t(
      '抱歉，这个命令只有管理员可以使用。如需帮助，请联系管理员。发送「帮助」查看你可以使用的命令。',
      'Sorry, this command needs an admin. Please ask an admin if you need this done. ' +
        'Send "help" to see the commands you can use.',
    ),
  );

const HELP_HINT = t(
  '发送「帮助」（help）查看你可以使用的命令。',
  'Send "help" (帮助) to see the commands you can use.',
);

/**
 * The answer to text that is not a command: names the first word (when there is one) and the commands closest
 * to it, as their usage lines. `word` is the user's text and is escaped here.
 */
export function notCommandCard(word?: string, closest: readonly I18nText[] = []): Card {
  if (!word) return infoCard(t('需要帮助吗？', 'Need help?'), HELP_HINT);
  const quoted = escapeMd(word.length > 32 ? `${word.slice(0, 31)}…` : word);
  const lines = [t(`「${quoted}」不是命令。`, `"${quoted}" is not a command.`)];
  if (closest.length > 0) {
    lines.push(t('你是不是想用：', 'Did you mean:'));
    for (const usage of closest) lines.push(t(`- ${escapeMd(usage.zh)}`, `- ${escapeMd(usage.en)}`));
  }
  lines.push(HELP_HINT);
  return infoCard(t('没有这个命令', 'Unknown command'), join(lines));
}

/** The usage line and what was wrong; `problem` may quote the user's text and is escaped here. */
export const usageCard = (usage: I18nText, problem: I18nText): Card =>
  refusalCard(
    t('命令格式不对', 'Check the command'),
    t(`${escapeMd(problem.zh)}\n用法：${escapeMd(usage.zh)}`, `${escapeMd(problem.en)}\nUsage: ${escapeMd(usage.en)}`),
  );

export const somethingWrongCard = (): Card =>
  errorCard(
    t('出错了', 'Something went wrong'),
    t(
      '处理这个命令时出错了，什么都没有改变。请稍后再试。',
      'Something went wrong with this command, and nothing was changed. Please try again later.',
    ),
  );

/** An open_id as a mention may name it (Feishu's are `ou_` and hex; test and demo ids may hold `_` and `-`). */
const OPEN_ID = /^ou_[A-Za-z0-9_-]{1,64}$/;

/**
 * A Feishu mention of the user, which Feishu shows as their name, or the escaped id when it does not look like an
 * open_id. A mention of someone the directory does not know is sent as the plain id (see the sender).
 */
export function mention(openId: string | null | undefined): string {
  if (!openId) return '-';
  return OPEN_ID.test(openId) ? `<at id=${openId}></at>` : escapeMd(openId.slice(0, 80));
}

/** Both languages from one text (ids, mentions). */
export const same = (s: string): I18nText => t(s, s);

/** Lines of text joined per language. */
export const join = (lines: readonly I18nText[], sep = '\n'): I18nText =>
  t(lines.map((l) => l.zh).join(sep), lines.map((l) => l.en).join(sep));

/** The first letter in upper case, for English sentences that start with a kind's name. */
export const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Lists stay well below Feishu's 30 KB card limit. */
const LIST_BYTE_BUDGET = 28 * 1024;

/**
 * An info card listing `entries` under `head`, ending with "…and N more" for the `total` not shown. Entries are
 * dropped from the end while the card would be too large, so long user data can never make it fail to send.
 */
export function listCard(title: I18nText, head: I18nText, entries: readonly I18nText[], total: number): Card {
  let shown = entries.length;
  for (;;) {
    const more = total - shown;
    const lines = [head, ...entries.slice(0, shown)];
    if (more > 0) lines.push(t(`……还有 ${more} 项未显示`, `…and ${more} more`));
    const result = infoCard(title, join(lines));
    if (shown === 0 || cardBytes(result) <= LIST_BYTE_BUDGET) return result;
    shown = Math.floor(shown * 0.75);
  }
}

/** The card with a last line saying only the reader sees it (an answer in a group shown to one person). */
export function onlyYouCard(card: Card): Card {
  const body = (card.body ?? {}) as { elements?: unknown[] };
  const line = note(
    t(
      '🔒 仅你可见：在群里，个人和管理信息只显示给发送命令的人。',
      '🔒 Only you can see this: in a group, personal and admin answers are shown only to the person who asked.',
    ),
    'only_you',
  );
  return { ...card, body: { ...body, elements: [...(body.elements ?? []), line] } };
}
