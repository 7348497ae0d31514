/** GET /metrics (Prometheus text format, optionally behind a bearer token) and GET /readyz. */
import type Router from '@koa/router';
import { unauthorized } from '../http/errors.js';
import { safeEqual } from '../verify/equal.js';
import type { BotMetrics } from './metrics.js';
import { checkReadiness, type ReadinessDeps } from './readiness.js';

export interface OperationsConfig {
  /** When set, /metrics needs `Authorization: Bearer <token>`. */
  METRICS_TOKEN?: string | undefined;
}

interface OperationsDeps extends ReadinessDeps {
  metrics: BotMetrics;
  config: OperationsConfig;
}

/** True when the header carries the token (constant time). Pure. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return Boolean(m) && safeEqual(m![1]!, token);
}

export function mountOperations(router: Router, deps: OperationsDeps): void {
  router.get('/metrics', async (ctx) => {
    const token = deps.config.METRICS_TOKEN;
    if (token && !bearerMatches(ctx.get('authorization') || undefined, token)) {
      ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
      throw unauthorized('A bearer token is needed for /metrics (METRICS_TOKEN).', 'bad_token');
    }
    ctx.body = await deps.metrics.render();
    ctx.type = deps.metrics.contentType;
  });

  router.get('/readyz', async (ctx) => {
    const readiness = await checkReadiness(deps);
    ctx.status = readiness.ready ? 200 : 503;
    ctx.body = readiness.ready
      ? { status: 'ready' }
      : { status: 'not_ready', error: readiness.reason, message: readiness.message };
  });
}
