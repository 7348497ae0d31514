/**
 * The team policies admins change (table `setting`): when the weekly digest goes out, and after how many days an
 * overdue assigned course is escalated to the learner's manager and then to the manager's manager. Turning the
 * digest or escalations off for everyone is the notification kind's switch (`notify digest off`,
 * `notify escalations off`).
 */
import type { Db } from '../db/index.js';
import { notifySettingKey } from '../domain/keys.js';
import { isTimeOfDay } from '../domain/calendar.js';

export interface TeamPolicy {
  /** ISO weekday of the digest (1 = Monday … 7 = Sunday); a day off moves it to the next working day. */
  digestDay: number;
  /** Local time of the digest, "HH:mm" (the earliest moment: the send window still applies). */
  digestTime: string;
  digestOn: boolean;
  /** Days past the due date before the learner's manager is told. */
  escalateDays: number;
  /** Days past the due date before the manager's manager is told (0: never). */
  skipLevelDays: number;
  escalationsOn: boolean;
}

export const DEFAULT_TEAM_POLICY: TeamPolicy = {
  digestDay: 1,
  digestTime: '09:30',
  digestOn: true,
  escalateDays: 3,
  skipLevelDays: 10,
  escalationsOn: true,
};

export const TEAM_SETTINGS = {
  digestDay: 'digest.day',
  digestTime: 'digest.time',
  escalateDays: 'escalation.manager_days',
  skipLevelDays: 'escalation.skip_level_days',
} as const;

const isDay = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 7;
const isDays = (v: unknown, min: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= 365;

/** The policies in force: the defaults with the admins' settings over them (a value that does not fit is ignored). */
export async function readTeamPolicy(db: Pick<Db, 'setting'>): Promise<TeamPolicy> {
  const keys = [...Object.values(TEAM_SETTINGS), notifySettingKey('digest'), notifySettingKey('escalations')];
  const rows = await db.setting.findMany({ where: { key: { in: keys } } });
  const value = (key: string) => rows.find((r) => r.key === key)?.value;
  const p = { ...DEFAULT_TEAM_POLICY };
  const day = value(TEAM_SETTINGS.digestDay);
  if (isDay(day)) p.digestDay = day;
  const time = value(TEAM_SETTINGS.digestTime);
  if (typeof time === 'string' && isTimeOfDay(time) && time < '24:00') p.digestTime = time;
  const esc = value(TEAM_SETTINGS.escalateDays);
  if (isDays(esc, 1)) p.escalateDays = esc;
  const skip = value(TEAM_SETTINGS.skipLevelDays);
  if (isDays(skip, 0)) p.skipLevelDays = skip;
  p.digestOn = value(notifySettingKey('digest')) !== false;
  p.escalationsOn = value(notifySettingKey('escalations')) !== false;
  return p;
}
