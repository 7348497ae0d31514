/** `progress` / `进度`: the user's courses and exams across every source, on one card. */
import { progressCard, type ProgressItem } from '../../../cards/progress.js';
import { t } from '../../../cards/kit.js';
import { isSource, sourceLabel, sourceRank, SOURCE_NAMES } from '../../domain/sources.js';
import type { CommandContext } from '../context.js';
import { actorTimeZone } from './common.js';
import type { Card } from './replies.js';

/** More records than anyone has; the card lists 40 and counts the rest. */
const MAX_RECORDS = 500;

export async function runProgress(ctx: CommandContext): Promise<Card> {
  const openId = ctx.actor.openId;
  const identities = await ctx.db.learnerIdentity.findMany({
    where: { openId },
    select: { source: true, externalUserId: true },
  });
  const pairs = [
    { source: 'feishu', externalUserId: openId },
    ...identities.map((i) => ({ source: i.source, externalUserId: i.externalUserId })),
  ];
  const records = await ctx.db.learningRecord.findMany({
    where: { OR: pairs },
    orderBy: [{ lastEventAt: { sort: 'desc', nulls: 'last' } }, { updatedAt: 'desc' }],
    take: MAX_RECORDS,
  });
  // Stable sort: by source, most recent first within each.
  records.sort((a, b) => sourceRank(a.source) - sourceRank(b.source));
  const items: ProgressItem[] = records.map((r) => ({
    sourceLabel: sourceLabel(r.source),
    itemName: r.itemName || null,
    itemId: r.itemId ?? r.itemKey,
    place: isSource(r.source) ? SOURCE_NAMES[r.source] : t(r.source, r.source),
    itemType: r.itemType,
    state: r.state,
    score: r.score,
    totalScore: r.totalScore,
    completedAt: r.completedAt,
    progressPercent: r.progressPercent,
  }));
  return progressCard({ items, timeZone: await actorTimeZone(ctx) });
}
