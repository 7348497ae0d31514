/**
 * What happens to drafts between a handler's decision and the outbox, in one place: kinds an admin turned off
 * are dropped, kinds a user muted are dropped for that user, each user's card language is applied, and routed
 * group chats get their copy of the news (a team feed).
 */
import { localize, type Lang } from '../../cards/kit.js';
import type { NotificationDraft, Tx } from '../handlers/types.js';

/** Kinds an admin can switch off with `notify <kind> off`. */
export const SWITCHABLE_KINDS = new Set(['completions', 'exams', 'enrollments', 'checkins', 'tickets', 'seats', 'failures']);
/** Kinds a learner can mute for themselves; a manager's notice about them is not theirs to mute. */
export const MUTABLE_ROLES = new Set(['learner']);

export const notifySettingKey = (kind: string) => `notify.${kind}`;

export async function applyPolicy(tx: Tx, drafts: NotificationDraft[]): Promise<NotificationDraft[]> {
  if (drafts.length === 0) return drafts;
  const kinds = [...new Set(drafts.map((d) => d.kind).filter((k) => SWITCHABLE_KINDS.has(k)))];
  const off = new Set<string>();
  if (kinds.length > 0) {
    const settings = await tx.setting.findMany({ where: { key: { in: kinds.map(notifySettingKey) } } });
    for (const s of settings) if (s.value === false) off.add(s.key.slice('notify.'.length));
  }
  const kept = drafts.filter((d) => !off.has(d.kind));

  const feedKinds = [...new Set(kept.filter((d) => d.feedCard).map((d) => d.kind))];
  const routes = feedKinds.length ? await tx.route.findMany({ where: { kind: { in: feedKinds } } }) : [];
  const withFeeds: NotificationDraft[] = [];
  for (const d of kept) {
    const { feedCard, ...draft } = d;
    withFeeds.push(draft);
    if (!feedCard) continue;
    for (const r of routes.filter((r) => r.kind === d.kind)) {
      withFeeds.push({ key: `${d.key}:feed:${r.chatId}`, kind: d.kind, role: 'chat', receiveIdType: 'chat_id', receiveId: r.chatId, card: feedCard, ...(d.subject ? { subject: d.subject } : {}) });
    }
  }
  return personalise(tx, withFeeds);
}

/** A card for one recipient: in their chosen language when the message goes to a person who chose one. */
export async function cardFor(
  db: Pick<Tx, 'userPreference'>,
  to: { receiveIdType: string; receiveId: string },
  card: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  if (to.receiveIdType !== 'open_id' || !to.receiveId) return card;
  const pref = await db.userPreference.findUnique({ where: { openId: to.receiveId }, select: { lang: true } });
  return pref?.lang === 'zh' || pref?.lang === 'en' ? localize(card, pref.lang as Lang) : card;
}

/** Applies each recipient's own choices (muted kinds, card language) to drafts addressed to a person. */
export async function personalise(tx: Tx, drafts: NotificationDraft[]): Promise<NotificationDraft[]> {
  const people = [...new Set(drafts.filter((d) => d.receiveIdType === 'open_id' && d.receiveId).map((d) => d.receiveId))];
  if (people.length === 0) return drafts;
  const prefs = new Map((await tx.userPreference.findMany({ where: { openId: { in: people } } })).map((p) => [p.openId, p]));
  const out: NotificationDraft[] = [];
  for (const d of drafts) {
    const pref = d.receiveIdType === 'open_id' ? prefs.get(d.receiveId) : undefined;
    if (pref && MUTABLE_ROLES.has(d.role ?? 'user') && pref.mutedKinds.includes(d.kind)) continue;
    const lang = pref?.lang === 'zh' || pref?.lang === 'en' ? (pref.lang as Lang) : undefined;
    out.push(lang && d.card ? { ...d, card: localize(d.card, lang) } : d);
  }
  return out;
}
