/**
 * `status`: events received in the last 24 h per origin (Feishu eLearning, helpdesk and chat apart) and per event
 * type, the outbox's backlog, and each origin's last event.
 */
import { card, escapeMd, formatTime, markdown, t, type I18nText } from '../../../cards/kit.js';
import type { CommandContext } from '../context.js';
import { sourceName } from './bindings.js';
import { actorTimeZone, nowOf } from './common.js';
import { join, type Card } from './replies.js';

const DAY_MS = 24 * 60 * 60_000;

/** Where an event came from, finer than its source: Feishu sends learning, helpdesk and chat events alike. */
interface Origin {
  key: string;
  name: I18nText;
}

const ORIGINS: readonly Origin[] = [
  { key: 'feishu:elearning', name: t('飞书学习', 'Feishu eLearning') },
  { key: 'feishu:helpdesk', name: t('飞书服务台', 'Feishu helpdesk') },
  { key: 'feishu:chat', name: t('飞书消息', 'Feishu chat') },
  { key: 'alm', name: t('ALM', 'ALM') },
  { key: 'qingsuyun', name: t('轻速云', 'Qingsuyun') },
];

/** The origin of one stored event, by its source and, for Feishu, the family of its event type. */
function originOf(source: string, eventType: string): string {
  if (source !== 'feishu') return source;
  if (eventType.startsWith('elearning.')) return 'feishu:elearning';
  if (eventType.startsWith('helpdesk.')) return 'feishu:helpdesk';
  if (eventType.startsWith('im.') || eventType === 'p2p_chat_create') return 'feishu:chat';
  return 'feishu:other';
}

const originName = (key: string): I18nText =>
  ORIGINS.find((o) => o.key === key)?.name ??
  (key === 'feishu:other' ? t('飞书（其他）', 'Feishu (other)') : sourceName(key));

/** At most this many event types are named per origin; the rest are counted together. */
const TYPES_SHOWN = 4;

export async function runStatus(ctx: CommandContext): Promise<Card> {
  const now = nowOf(ctx);
  const { db } = ctx;
  const [recent, last, pending, failed, waiting, unresolved, zone] = await Promise.all([
    db.inboundEvent.groupBy({
      by: ['source', 'eventType'],
      where: { receivedAt: { gte: new Date(now.getTime() - DAY_MS) } },
      _count: { _all: true },
    }),
    db.inboundEvent.groupBy({ by: ['source', 'eventType'], _max: { receivedAt: true } }),
    db.notification.count({ where: { status: { in: ['pending', 'sending'] } } }),
    db.notification.count({ where: { status: 'failed' } }),
    db.notification.count({ where: { status: 'waiting' } }),
    db.learnerIdentity.count({ where: { status: 'unresolved' } }),
    actorTimeZone(ctx),
  ]);
  const origins = [
    ...new Set<string>([...ORIGINS.map((o) => o.key), ...last.map((r) => originOf(r.source, r.eventType))]),
  ];
  const sourceLines = origins.map((origin): I18nText => {
    const types = recent
      .filter((r) => originOf(r.source, r.eventType) === origin)
      .map((r) => ({ type: r.eventType, count: r._count._all }))
      .sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
    const count = types.reduce((n, x) => n + x.count, 0);
    const at = last
      .filter((r) => originOf(r.source, r.eventType) === origin)
      .map((r) => r._max.receivedAt)
      .reduce<Date | null>((a, b) => (b && (!a || b > a) ? b : a), null);
    const name = originName(origin);
    const named = types.slice(0, TYPES_SHOWN).map((x) => `${escapeMd(x.type)} ×${x.count}`);
    const others = types.slice(TYPES_SHOWN).reduce((n, x) => n + x.count, 0);
    const detail = (more: string) =>
      named.length === 0 ? '' : ` (${[...named, ...(others > 0 ? [`${more} ×${others}`] : [])].join(', ')})`;
    return t(
      `- ${name.zh}：24 小时内 ${count} 个事件${detail('其他')} · 最近一次：${at ? formatTime(at, zone, 'zh') : '无'}`,
      `- ${name.en}: ${count} ${count === 1 ? 'event' : 'events'} in 24 h${detail('other')} · ` +
        `last: ${at ? formatTime(at, zone, 'en') : 'never'}`,
    );
  });
  const outbox = [
    t(`- 待发送：${pending}`, `- Pending: ${pending}`),
    t(
      `- 发送失败：${failed}${failed > 0 ? '（发送「重试」重新发送）' : ''}`,
      `- Failed: ${failed}${failed > 0 ? ' (send "retry" to send them again)' : ''}`,
    ),
    t(`- 等待学员绑定：${waiting}`, `- Waiting for an unresolved learner: ${waiting}`),
    t(
      `- 未找到的学员：${unresolved}${unresolved > 0 ? '（发送「未绑定」查看）' : ''}`,
      `- Learners not found in Feishu: ${unresolved}${unresolved > 0 ? ' (send "unresolved" to list them)' : ''}`,
    ),
  ];
  const title = t('运行状态', 'Status');
  return card({
    title,
    template: failed > 0 ? 'orange' : 'blue',
    summary: title,
    elements: [
      markdown(join([t('**事件**', '**Events**'), ...sourceLines]), 'events'),
      markdown(join([t('**通知**', '**Notifications**'), ...outbox]), 'notifications'),
    ],
  });
}
