/**
 * Tokens of a chat command: the message text normalised and split into words, and the `message.mentions` the
 * `@_user_N` keys in it stand for. Pure; never throws.
 */

/** One entry of `message.mentions`. */
export interface Mention {
  key: string;
  id: { open_id?: string; user_id?: string; union_id?: string };
  name?: string;
  tenant_key?: string;
}

/** Longer texts are never commands. */
export const MAX_COMMAND_TEXT = 2000;

/** Parses the `content` of a text message (`{"text":"…"}`); undefined for anything else. */
export function extractText(content: string): string | undefined {
  if (typeof content !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return undefined; // not JSON: not a text message's content
  }
  const text = parsed !== null && typeof parsed === 'object' ? (parsed as { text?: unknown }).text : undefined;
  return typeof text === 'string' ? text : undefined;
}

const MENTION_KEY = /@_user_\d+|@_all(?![A-Za-z0-9_])/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const INVISIBLE = /[\u00ad\u200b-\u200f\u2060\ufeff]/g;

/**
 * NFKC (full-width letters, digits, spaces and slashes become ASCII), controls become spaces,
 * mention keys stand alone.
 */
export function tokenize(text: string): string[] {
  return text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(CONTROL, ' ')
    .replace(MENTION_KEY, ' $& ')
    .split(/\s+/)
    .filter((tok) => tok !== '');
}

/** The message's mentions by key (the first of each key; at most 100 read). */
export function mentionMap(raw: unknown): Map<string, Mention> {
  const map = new Map<string, Mention>();
  if (!Array.isArray(raw)) return map;
  for (const m of raw.slice(0, 100) as unknown[]) {
    if (m !== null && typeof m === 'object' && typeof (m as Mention).key === 'string' && !map.has((m as Mention).key))
      map.set((m as Mention).key, m as Mention);
  }
  return map;
}

/** The mentioned person's open_id, if the mention carries one. */
export function openIdOf(m: Mention | undefined): string | undefined {
  const id: unknown = m?.id;
  const openId = id !== null && typeof id === 'object' ? (id as { open_id?: unknown }).open_id : undefined;
  return typeof openId === 'string' && openId !== '' ? openId : undefined;
}

/** The mention keys that stand for the bot in this message. */
export function botKeys(tokens: string[], mentions: Map<string, Mention>, botOpenId: string): Set<string> {
  if (botOpenId) return new Set([...mentions.values()].filter((m) => openIdOf(m) === botOpenId).map((m) => m.key));
  const first = tokens[0];
  const lead = first === undefined ? undefined : mentions.get(first);
  if (first === undefined || !lead) return new Set();
  const id = openIdOf(lead);
  const again = tokens
    .slice(1)
    .some((tok) => tok === first || (id !== undefined && openIdOf(mentions.get(tok)) === id));
  return again ? new Set() : new Set([first]);
}
