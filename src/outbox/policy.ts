/**
 * What happens to drafts between a handler's decision and the outbox, in one place: kinds an admin turned off
 * are dropped, kinds a user muted are dropped for that user, each user's card language is applied, and routed
 * group chats get their copy of the news (a team feed).
 */
import { localize } from '../../cards/kit.js';
import type { Tx } from '../db/tx.js';
import type { NotificationDraft } from '../domain/draft.js';
import { notifySettingKey, parseNotifySettingKey } from '../domain/keys.js';
import { isSwitchable, MUTABLE_ROLES } from '../domain/notifications.js';
import { preferencesFor, preferencesOf } from '../recipients/preferences.js';
import { routedChatsByKind } from '../recipients/routes.js';

/** The policy reads languages and mutes only: the zone default does not matter here. */
const NO_ZONE = { DEFAULT_TIME_ZONE: 'UTC' };

export async function applyPolicy(tx: Tx, drafts: NotificationDraft[]): Promise<NotificationDraft[]> {
  if (drafts.length === 0) return drafts;
  const kinds = [...new Set(drafts.map((d) => d.kind).filter(isSwitchable))];
  const off = new Set<string>();
  if (kinds.length > 0) {
    const settings = await tx.setting.findMany({ where: { key: { in: kinds.map(notifySettingKey) } } });
    for (const s of settings) {
      const kind = parseNotifySettingKey(s.key);
      if (kind && s.value === false) off.add(kind);
    }
  }
  const kept = drafts.filter((d) => !off.has(d.kind));

  const feedKinds = [...new Set(kept.filter((d) => d.feedCard).map((d) => d.kind))];
  const routes = await routedChatsByKind(tx, feedKinds);
  const withFeeds: NotificationDraft[] = [];
  for (const d of kept) {
    const { feedCard, ...draft } = d;
    withFeeds.push(draft);
    if (!feedCard) continue;
    for (const chatId of routes.get(d.kind) ?? []) {
      withFeeds.push({
        key: `${d.key}:feed:${chatId}`,
        kind: d.kind,
        role: 'chat',
        receiveIdType: 'chat_id',
        receiveId: chatId,
        card: feedCard,
        ...(d.subject ? { subject: d.subject } : {}),
      });
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
  const { lang } = await preferencesFor(db, NO_ZONE, to.receiveId);
  return lang ? localize(card, lang) : card;
}

/** Applies each recipient's own choices (muted kinds, card language) to drafts addressed to a person. */
export async function personalise(tx: Tx, drafts: NotificationDraft[]): Promise<NotificationDraft[]> {
  const people = [
    ...new Set(drafts.filter((d) => d.receiveIdType === 'open_id' && d.receiveId).map((d) => d.receiveId)),
  ];
  if (people.length === 0) return drafts;
  const prefs = await preferencesOf(tx, NO_ZONE, people);
  const out: NotificationDraft[] = [];
  for (const d of drafts) {
    const pref = d.receiveIdType === 'open_id' ? prefs.get(d.receiveId) : undefined;
    if (pref && MUTABLE_ROLES.has(d.role ?? 'user') && pref.mutedKinds.includes(d.kind)) continue;
    const lang = pref?.lang;
    out.push(lang && d.card ? { ...d, card: localize(d.card, lang) } : d);
  }
  return out;
}
