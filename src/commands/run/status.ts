/** `status`: events received per source in the last 24 h, the outbox's backlog, and each source's last event. */
import { card, formatTime, markdown, t, type I18nText } from '../../../cards/kit.js';
import { SOURCES } from '../../domain/sources.js';
import type { CommandContext } from '../context.js';
import { sourceName } from './bindings.js';
import { actorTimeZone, nowOf } from './common.js';
import { join, type Card } from './replies.js';

const DAY_MS = 24 * 60 * 60_000;

export async function runStatus(ctx: CommandContext): Promise<Card> {
  const now = nowOf(ctx);
  const { db } = ctx;
  const [recent, last, pending, failed, waiting, unresolved, zone] = await Promise.all([
    db.inboundEvent.groupBy({
      by: ['source'],
      where: { receivedAt: { gte: new Date(now.getTime() - DAY_MS) } },
      _count: { _all: true },
    }),
    db.inboundEvent.groupBy({ by: ['source'], _max: { receivedAt: true } }),
    db.notification.count({ where: { status: { in: ['pending', 'sending'] } } }),
    db.notification.count({ where: { status: 'failed' } }),
    db.notification.count({ where: { status: 'waiting' } }),
    db.learnerIdentity.count({ where: { status: 'unresolved' } }),
    actorTimeZone(ctx),
  ]);
  const sources = [...new Set<string>([...SOURCES, ...last.map((r) => r.source)])];
  const sourceLines = sources.map((source): I18nText => {
    const count = recent.find((r) => r.source === source)?._count._all ?? 0;
    const at = last.find((r) => r.source === source)?._max.receivedAt ?? null;
    const name = sourceName(source);
    return t(
      `- ${name.zh}：24 小时内 ${count} 个事件 · 最近一次：${at ? formatTime(at, zone, 'zh') : '无'}`,
      `- ${name.en}: ${count} ${count === 1 ? 'event' : 'events'} in 24 h · ` +
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
