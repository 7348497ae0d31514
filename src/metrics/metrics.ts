/**
 * The bot's Prometheus metrics. Each bot instance has a registry of its own (never prom-client's global one), so
 * several bots in one process keep separate counts. Counters move as things happen; the queue depths, the ALM API
 * budget and the long connection's state are read when /metrics is scraped.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../db/index.js';
import { readCancelledJobs, type CancelledJobs } from './cancelled.js';
import { readQueueDepths, type QueueDepths } from './depths.js';

interface MetricsSources {
  db: Db;
  /** Calls left in the ALM API budget's current window, when the ALM API is configured. */
  almBudgetLeft?: () => Promise<number>;
  /** The Feishu long connection's state, when it is configured. */
  longConnection?: () => string | undefined;
  /** Business time: which scheduled jobs are due. */
  now?: () => Date;
}

/** The states the SDK's long connection reports; each gets a series (1 for the current one, else 0). */
const LONG_CONNECTION_STATES = ['idle', 'connecting', 'connected', 'reconnecting', 'failed'];

export class BotMetrics {
  readonly registry = new Registry();
  readonly received: Counter<'source'>;
  readonly stored: Counter<'source'>;
  readonly duplicates: Counter<'source'>;
  readonly refused: Counter<'source' | 'reason'>;
  readonly sends: Counter<'operation' | 'result' | 'code'>;
  readonly failedForGood: Counter;
  readonly sendSeconds: Histogram<'operation'>;
  readonly rateLimited: Counter<'by'>;
  readonly jobs: Counter<'kind' | 'outcome'>;
  readonly ticketClaimSeconds: Histogram;
  readonly ticketEscalations: Counter<'step'>;
  private sources: MetricsSources | undefined;
  /** What this scrape read from the database, before the registry renders. */
  private scrape: { depths?: QueueDepths; cancelled?: CancelledJobs[]; almBudgetLeft?: number } = {};

