/**
 * Notification kinds, recipients' roles and receive id types: one list each. A kind decides who may switch it
 * off (`notify <kind> off`), whether a user may mute it, and whether a group chat may be routed for it.
 */
import type { Text } from './text.js';

/** A kind's name in commands and on the help card; the parser also accepts the singular and `extra`. */
type KindName = Text & { readonly singular: string; readonly extra?: readonly string[] };

interface KindSpec {
  readonly name?: KindName;
  /** An admin can switch it off for everyone, and a learner can mute it. */
  readonly switchable: boolean;
  /** `route` can send it to a group chat. */
  readonly routable: boolean;
  /** Sent to learners about themselves, so a person can `mute` it (other kinds go to chats and admins). */
  readonly personal?: boolean;
}

/** Every kind, in the order commands and cards list them. */
export const KINDS = {
  completions: {
    name: { zh: '完成', en: 'completions', singular: 'completion' },
    switchable: true,
    routable: true,
    personal: true,
  },
  exams: { name: { zh: '考试', en: 'exams', singular: 'exam' }, switchable: true, routable: true, personal: true },
  enrollments: {
    name: { zh: '报名', en: 'enrollments', singular: 'enrollment' },
    switchable: true,
    routable: true,
    personal: true,
  },
  // Check-ins are personal: never routed to a chat.
  checkins: {
    name: { zh: '打卡', en: 'checkins', singular: 'checkin', extra: ['check-in', 'check-ins'] },
    switchable: true,
    routable: false,
    personal: true,
  },
  // Reminders about a learner's own stalled or due learning: personal, never routed to a chat.
  reminders: { name: { zh: '提醒', en: 'reminders', singular: 'reminder' }, switchable: true, routable: false },
  // A manager's weekly team digest: personal, never routed to a chat.
  digest: { name: { zh: '周报', en: 'digest', singular: 'digest' }, switchable: true, routable: false },
  // Overdue learning escalated to a manager: personal, never routed to a chat.
  escalations: {
    name: { zh: '逾期升级', en: 'escalations', singular: 'escalation' },
    switchable: true,
    routable: false,
  },
  tickets: { name: { zh: '工单', en: 'tickets', singular: 'ticket' }, switchable: true, routable: true },
  seats: { name: { zh: '名额', en: 'seats', singular: 'seat' }, switchable: true, routable: true },
  failures: { name: { zh: '失败', en: 'failures', singular: 'failure' }, switchable: true, routable: true },
  onboarding: { switchable: false, routable: false },
  reply: { switchable: false, routable: false },
  congratulations: { switchable: false, routable: false },
} as const satisfies Record<string, KindSpec>;

export type AnyNotificationKind = keyof typeof KINDS;
type KindsWhere<P extends 'switchable' | 'routable'> = {
  [K in AnyNotificationKind]: (typeof KINDS)[K][P] extends true ? K : never;
}[AnyNotificationKind];

const kindsWhere = <P extends 'switchable' | 'routable'>(p: P) =>
  (Object.keys(KINDS) as AnyNotificationKind[]).filter((k) => KINDS[k][p]) as KindsWhere<P>[];

/** Kinds a person chooses about (`mute`, `notify`): what commands and the help card call "notification kinds". */
export const NOTIFICATION_KINDS = kindsWhere('switchable');
export type NotificationKind = KindsWhere<'switchable'>;

export type RouteKind = KindsWhere<'routable'>;
/** Kinds `route` can send to a group chat (every routable kind, tickets first: the usual reason to route a chat). */
export const ROUTE_KINDS = [
  'tickets',
  'completions',
  'exams',
  'enrollments',
  'seats',
  'failures',
] as const satisfies readonly RouteKind[];
// Every routable kind is listed above (a kind made routable without being listed fails to compile here).
const _allRoutable: Exclude<RouteKind, (typeof ROUTE_KINDS)[number]> extends never ? true : never = true;
void _allRoutable;

/** Kinds a person receives about themselves and so may mute, in list order. */
export const PERSONAL_KINDS: readonly NotificationKind[] = NOTIFICATION_KINDS.filter(
  (k) => (KINDS[k] as KindSpec).personal === true,
);

export function isSwitchable(kind: string): kind is NotificationKind {
  return (NOTIFICATION_KINDS as readonly string[]).includes(kind);
}

/** Display names of the kinds people choose about. */
export const KIND_NAMES = Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, KINDS[k].name])) as Record<
  NotificationKind,
  KindName
>;

/** Who a message is for, which decides whose choices apply to it. */
export type Role = 'learner' | 'manager' | 'chat' | 'user' | 'admin';

/** Roles whose recipient may mute a kind for themselves; a manager's notice about a learner is not theirs to mute. */
export const MUTABLE_ROLES: ReadonlySet<string> = new Set<Role>(['learner']);

/** How Feishu reads a message's `receive_id`. */
export const RECEIVE_ID_TYPES = ['open_id', 'user_id', 'union_id', 'email', 'chat_id'] as const;
export type ReceiveIdType = (typeof RECEIVE_ID_TYPES)[number];

/** The card languages a person can choose. */
export type Lang = 'zh' | 'en';
export const isLang = (value: unknown): value is Lang => value === 'zh' || value === 'en';
