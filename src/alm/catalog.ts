/**
 * What the bot knows about ALM learning objects and instances: names (from the ALM API, cached), states from
 * learning object events, and seat and waitlist counts from CI_STATS.
 */
import type { Db } from '../db/index.js';
import type { Tx } from '../db/tx.js';
import type { AlmEvent } from '../learning/alm-events.js';
import { toNumber } from '../learning/record-state.js';
import type { AlmApi } from './api.js';

/** A cached name is asked again after this long, or at once after a learning object event marked it stale. */
const NAME_TTL_MS = 7 * 24 * 60 * 60_000;

type SeatChange = {
  change: 'full' | 'freed';
  instanceId: string;
  loId: string | null;
  seatLimit: number;
  enrolled: number;
  waitlist: number | null;
} | null;

export class AlmCatalog {
  constructor(
    private readonly db: Db,
    private readonly api: AlmApi | undefined,
  ) {}

  /** The learning object's name, or null without the API. Throws AlmBudgetExhausted when the budget is spent. */
  async nameOf(loId: string): Promise<string | null> {
    const row = await this.db.almCatalog.findUnique({ where: { id: loId } });
    const fresh = row?.fetchedAt && Date.now() - row.fetchedAt.getTime() < NAME_TTL_MS;
    if (row?.name && fresh) return row.name;
    if (!this.api) return row?.name ?? null;
    const lo = await this.api.getLearningObject(loId);
    const data = {
      name: lo?.name ?? row?.name ?? null,
      loType: lo?.loType ?? row?.loType ?? null,
      fetchedAt: new Date(),
    };
    await this.db.almCatalog.upsert({ where: { id: loId }, create: { id: loId, kind: 'lo', ...data }, update: data });
    return data.name;
  }
}

/** LEARNING_OBJECT_* and LEARNING_OBJECT_INSTANCE_* events: the state, and the cached name marked stale. */
export async function applyCatalogEvent(
  tx: Tx,
  event: AlmEvent,
  kind: 'lo' | 'instance',
  state: string,
): Promise<void> {
  const d = event.data;
  const loId = typeof d.loId === 'string' ? d.loId : null;
  const id = kind === 'lo' ? loId : typeof d.loInstanceId === 'string' ? d.loInstanceId : null;
  if (!id) return;
  const row = await tx.almCatalog.findUnique({ where: { id } });
  if (row?.lastEventAt && row.lastEventAt.getTime() > event.timestamp.getTime()) return;
  const data = {
    kind,
    loId,
    loType: typeof d.loType === 'string' ? d.loType : (row?.loType ?? null),
    state,
    lastEventAt: event.timestamp,
    fetchedAt: null,
  };
  await tx.almCatalog.upsert({ where: { id }, create: { id, ...data }, update: data });
}

/** CI_STATS: the instance's seat and waitlist counts; says when it just became full or got free seats again. */
export async function applyCiStats(tx: Tx, event: AlmEvent): Promise<SeatChange> {
  const d = event.data;
  const id = typeof d.loInstanceId === 'string' ? d.loInstanceId : null;
  if (!id) return null;
  const row = await tx.almCatalog.findUnique({ where: { id } });
  if (row?.lastEventAt && row.lastEventAt.getTime() > event.timestamp.getTime()) return null;
  const seatLimit = toNumber(d.seatLimit);
  const enrolled =
    toNumber(d.enrollmentCount) ??
    (seatLimit !== null && toNumber(d.seatAvailability) !== null ? seatLimit - toNumber(d.seatAvailability)! : null);
  const waitlist = toNumber(d.waitlistCount);
  const loId = row?.loId ?? id.split('_')[0] ?? null;
  const data = {
    kind: 'instance',
    loId,
    seatLimit,
    enrolled,
    waitlist,
    stats: d as object,
    lastEventAt: event.timestamp,
  };
  await tx.almCatalog.upsert({ where: { id }, create: { id, ...data }, update: data });
  if (seatLimit === null || enrolled === null || seatLimit <= 0) return null;
  const wasFull = row?.seatLimit != null && row.enrolled != null && row.enrolled >= row.seatLimit;
  const isFull = enrolled >= seatLimit;
  if (isFull === wasFull || (!row && !isFull)) return null;
  return { change: isFull ? 'full' : 'freed', instanceId: id, loId, seatLimit, enrolled, waitlist };
}
