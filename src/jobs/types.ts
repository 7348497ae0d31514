/** What a kind of scheduled job is and does: the registry the runner reads (see src/jobs/runner.ts). */
import type { Db } from '../db/index.js';
import type { Tx } from '../db/tx.js';
import type { NotificationDraft } from '../domain/draft.js';
import type { WorkCalendar } from '../domain/calendar.js';
import type { Logger } from '../logger.js';
import type { ClaimedJob, JobPlan, JsonObject } from './store.js';

/** How a run ended: its effects are written with the job's new status in one transaction. */
export type JobOutcome =
  | { status: 'done' }
  /** Nothing to send any more (the course was completed, the learner muted it): the reason is kept. */
  | { status: 'skipped'; reason: string }
  /** Not yet: run again at `at` (business time), e.g. "remind me tomorrow". */
  | { status: 'replan'; at: Date; reason?: string };

/** What a run is given besides its transaction. */
export interface JobContext {
  /** The clock's now when the run started. */
  now: Date;
  /** The recipient's time zone (their own where known, else the tenant's). */
  zone: string;
  calendar: WorkCalendar;
  log: Logger;
  /**
   * Writes drafts into the outbox in the run's transaction, scoped by the job's key: a run repeated after a crash
   * writes the same rows (and Feishu deduplicates the send), never a second message.
   */
  enqueue(drafts: NotificationDraft[]): Promise<number>;
  /** Schedules (or re-plans) another job in the run's transaction: the next occurrence of a recurring job. */
  schedule(plan: JobPlan): Promise<'created' | 'replanned' | 'kept'>;
}

export interface JobKind<P = JsonObject> {
  kind: string;
  /** Waits for the recipient's send window (working hours on working days) and is spread over its opening. */
  windowed: boolean;
  /** Counts against the recipient's daily cap of reminders and nudges; the rest wait for the next working day. */
  capped?: 'learner-daily';
  /**
   * Who the send window belongs to when the job names no recipient (an escalation goes to whoever manages the
   * learner when it runs): read before the run, outside its transaction, from what the bot has stored.
   */
  recipientOf?(db: Db, job: ClaimedJob<P>): Promise<string | null>;
  /** Attempts before a run that keeps throwing is failed for good (default 5). */
  maxAttempts?: number;
  /**
   * Does the job: re-checks its reason now (a reminder for a course completed a second ago is skipped) and writes
   * its notifications through `ctx.enqueue`, in `tx`, which also settles the job.
   */
  run(tx: Tx, job: ClaimedJob<P>, ctx: JobContext): Promise<JobOutcome>;
}

/** The kinds of jobs the bot runs, by name. */
export class JobKinds {
  private readonly byName = new Map<string, JobKind>();

  constructor(kinds: JobKind<never>[] = []) {
    for (const k of kinds) this.add(k);
  }

  add<P>(kind: JobKind<P>): this {
    if (this.byName.has(kind.kind)) throw new Error(`job kind ${kind.kind} is registered twice`);
    this.byName.set(kind.kind, kind as unknown as JobKind);
    return this;
  }

  get(kind: string): JobKind | undefined {
    return this.byName.get(kind);
  }

  /** The kinds that count against the daily cap. */
  capped(): string[] {
    return [...this.byName.values()].filter((k) => k.capped).map((k) => k.kind);
  }
}
