/**
 * What the bot knows about ALM learning objects and instances: names and instance completion deadlines (from the
 * ALM API, cached), states from learning object events, and seat and waitlist counts from CI_STATS.
 */
import type { Db } from '../db/index.js';
import type { Tx } from '../db/tx.js';
import { systemClock, type Clock } from '../domain/clock.js';
import type { AlmEvent } from '../learning/alm-events.js';
import { toNumber } from '../learning/record-state.js';
import type { AlmApi } from './api.js';

/**
 * A cached name or instance deadline is asked again after this long, or at once after a learning object (instance)
 * event marked it stale.
 */
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
    private readonly clock: Clock = systemClock,
  ) {}

  private fresh(fetchedAt: Date | null | undefined): boolean {
    return Boolean(fetchedAt && this.clock.now().getTime() - fetchedAt.getTime() < NAME_TTL_MS);
  }

  /** The learning object's name, or null without the API. Throws AlmBudgetExhausted when the budget is spent. */
  async nameOf(loId: string): Promise<string | null> {
    const row = await this.db.almCatalog.findUnique({ where: { id: loId } });
    const fresh = this.fresh(row?.fetchedAt);
    if (row?.name && fresh) return row.name;
    if (!this.api) return row?.name ?? null;
    const lo = await this.api.getLearningObject(loId);
    const data = {
      name: lo?.name ?? row?.name ?? null,
      loType: lo?.loType ?? row?.loType ?? null,
      fetchedAt: this.clock.now(),
    };
    await this.db.almCatalog.upsert({ where: { id: loId }, create: { id: loId, kind: 'lo', ...data }, update: data });
    return data.name;
  }

  /**
   * The instance's completion deadline, kept in its catalog row (where reminder and escalation planning read it);
   * null when it has none, and the cached value (or null) without the API. An answer without a deadline is cached
   * too, so an instance costs one call per TTL either way. Throws AlmBudgetExhausted when the budget is spent.
   */
  async deadlineOf(loId: string, instanceId: string): Promise<Date | null> {
    const row = await this.db.almCatalog.findUnique({ where: { id: instanceId } });
    if (!this.api || (row && this.fresh(row.fetchedAt))) return row?.completionDeadline ?? null;
    const instance = await this.api.getInstance(loId, instanceId);
    // An instance ALM no longer knows keeps what was known: its learners' due dates do not vanish with it.
    const completionDeadline = instance
      ? instance.completionDeadline
        ? new Date(instance.completionDeadline)
        : null
      : (row?.completionDeadline ?? null);
    const data = { loId, completionDeadline, fetchedAt: this.clock.now() };
    await this.db.almCatalog.upsert({
      where: { id: instanceId },
      create: { id: instanceId, kind: 'instance', ...data },
      update: data,
    });
    return completionDeadline;
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
