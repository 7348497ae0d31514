/**
 * Runs scheduled jobs. A job is claimed once its `run_at` has passed on the injected clock (several instances
 * share one database: FOR UPDATE SKIP LOCKED, short leases renewed while in hand), then:
 *
 * - a job whose times are local times of a zone (`zone`) that is not its recipient's any more (their own zone
 *   became known: they set it, or the Feishu directory gives it) gets the same local times in the recipient's zone;
 * - past its `not_after` it is skipped (a digest whose working day is over is never sent late);
 * - a windowed job waits for its recipient's send window: a time outside it moves to the next opening, and a time
 *   on a whole or half hour (an opening, a scheduled 09:30) is spread over the following 30 minutes; a job found
 *   overdue after downtime runs once, now if the window is open, else at the next opening;
 * - a capped job counts against its recipient's daily cap (the most urgent first); over it, it waits for the next
 *   working day's window;
 * - otherwise its kind runs it in a transaction that locks the job, writes its notifications through the outbox
 *   and settles it, so the job and its messages are written together or not at all. A run that throws is retried
 *   with backoff, then failed with the reason.
 */
import { randomUUID } from 'node:crypto';
import { DateTime, IANAZone } from 'luxon';
import type { Db } from '../db/index.js';
import type { Tx } from '../db/tx.js';
import type { Clock } from '../domain/clock.js';
import { spreadSend, type WindowPolicy, type WorkCalendar } from '../domain/calendar.js';
import { LEASE_SECONDS, RENEW_EVERY_MS } from '../domain/status.js';
import type { Logger } from '../logger.js';
import { enqueueDrafts } from '../outbox/enqueue.js';
import { personalZone } from '../recipients/preferences.js';
import { backoffDelay } from '../util/backoff.js';
import { LeaseLoop } from '../util/lease-loop.js';
import { sleep, type Waker } from '../util/sleep.js';
import { loadCalendar } from './calendar-days.js';
import {
  claimJobs,
  countDoneOn,
  countDueJobs,
  countMoreUrgent,
  failJob,
  lockOwnJob,
  markJobDone,
  renewJobLeases,
  replanJob,
  retryJobLater,
  rezoneJob,
  scheduleJob,
  skipJob,
  type ClaimedJob,
} from './store.js';
import type { JobContext, JobKind, JobKinds, JobOutcome } from './types.js';

/** The setting (table `setting`) that overrides the daily cap of capped jobs per recipient. */
export const DAILY_CAP_SETTING = 'schedule.daily_cap';

export interface JobRunnerDeps {
  db: Db;
  clock: Clock;
  kinds: JobKinds;
  log: Logger;
  policy: WindowPolicy;
  /** Capped jobs per recipient per local day, unless the setting says otherwise. */
  dailyCap: number;
  /**
   * A person's own time zone, where known: the one they set, else the Feishu directory's (the bot passes a lookup
   * that may ask Feishu; by default the directory as cached). Null: the tenant's.
   */
  zoneOf?: (db: Db, openId: string) => Promise<string | null | undefined>;
  pollMs: number;
  batchSize?: number;
  waker?: Waker;
  /** Called after runs wrote notifications (the outbox dispatcher's wake). */
  onQueued?: () => void;
  /** Counts what happened (metrics). */
  observe?: (event: JobEvent) => void;
  leaseSeconds?: number;
  renewEveryMs?: number;
}

/** What the runner did with a job, for metrics. */
export type JobEvent =
  | { type: 'done'; kind: string }
  | { type: 'skipped'; kind: string; reason: string }
  | { type: 'waiting'; kind: string; why: 'window' | 'cap' }
  | { type: 'replanned'; kind: string }
  | { type: 'retry'; kind: string }
  | { type: 'failed'; kind: string };

export class JobRunner {
  readonly runnerId = `jobs-${randomUUID().slice(0, 8)}`;
  private readonly loop: LeaseLoop<ClaimedJob>;
  /** The calendar of the current pass (read once per pass, with the admins' day overrides). */
  private calendar: WorkCalendar | undefined;
  private cap = 2;
  private queued = 0;

  constructor(private readonly deps: JobRunnerDeps) {
    const leaseSeconds = deps.leaseSeconds ?? LEASE_SECONDS;
    this.loop = new LeaseLoop<ClaimedJob>({
      claim: (limit) => this.claim(limit),
      handle: (job) => this.runOne(job),
      renew: () => renewJobLeases(deps.db, this.runnerId, leaseSeconds),
      batchSize: deps.batchSize ?? 50,
      concurrency: 1,
      pollMs: deps.pollMs,
      renewEveryMs: deps.renewEveryMs ?? RENEW_EVERY_MS,
      waker: deps.waker,
      afterBatch: () => this.flushQueued(),
      onError: (what, err) => deps.log.error({ err }, `job runner: ${what} failed`),
    });
  }

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One claim and its runs; returns how many jobs were claimed. */
  runOnce(): Promise<number> {
    return this.loop.runOnce();
  }

