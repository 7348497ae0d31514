import Koa, { type Context } from 'koa';
import Router from '@koa/router';
import type { Database } from './db/index.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { errorMiddleware } from './http/error-middleware.js';
import { feishuEventReceiver, type FeishuReceiverDeps } from './receivers/feishu-http.js';
import { almReceiver, type AlmReceiverDeps } from './receivers/alm-http.js';
import { qingsuyunReceiver, type QingsuyunReceiverDeps } from './receivers/qingsuyun-http.js';
import { serviceUnavailable } from './http/errors.js';
import { cardReceiver } from './receivers/card-http.js';
import { appErrorListener } from './http/client-gone.js';
import type { BotMetrics } from './metrics/metrics.js';
import { countRefusals } from './metrics/instrument.js';
import { mountOperations, type OperationsConfig } from './metrics/routes.js';

export interface AppDeps extends FeishuReceiverDeps, AlmReceiverDeps, QingsuyunReceiverDeps {
  config: FeishuReceiverDeps['config'] &
    AlmReceiverDeps['config'] &
    QingsuyunReceiverDeps['config'] &
    OperationsConfig &
    Pick<Config, 'HTTP_LINGER_MAX_BYTES' | 'HTTP_LINGER_MAX_MS'>;
  database: Database;
  log: Logger;
  /** False once shutdown has begun: new webhook requests get 503 so the sender retries elsewhere or later. */
  accepting: () => boolean;
  /** The Feishu long connection's state, when it is configured (shown by /healthz). */
  longConnection?: () => string | undefined;
  /** GET /metrics and /readyz, and the refusal counts. */
  metrics?: BotMetrics;
  /** More routes, tried after the webhooks (the sandbox console when the sandbox runs the bot). */
  extraRoutes?: Koa.Middleware;
}

/** The HTTP surface: webhooks and the health check. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: true });
  app.on('error', appErrorListener(deps.log));
  const router = new Router();

  router.get('/healthz', async (ctx) => {
    try {
      await deps.database.prisma.$queryRaw`SELECT 1`;
      ctx.status = deps.accepting() ? 200 : 503;
      const longConnection = deps.longConnection?.();
      ctx.body = {
        status: deps.accepting() ? 'ok' : 'stopping',
        database: deps.database.kind,
        ...(longConnection && { longConnection }),
      };
    } catch {
      ctx.status = 503;
      ctx.body = { status: 'unavailable', database: deps.database.kind, error: 'database did not answer' };
    }
  });

  if (deps.metrics)
    mountOperations(router, {
      metrics: deps.metrics,
      config: deps.config,
      db: deps.database.prisma,
      accepting: deps.accepting,
    });

  // New webhook requests get 503 once shutdown has begun, so the sender retries later.
  const whileAccepting = (receiver: (ctx: Context) => Promise<void>) => async (ctx: Context) => {
    if (!deps.accepting()) {
      ctx.set('Retry-After', '5');
      throw serviceUnavailable('The bot is shutting down; retry later.', 'stopping');
    }
    await receiver(ctx);
  };
  router.post('/webhook/event', whileAccepting(feishuEventReceiver(deps)));
  router.post('/webhook/alm', whileAccepting(almReceiver(deps)));
  router.post('/webhook/qingsuyun', whileAccepting(qingsuyunReceiver(deps)));
  router.post('/webhook/card', whileAccepting(cardReceiver(deps)));

  if (deps.metrics) app.use(countRefusals(deps.metrics));
  app.use(
    errorMiddleware(deps.log, { maxBytes: deps.config.HTTP_LINGER_MAX_BYTES, maxMs: deps.config.HTTP_LINGER_MAX_MS }),
  );
  app.use(router.routes());
  app.use(router.allowedMethods());
  if (deps.extraRoutes) app.use(deps.extraRoutes);
  app.use(async (ctx) => {
    ctx.status = 404;
    ctx.body = { error: 'not_found', message: `No route for ${ctx.method} ${ctx.path}.` };
  });
  return app;
}
