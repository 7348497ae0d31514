/**
 * A person's own choices (card language, muted kinds, time zone), read here and nowhere else. Anything with the
 * `user_preference` table works: the client or a transaction.
 *
 * A person's time zone, in this order: the one they set themselves (`user_preference.time_zone`), else their own
 * zone in the Feishu directory (`feishu_user.time_zone`, where the app may read it), else the tenant's
 * (`TIMEZONE` / `DEFAULT_TIME_ZONE`). `zonesOf` and `personalZone` read all three; `Preferences.timeZone` (read
 * with every outbox write, so it stays one query) has only the first and the last.
 */
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { isLang, type Lang } from '../domain/notifications.js';

type PreferenceReader = Pick<Db, 'userPreference'>;

export interface Preferences {
  /** The card language the person chose; undefined: both languages. */
  lang: Lang | undefined;
  mutedKinds: readonly string[];
  /** The time zone they set, else the tenant's (the directory's is read by `zonesOf`). */
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

type ZoneReader = Pick<Db, 'userPreference' | 'feishuUser'>;

/**
 * Each person's time zone: the one they set, else the directory's as cached, else the tenant's. Two queries
 * whatever the number of people.
 */
export async function zonesOf(
  db: ZoneReader,
  config: Pick<Config, 'DEFAULT_TIME_ZONE'>,
  openIds: readonly (string | null | undefined)[],
): Promise<Map<string, string>> {
  const ids = [...new Set(openIds.filter((id): id is string => typeof id === 'string' && id !== ''))];
  if (ids.length === 0) return new Map();
  const [set, listed] = await Promise.all([
    db.userPreference.findMany({
      where: { openId: { in: ids }, timeZone: { not: null } },
      select: { openId: true, timeZone: true },
    }),
    db.feishuUser.findMany({
      where: { openId: { in: ids }, timeZone: { not: null } },
      select: { openId: true, timeZone: true },
    }),
  ]);
  const own = new Map(set.map((r) => [r.openId, r.timeZone]));
  const directory = new Map(listed.map((r) => [r.openId, r.timeZone]));
  return new Map(ids.map((id) => [id, own.get(id) || directory.get(id) || config.DEFAULT_TIME_ZONE]));
}

/** One person's time zone (the tenant's for an empty id); see `zonesOf`. */
export async function zoneOf(
  db: ZoneReader,
  config: Pick<Config, 'DEFAULT_TIME_ZONE'>,
  openId: string | null | undefined,
): Promise<string> {
  if (!openId) return config.DEFAULT_TIME_ZONE;
  return (await zonesOf(db, config, [openId])).get(openId) ?? config.DEFAULT_TIME_ZONE;
}

/** The directory's zone of a person (cached, or fetched from Feishu when stale); null when unknown. Never throws. */
export type DirectoryZone = (openId: string) => Promise<string | null>;

/**
 * One person's own time zone for a send window, or null for the tenant's: the zone they set, else the directory's
 * (through `directoryZone`, which may ask Feishu; without it, as cached).
 */
export async function personalZone(
  db: ZoneReader,
  openId: string,
  directoryZone?: DirectoryZone,
): Promise<string | null> {
  const pref = await db.userPreference.findUnique({ where: { openId }, select: { timeZone: true } });
  if (pref?.timeZone) return pref.timeZone;
  if (directoryZone) return directoryZone(openId);
  const cached = await db.feishuUser.findUnique({ where: { openId }, select: { timeZone: true } });
  return cached?.timeZone ?? null;
}
