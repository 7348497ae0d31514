/**
 * Reminder policies: when stalled assigned learning and coming due dates are reminded. Defaults here; admins change
 * them with `reminder <policy> <value>`, stored as `reminders.<policy>` settings (table `setting`).
 */
import type { Db } from '../db/index.js';

export interface ReminderPolicy {
  /** Days without progress before the first stalled-learning reminder. */
  stalledDays: number;
  /** Days after a stalled-learning reminder was sent before the next one. */
  repeatDays: number;
  /** Stalled-learning reminders per course at most (a new stall after progress starts again). */
  maxStalled: number;
  /** Whether self-enrolled courses get stalled-learning reminders too (assigned ones always do). */
  selfEnrolled: boolean;
  /** Calendar days before the due date to remind on; a negative number is days after it (-1: the day after). */
  dueDays: number[];
}

export const DEFAULT_POLICY: ReminderPolicy = {
  stalledDays: 7,
  repeatDays: 7,
  maxStalled: 3,
  selfEnrolled: false,
  dueDays: [7, 3, 1, -1],
};

/** The policies admins can change, their setting keys and how their values read. */
export const POLICY_NAMES = ['stalled-days', 'repeat-days', 'max', 'self-enrolled', 'due-days'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

const FIELD: Record<PolicyName, keyof ReminderPolicy> = {
  'stalled-days': 'stalledDays',
  'repeat-days': 'repeatDays',
  max: 'maxStalled',
  'self-enrolled': 'selfEnrolled',
  'due-days': 'dueDays',
};

export const policySettingKey = (name: PolicyName): string => `reminders.${name}`;

/** A day count of 1–365. */
const isDays = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 365;

/** Checks a stored or typed value for a policy; undefined when it does not fit. */
export function policyValue(name: PolicyName, value: unknown): ReminderPolicy[keyof ReminderPolicy] | undefined {
  switch (name) {
    case 'stalled-days':
    case 'repeat-days':
      return isDays(value) ? value : undefined;
    case 'max':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 20 ? value : undefined;
    case 'self-enrolled':
      return typeof value === 'boolean' ? value : undefined;
    case 'due-days': {
      if (!Array.isArray(value) || value.length > 10) return undefined;
      const days = value as unknown[];
      if (!days.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= -30 && d <= 90)) return undefined;
      return [...new Set(days as number[])].sort((a, b) => b - a);
    }
  }
}

/** The policies in force: the defaults with the admins' settings over them (a setting that does not fit is ignored). */
export async function readPolicy(db: Pick<Db, 'setting'>): Promise<ReminderPolicy> {
  const rows = await db.setting.findMany({ where: { key: { in: POLICY_NAMES.map(policySettingKey) } } });
  const policy: ReminderPolicy = { ...DEFAULT_POLICY, dueDays: [...DEFAULT_POLICY.dueDays] };
  for (const name of POLICY_NAMES) {
    const row = rows.find((r) => r.key === policySettingKey(name));
    const value = row ? policyValue(name, row.value) : undefined;
    if (value !== undefined) (policy as unknown as Record<string, unknown>)[FIELD[name]] = value;
  }
  return policy;
}

/** A policy's value in the form `reminder` takes and `settings` shows. */
export function showPolicy(policy: ReminderPolicy, name: PolicyName): string {
  const value = policy[FIELD[name]];
  if (Array.isArray(value)) return value.length ? value.join(',') : 'none';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
}
