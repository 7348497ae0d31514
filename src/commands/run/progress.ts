/** `progress` / `进度`: the user's courses and exams across every source, on one card. */
import { SOURCE_LABELS } from '../../../cards/learning.js';
import { progressCard, type ProgressItem } from '../../../cards/progress.js';
import type { CommandContext } from '../execute.js';
import { actorTimeZone } from './common.js';
import type { Card } from './replies.js';

/** More records than anyone has; the card lists 40 and counts the rest. */
const MAX_RECORDS = 500;
const SOURCE_ORDER = ['feishu', 'alm', 'qingsuyun'];

export async function runProgress(ctx: CommandContext): Promise<Card> {
  const openId = ctx.actor.openId;
  const identities = await ctx.db.learnerIdentity.findMany({ where: { openId }, select: { source: true, externalUserId: true } });
  const pairs = [{ source: 'feishu', externalUserId: openId }, ...identities.map((i) => ({ source: i.source, externalUserId: i.externalUserId }))];
  const records = await ctx.db.learningRecord.findMany({
    where: { OR: pairs },
    orderBy: [{ lastEventAt: { sort: 'desc', nulls: 'last' } }, { updatedAt: 'desc' }],
    take: MAX_RECORDS,
  });
  const rank = (source: string) => (SOURCE_ORDER.includes(source) ? SOURCE_ORDER.indexOf(source) : SOURCE_ORDER.length);
  // Stable sort: by source, most recent first within each.
  records.sort((a, b) => rank(a.source) - rank(b.source));
  const items: ProgressItem[] = records.map((r) => ({
    sourceLabel: (SOURCE_LABELS as Record<string, string>)[r.source] ?? r.source,
    itemName: r.itemName || r.itemId || r.itemKey,
    itemType: r.itemType,
    state: r.state,
    score: r.score,
    totalScore: r.totalScore,
    completedAt: r.completedAt,
    progressPercent: r.progressPercent,
  }));
  return progressCard({ items, timeZone: await actorTimeZone(ctx) });
}
