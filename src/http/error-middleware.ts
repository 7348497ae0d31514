import type { Context, Next } from 'koa';
import type { Logger } from '../logger.js';
import { HttpError } from './errors.js';

/** Maps every error to an HTTP status and a JSON body that says what was wrong. */
export function errorMiddleware(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (err) {
      if (err instanceof HttpError) {
        ctx.status = err.status;
        ctx.body = { error: err.code, message: err.message };
        logger.info({ path: ctx.path, status: err.status, error: err.code }, 'request refused');
        return;
      }
      const status = (err as { status?: number; expose?: boolean }).status;
      if (typeof status === 'number' && status >= 400 && status < 500 && (err as { expose?: boolean }).expose) {
        ctx.status = status;
        ctx.body = { error: 'bad_request', message: (err as Error).message };
        return;
      }
      logger.error({ err, path: ctx.path }, 'request failed');
      ctx.status = 500;
      ctx.body = { error: 'internal', message: 'Internal error; the request was not accepted. Retry later.' };
    }
  };
}
