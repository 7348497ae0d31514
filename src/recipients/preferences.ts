/**
 * A person's own choices (card language, muted kinds, time zone), read here and nowhere else. Anything with the
 * `user_preference` table works: the client or a transaction.
 */
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { isLang, type Lang } from '../domain/notifications.js';

type PreferenceReader = Pick<Db, 'userPreference'>;

export interface Preferences {
  /** The card language the person chose; undefined: both languages. */
  lang: Lang | undefined;
  mutedKinds: readonly string[];
  /** Their own time zone, else the bot's default. */
  timeZone: string;
}

const none = (config: Pick<Config, 'DEFAULT_TIME_ZONE'>): Preferences => ({
  lang: undefined,
  mutedKinds: [],
  timeZone: config.DEFAULT_TIME_ZONE,
});

/** Each person's choices, defaults filled in; people who chose nothing are in the map too. */
export async function preferencesOf(
  db: PreferenceReader,
  config: Pick<Config, 'DEFAULT_TIME_ZONE'>,
  openIds: readonly (string | null | undefined)[],
): Promise<Map<string, Preferences>> {
  const ids = [...new Set(openIds.filter((id): id is string => typeof id === 'string' && id !== ''))];
  const rows = ids.length ? await db.userPreference.findMany({ where: { openId: { in: ids } } }) : [];
  const found = new Map(rows.map((r) => [r.openId, r]));
  return new Map(
    ids.map((id) => {
      const row = found.get(id);
      return [
        id,
        row
          ? {
              lang: isLang(row.lang) ? row.lang : undefined,
              mutedKinds: row.mutedKinds,
              timeZone: row.timeZone || config.DEFAULT_TIME_ZONE,
            }
          : none(config),
      ];
    }),
  );
}

/** One person's choices (defaults for an empty id). */
export async function preferencesFor(
  db: PreferenceReader,
  config: Pick<Config, 'DEFAULT_TIME_ZONE'>,
  openId: string | null | undefined,
): Promise<Preferences> {
  if (!openId) return none(config);
  return (await preferencesOf(db, config, [openId])).get(openId) ?? none(config);
}

/** Adds or removes one muted kind; true when that changed anything. */
export async function setMuted(db: PreferenceReader, openId: string, kind: string, muted: boolean): Promise<boolean> {
  const pref = await db.userPreference.findUnique({ where: { openId } });
  const before = pref?.mutedKinds ?? [];
  const after = muted ? [...new Set([...before, kind])] : before.filter((k) => k !== kind);
  if (after.length === before.length) return false;
  await db.userPreference.upsert({
    where: { openId },
    create: { openId, mutedKinds: after },
    update: { mutedKinds: after },
  });
  return true;
}

/** Sets the person's card language. */
export async function setLang(db: PreferenceReader, openId: string, lang: Lang): Promise<void> {
  await db.userPreference.upsert({ where: { openId }, create: { openId, lang }, update: { lang } });
}
