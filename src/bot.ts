import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configWarnings, type Config } from './config.js';
import type { Logger } from './logger.js';
import { openDatabase, type Database } from './db/index.js';
import { FeishuLongConnection } from './receivers/feishu-ws.js';
import { Inbox } from './inbox/inbox.js';
import { InboxWorker } from './inbox/worker.js';
import { defaultHandlers, type HandlerRegistry } from './handlers/registry.js';
import { createFeishuClient } from './feishu/client.js';
import { FeishuMessageSender } from './feishu/sender.js';
import { MentionCheckingSender } from './feishu/confirmed-mentions.js';
import { OutboxDispatcher } from './outbox/dispatcher.js';
import { createSendLimiter } from './outbox/shared-rate-limiter.js';
import { createApp, type AppDeps } from './app.js';
import { createServices, type Services } from './services/index.js';
import { WaitingResolver } from './identity/waiting.js';
import { CardActions } from './actions/router.js';
import { reportFailures } from './outbox/failures.js';
import { fetchBotOpenId, subscribeTicketEvents } from './feishu/startup.js';
import { releaseAllEvents } from './inbox/store.js';
import { releaseAllNotifications } from './outbox/store.js';
import { Waker } from './util/sleep.js';
import { BotMetrics } from './metrics/metrics.js';
import { countFailedForGood, countJobs, instrumentSender, observeInbox, observeLimiter } from './metrics/instrument.js';
import { almBudgetReader } from './metrics/sources.js';
import { systemClock, type Clock } from './domain/clock.js';
import { JobRunner } from './jobs/runner.js';
import { defaultJobKinds } from './job-kinds.js';
import { PING_DUTY_KIND, TELL_LEADS_KIND } from './jobs/helpdesk-escalation.js';
import type { JobKinds } from './jobs/types.js';
import { releaseAllJobs, scheduleJob } from './jobs/store.js';
import { currentDigestPlan, DIGEST_PLAN_JOB } from './team/jobs.js';
import { windowPolicy } from './config.js';
import { personalZone } from './recipients/preferences.js';

export interface Bot {
  url: string;
  port: number;
  database: Database;
  inbox: Inbox;
  worker: InboxWorker;
  waiting: WaitingResolver;
  services: Services;
  dispatcher: OutboxDispatcher | undefined;
  /** Runs scheduled jobs when they come due on `clock`. */
  jobs: JobRunner;
  /** Business time, as every part of this bot reads it. */
  clock: Clock;
  /** This instance's Prometheus metrics (GET /metrics). */
  metrics: BotMetrics;
  /** Stops intake, finishes the work in hand, closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  log: Logger;
  /** An already-open database (tests); otherwise opened from the config. */
  database?: Database;
  handlers?: HandlerRegistry;
  /** Start the background worker and dispatcher (default true). */
  background?: boolean;
  /** Business time (default: the system clock); tests and the sandbox pass a settable one. */
  clock?: Clock;
  /** The kinds of scheduled jobs (default: the bot's own, see src/job-kinds.ts). */
  jobKinds?: (services: Services) => JobKinds;
  /** More HTTP routes served beside the webhooks (the sandbox console). */
  extraRoutes?: AppDeps['extraRoutes'];
}