  /** Runs passes until no job is due on the clock (the sandbox's clock moves, tests). */
  async runDue(maxPasses = 10_000): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxPasses; i++) {
      const n = await this.runOnce();
      total += n;
      if (n === 0) break;
    }
    return total;
  }

  /**
   * Runs what is due on the clock until no due job is left unsettled, those other runners hold included (or
   * `timeoutMs` passed): after it, everything due by now has been handled and its messages are in the outbox.
   */
  async runUntilIdle(timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let total = 0;
    for (;;) {
      total += await this.runDue();
      if ((await countDueJobs(this.deps.db, this.deps.clock.now())) === 0 || Date.now() > deadline) return total;
      await sleep(50);
    }
  }

  private async claim(limit: number): Promise<ClaimedJob[]> {
    const { db, clock, policy } = this.deps;
    const now = clock.now();
    const rows = await claimJobs(db, this.runnerId, limit, now, this.deps.leaseSeconds ?? LEASE_SECONDS);
    if (rows.length > 0) {
      this.calendar = await loadCalendar(db, policy);
      this.cap = await this.readCap();
    }
    return rows;
  }

  private async readCap(): Promise<number> {
    const row = await this.deps.db.setting.findUnique({ where: { key: DAILY_CAP_SETTING } });
    const value = typeof row?.value === 'number' ? row.value : Number.NaN;
    return Number.isInteger(value) && value >= 0 ? value : this.deps.dailyCap;
  }

  private flushQueued(): void {
    if (this.queued > 0) this.deps.onQueued?.();
    this.queued = 0;
  }

  private async runOne(job: ClaimedJob): Promise<void> {
    const { db, kinds, clock } = this.deps;
    const log = this.deps.log.child({ job: job.kind, jobId: job.id });
    const now = clock.now();
    const calendar = this.calendar!;
    const kind = kinds.get(job.kind);
    if (!kind) {
      await failJob(db, job.id, this.runnerId, `no job kind ${job.kind} is registered`, now);
      log.error('job failed: unknown kind');
      this.observe({ type: 'failed', kind: job.kind });
      return;
    }
    const recipient = job.recipient ?? (kind.recipientOf ? await kind.recipientOf(db, job) : null);
    const zone = calendar.zoneFor(recipient ? await this.zoneOf(recipient) : null);
    // Before `not_after`: the end of a day in the recipient's zone may be later than in the zone planned in.
    if (job.zone && job.zone !== zone && IANAZone.isValidZone(job.zone)) {
      await this.rezone(job, zone, log);
      return;
    }
    if (job.notAfter && now > job.notAfter) {
      await this.skip(job, 'its time is over (not after ' + job.notAfter.toISOString() + ')', now);
      return;
    }
    if (kind.windowed && (await this.waitForWindow(job, calendar, zone, now))) return;
    try {
      const result = await db.$transaction(async (tx) => {
        if (!(await lockOwnJob(tx, job.id, this.runnerId))) return null;
        if (kind.capped && job.recipient) {
          const later = await this.overCap(tx, job, calendar, zone, now);
          if (later) {
            if (!(await replanJob(tx, job.id, this.runnerId, { at: later, waiting: 'cap', placed: true })))
              throw new LeaseLost();
            return { status: 'cap' as const, at: later };
          }
        }
        let written = 0;
        const ctx: JobContext = {
          now,
          zone,
          calendar,
          log,
          enqueue: async (drafts) => {
            const n = await enqueueDrafts(tx, `job:${job.key}`, null, drafts);
            written += n;
            return n;
          },
          schedule: (plan) => scheduleJob(tx, plan),
        };
        const outcome = await kind.run(tx, job, ctx);
        if (!(await this.settle(tx, job, kind, outcome, calendar, zone, now))) throw new LeaseLost();
        return { ...outcome, written };
      });
      if (!result) {
        log.info('job no longer ours (cancelled, or taken over); nothing done');
        return;
      }
      if (result.status === 'cap') {
        log.info({ until: result.at.toISOString() }, 'job over the daily cap: waits for the next working day');
        this.observe({ type: 'waiting', kind: job.kind, why: 'cap' });
        return;
      }
      this.queued += result.written;
      if (result.status === 'done') {
        log.info({ notifications: result.written }, 'job done');
        this.observe({ type: 'done', kind: job.kind });
      } else if (result.status === 'skipped') {
        log.info({ reason: result.reason }, 'job skipped');
        this.observe({ type: 'skipped', kind: job.kind, reason: result.reason });
      } else {
        log.info({ at: result.at.toISOString() }, 'job re-planned');
        this.observe({ type: 'replanned', kind: job.kind });
      }
    } catch (err) {
      if (err instanceof LeaseLost) {
        log.warn('lease lost while running; another runner owns the job now');
        return;
      }
      await this.failed(job, kind, err, now, log);
    }
  }

  /**
   * The job's local times, moved from the zone they were reckoned in to the recipient's (09:30 on Monday in
   * Shanghai becomes 09:30 on Monday in Berlin); it is then placed again like a new job.
   */
  private async rezone(job: ClaimedJob, zone: string, log: Logger): Promise<void> {
    const move = (at: Date) =>
      DateTime.fromJSDate(at, { zone: job.zone! }).setZone(zone, { keepLocalTime: true }).toJSDate();
    const at = move(job.runAt);
    const notAfter = job.notAfter ? move(job.notAfter) : null;
    if (!(await rezoneJob(this.deps.db, job.id, this.runnerId, { at, notAfter, zone }))) return;
    log.info({ from: job.zone, to: zone, at: at.toISOString() }, "job moved to its recipient's time zone");
    this.observe({ type: 'replanned', kind: job.kind });
  }

  /**
   * Moves a windowed job into its recipient's window when it is not there yet; true when it now waits.
   */
  private async waitForWindow(job: ClaimedJob, calendar: WorkCalendar, zone: string, now: Date): Promise<boolean> {
    const target = job.placed ? job.runAt : spreadSend(calendar.nextOpen(job.runAt, zone), job.key, zone);
    let at = target;
    // Due, but the window is closed now (found late, after downtime or a jump of the clock): the next opening.
    if (at <= now && !calendar.isOpen(now, zone)) at = spreadSend(calendar.nextOpen(now, zone), job.key, zone);
    if (at <= now) return false;
    if (job.notAfter && at > job.notAfter) {
      await this.skip(job, 'no send window before its time is over', now);
      return true;
    }
    const waiting = at.getTime() === job.runAt.getTime() ? null : 'window';
    if (!(await replanJob(this.deps.db, job.id, this.runnerId, { at, waiting, placed: true }))) return true;
    if (waiting) this.observe({ type: 'waiting', kind: job.kind, why: 'window' });
    return true;
  }

  /**
   * Under the daily cap: null when the job may go now; else when it may (the next working day's window). Decided
   * under a per-recipient lock, so two instances cannot both send the last one of the day.
   */
  private async overCap(
    tx: Tx,
    job: ClaimedJob,
    calendar: WorkCalendar,
    zone: string,
    now: Date,
  ): Promise<Date | null> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${'job-cap:' + job.recipient!}))`;
    const day = calendar.localDate(now, zone);
    const done = await countDoneOn(tx, job.recipient!, day);
    const ahead = done < this.cap ? await countMoreUrgent(tx, job, this.deps.kinds.capped(), now) : 0;
    if (done + ahead < this.cap) return null;
    return spreadSend(calendar.nextWorkingDayOpening(now, zone), job.key, zone);
  }

  private settle(
    tx: Tx,
    job: ClaimedJob,
    kind: JobKind,
    outcome: JobOutcome,
    calendar: WorkCalendar,
    zone: string,
    now: Date,
  ): Promise<boolean> {
    switch (outcome.status) {
      case 'done':
        return markJobDone(tx, job.id, this.runnerId, {
          now,
          doneOn: calendar.localDate(now, zone),
          capped: Boolean(kind.capped),
        });
      case 'skipped':
        return skipJob(tx, job.id, this.runnerId, outcome.reason, now);
      case 'replan':
        return replanJob(tx, job.id, this.runnerId, {
          at: outcome.at,
          waiting: null,
          placed: false,
          reason: outcome.reason,
        });
    }
  }

  private async skip(job: ClaimedJob, reason: string, now: Date): Promise<void> {
    if (await skipJob(this.deps.db, job.id, this.runnerId, reason, now)) {
      this.deps.log.info({ job: job.kind, jobId: job.id, reason }, 'job skipped');
      this.observe({ type: 'skipped', kind: job.kind, reason });
    }
  }

  private async failed(job: ClaimedJob, kind: JobKind, err: unknown, now: Date, log: Logger): Promise<void> {
    const reason = err instanceof Error ? err.message : String(err);
    if (job.attempts >= (kind.maxAttempts ?? 5)) {
      await failJob(this.deps.db, job.id, this.runnerId, reason, now);
      log.error({ err, attempts: job.attempts }, 'job failed for good');
      this.observe({ type: 'failed', kind: job.kind });
      return;
    }
    const delay = backoffDelay(job.attempts, { baseMs: 1000, capMs: 10 * 60_000 });
    await retryJobLater(this.deps.db, job.id, this.runnerId, delay, reason);
    log.warn({ err, attempts: job.attempts, retryInMs: delay }, 'job failed; will retry');
    this.observe({ type: 'retry', kind: job.kind });
  }

  private async zoneOf(openId: string): Promise<string | null> {
    const lookup = this.deps.zoneOf ?? ((db: Db, id: string) => personalZone(db, id));
    return (await lookup(this.deps.db, openId)) ?? null;
  }

  private observe(event: JobEvent): void {
    this.deps.observe?.(event);
  }
}

class LeaseLost extends Error {
  constructor() {
    super('lease lost on a job');
  }
}