  constructor() {
    const registers = [this.registry];
    this.received = new Counter({
      name: 'bot_events_received_total',
      help: 'Events that passed verification and were handed to the inbox, per source (each event of a batch counts).',
      labelNames: ['source'],
      registers,
    });
    this.stored = new Counter({
      name: 'bot_events_stored_total',
      help: 'Events stored as new, per source.',
      labelNames: ['source'],
      registers,
    });
    this.duplicates = new Counter({
      name: 'bot_events_duplicate_total',
      help: 'Events already stored (the same source event id), per source; acknowledged, nothing else done.',
      labelNames: ['source'],
      registers,
    });
    this.refused = new Counter({
      name: 'bot_requests_refused_total',
      help: 'Webhook requests answered with an error status, per source and reason (the JSON error code).',
      labelNames: ['source', 'reason'],
      registers,
    });
    this.sends = new Counter({
      name: 'bot_sends_total',
      help:
        'Feishu send and card-update calls per result: sent; retried (a retryable error, the notification goes back ' +
        'to the queue unless its attempts are spent); failed (a permanent error). code is the Feishu code or ' +
        'HTTP status.',
      labelNames: ['operation', 'result', 'code'],
      registers,
    });
    this.failedForGood = new Counter({
      name: 'bot_notifications_failed_total',
      help: 'Notifications marked failed for good (a permanent error, or every attempt used up).',
      registers,
    });
    this.sendSeconds = new Histogram({
      name: 'bot_send_duration_seconds',
      help: 'Time of each Feishu send or card-update call, answered or not.',
      labelNames: ['operation'],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'bot_rate_limited_total',
      help:
        'Sends held back by a rate limit: by=feishu when Feishu answered with a rate-limit error, ' +
        "by=local when the bot's own limiter made a send wait.",
      labelNames: ['by'],
      registers,
    });
    this.jobs = new Counter({
      name: 'bot_jobs_total',
      help:
        'What the job runner did with scheduled jobs, per kind and outcome: done, skipped, replanned, retry, ' +
        'failed, waiting_window (moved to the next send window), waiting_cap (over the daily cap).',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.ticketClaimSeconds = new Histogram({
      name: 'bot_ticket_time_to_claim_seconds',
      help: 'Time from a helpdesk ticket reaching the bot to its claim (wall time, nights and weekends included).',
      buckets: [60, 300, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400, 259_200],
      registers,
    });
    this.ticketEscalations = new Counter({
      name: 'bot_ticket_escalations_total',
      help: 'Escalation steps taken for unclaimed tickets: step=duty (on-duty people pinged), step=leads (leads told).',
      labelNames: ['step'],
      registers,
    });
    // collect() runs with the gauge as `this`; these read the scrape's snapshot and the sources of this instance.
    const snapshot = () => this.scrape;
    const longConnection = () => this.sources?.longConnection?.();
    new Gauge({
      name: 'bot_queue_depth',
      help:
        'Inbox events, outbox notifications and due scheduled jobs not yet done, per queue and status ' +
        '(read from the database at scrape time; jobs due later are not counted).',
      labelNames: ['queue', 'status'],
      registers,
      collect() {
        this.reset();
        for (const [queue, rows] of Object.entries(snapshot().depths ?? {}))
          for (const r of rows.byStatus) this.set({ queue, status: r.status }, r.count);
      },
    });
    new Gauge({
      name: 'bot_queue_oldest_due_seconds',
      help: 'Age of the oldest item due for work (pending and its time has come), per queue; 0 when none is due.',
      labelNames: ['queue'],
      registers,
      collect() {
        this.reset();
        for (const [queue, rows] of Object.entries(snapshot().depths ?? {})) this.set({ queue }, rows.oldestDueSeconds);
      },
    });
    new Gauge({
      name: 'bot_jobs_cancelled',
      help:
        'Scheduled jobs cancelled since the database was created, per reason (completed, unenrolled, stopped by ' +
        'the learner, ticket claimed, replanned...), by every instance; read from the database at scrape time.',
      labelNames: ['reason'],
      registers,
      collect() {
        this.reset();
        for (const r of snapshot().cancelled ?? []) this.set({ reason: r.reason }, r.count);
      },
    });
    new Gauge({
      name: 'bot_database_up',
      help: '1 when the database answered the depth queries of this scrape, else 0.',
      registers,
      collect() {
        this.set(snapshot().depths ? 1 : 0);
      },
    });
    new Gauge({
      name: 'bot_api_budget_left',
      help:
        "Calls left in an API budget's current window (shared by every instance); " +
        'absent when that API is not configured.',
      labelNames: ['api'],
      registers,
      collect() {
        this.reset();
        const left = snapshot().almBudgetLeft;
        if (left !== undefined) this.set({ api: 'alm' }, left);
      },
    });
    new Gauge({
      name: 'bot_long_connection_state',
      help: "The Feishu long connection's state: 1 for the current state, 0 for the others; absent when it is off.",
      labelNames: ['state'],
      registers,
      collect() {
        this.reset();
        const current = longConnection();
        if (current === undefined) return;
        for (const state of new Set([...LONG_CONNECTION_STATES, current]))
          this.set({ state }, state === current ? 1 : 0);
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * The text exposition: reads the queue depths (one grouped query per table), the cancelled jobs per reason and
   * the ALM budget once, then
   * renders every metric. A database that does not answer leaves the depth gauges out and bot_database_up at 0.
   */
  async render(): Promise<string> {
    const sources = this.sources;
    const [depths, cancelled, almBudgetLeft] = await Promise.all([
      sources ? readQueueDepths(sources.db, sources.now?.()).catch(() => undefined) : undefined,
      sources ? readCancelledJobs(sources.db).catch(() => undefined) : undefined,
      sources?.almBudgetLeft?.().catch(() => undefined),
    ]);
    this.scrape = {
      ...(depths && { depths }),
      ...(cancelled && { cancelled }),
      ...(almBudgetLeft !== undefined && { almBudgetLeft }),
    };
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Connects the scrape-time gauges to what they read (the bot calls it once its parts exist). */
  attach(sources: MetricsSources): void {
    this.sources = sources;
  }
}