/** Opens the database, starts the HTTP server, the inbox worker and the outbox dispatcher. */
export async function startBot(opts: StartOptions): Promise<Bot> {
  const { config, log } = opts;
  for (const warning of configWarnings(config)) log.warn(warning);
  const database =
    opts.database ?? (await openDatabase({ url: config.DATABASE_URL, dataDir: config.dataDir, logger: log }));
  if (database.kind === 'pglite') await releaseLeases(database, log);
  const handlers = opts.handlers ?? defaultHandlers();
  // The graph is built by passing each part what it wakes at construction. The wakers come first, so the order
  // in which the parts are built does not matter: new events wake the worker, processed events, released waiting
  // notifications and card clicks wake the dispatcher, a binding wakes the waiting resolver.
  const wakers = { inbox: new Waker(), outbox: new Waker(), waiting: new Waker(), jobs: new Waker() };
  const clock = opts.clock ?? systemClock;
  const wakeOutbox = () => wakers.outbox.wake();
  // On the embedded database every write is a round trip to its thread, and on a busy machine each one waits to be
  // scheduled: two writes in flight of up to 50 events (one running while the next one fills) carry about 20 events
  // each under a flood where 4 of 25 carried about 14, so each event costs fewer of those trips.
  const inbox = new Inbox(
    database,
    database.kind === 'postgres' ? { maxConcurrentWrites: 4, maxBatch: 500 } : { maxConcurrentWrites: 2, maxBatch: 50 },
  );
  inbox.on('accepted', () => wakers.inbox.wake());
  const metrics = new BotMetrics();
  observeInbox(inbox, metrics);
  const feishu = createFeishuClient(config, log);
  const services = createServices({
    db: database.prisma,
    config,
    log,
    feishu,
    wakeWaiting: () => wakers.waiting.wake(),
    clock,
  });
  // The embedded database is one session, so a worker transaction holds up the inserts that requests wait for,
  // and the worker's Prisma work takes the thread that answers them. During a flood (events piling up into large
  // writes) the worker waits up to 500 ms for 50 ms without one, then works for a 20 ms slice: acknowledgements
  // come first (the worker has at least a twenty-fifth of the time), and after the flood it runs at full speed. A
  // steady stream that is written a few events at a time does not hold it back.
  const pace = database.kind === 'pglite' ? () => inbox.uncrowded(50, 500) : undefined;
  const worker = new InboxWorker({
    db: database.prisma,
    handlers,
    log,
    config,
    services,
    pace,
    waker: wakers.inbox,
    onProcessed: wakeOutbox,
  });
  const waiting = new WaitingResolver({
    db: database.prisma,
    resolver: services.resolver,
    log,
    waker: wakers.waiting,
    onResolved: wakeOutbox,
    defaultTimeZone: config.DEFAULT_TIME_ZONE,
  });

  const dispatcher = feishu
    ? new OutboxDispatcher({
        db: database.prisma,
        sender: instrumentSender(
          new MentionCheckingSender(
            new FeishuMessageSender(feishu),
            async (openId) => (await services.directory.user(openId)) !== null,
          ),
          metrics,
        ),
        limiter: observeLimiter(createSendLimiter(database, config, log), metrics),
        log,
        maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
        backoff: { baseMs: config.OUTBOX_RETRY_BASE_MS, capMs: config.OUTBOX_RETRY_MAX_MS },
        pollMs: config.WORKER_POLL_MS,
        maxInFlight: Math.max(10, config.FEISHU_SEND_RATE_PER_SECOND * 2),
        onFailedForGood: countFailedForGood(metrics, reportFailures(database.prisma, config)),
        waker: wakers.outbox,
      })
    : undefined;
  const jobKinds = opts.jobKinds ? opts.jobKinds(services) : defaultJobKinds({ config, services });
  // The weekly digests plan themselves from week to week; the current week's plan is scheduled once (kept when it
  // exists, on any instance).
  if (jobKinds.get(DIGEST_PLAN_JOB)) await scheduleJob(database.prisma, currentDigestPlan(clock.now()));
  const jobs = new JobRunner({
    db: database.prisma,
    clock,
    kinds: jobKinds,
    log,
    policy: windowPolicy(config),
    dailyCap: config.REMINDER_DAILY_CAP,
    zoneOf: (db, openId) => personalZone(db, openId, (id) => services.directory.timeZoneOf(id)),
    pollMs: config.SCHEDULER_POLL_MS,
    waker: wakers.jobs,
    onQueued: wakeOutbox,
    observe: (e) => {
      countJobs(metrics)(e);
      if (e.type !== 'done') return;
      if (e.kind === PING_DUTY_KIND) metrics.ticketEscalations.inc({ step: 'duty' });
      if (e.kind === TELL_LEADS_KIND) metrics.ticketEscalations.inc({ step: 'leads' });
    },
  });
  const cardActions = new CardActions({
    db: database.prisma,
    config,
    log,
    services,
    onQueued: wakeOutbox,
    wakeJobs: () => wakers.jobs.wake(),
    onClaimed: (seconds) => metrics.ticketClaimSeconds.observe(seconds),
  });

  let accepting = true;
  let longConnection: FeishuLongConnection | undefined;
  const app = createApp({
    config,
    inbox,
    handlers,
    log,
    database,
    cardActions,
    accepting: () => accepting,
    longConnection: () => longConnection?.state(),
    metrics,
    extraRoutes: opts.extraRoutes,
  });
  const almBudgetLeft = almBudgetReader(database.prisma, config);
  metrics.attach({
    db: database.prisma,
    ...(almBudgetLeft && { almBudgetLeft }),
    longConnection: () => longConnection?.state(),
    now: () => clock.now(),
  });
  const server: Server = createServer(app.callback());
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  if (feishu && opts.background !== false) {
    // Best effort, in the background: the bot works without either (and says so in the log).
    void fetchBotOpenId(feishu, log).then((openId) => {
      if (openId) services.bot.openId = openId;
    });
    void subscribeTicketEvents(feishu, config, log);
  }
  if (config.FEISHU_LONG_CONNECTION) {
    longConnection = FeishuLongConnection.start({
      config,
      inbox,
      handlers,
      log,
      cardActions,
      accepting: () => accepting,
    });
  }
  if (opts.background !== false) {
    worker.start();
    dispatcher?.start();
    waiting.start();
    jobs.start();
  }

  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    database,
    inbox,
    worker,
    waiting,
    services,
    dispatcher,
    jobs,
    clock,
    metrics,
    stop() {
      stopping ??= (async () => {
        accepting = false;
        longConnection?.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await waiting.stop();
        await worker.stop();
        await jobs.stop();
        await dispatcher?.stop();
        await database.close();
      })();
      return stopping;
    },
  };
}

/**
 * The embedded database belongs to this one process, so work still marked as claimed at start was claimed by a
 * previous run that died (SIGKILL, power loss): it goes back to pending at once instead of waiting for its lease.
 * On PostgreSQL other live instances may hold leases, so there they expire on their own.
 */
async function releaseLeases(database: Database, log: Logger): Promise<void> {
  const events = await releaseAllEvents(database.prisma);
  const notifications = await releaseAllNotifications(database.prisma);
  const jobs = await releaseAllJobs(database.prisma);
  if (events || notifications || jobs) {
    log.warn({ events, notifications, jobs }, 'resuming work interrupted by the previous run');
  }
}
