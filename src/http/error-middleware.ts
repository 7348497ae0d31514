import type { Context, Next } from 'koa';
import type { Logger } from '../logger.js';
import { HttpError } from './errors.js';
import { clientGone } from './client-gone.js';
import { lingerAfterRefusal, type LingerBounds } from './linger.js';

/**
 * Maps every error to an HTTP status and a JSON body that says what was wrong. A refusal that leaves part of the
 * body unread closes the connection after the answer: the unread rest (say of a chunked body over the limit) would
 * otherwise be taken for the next request, and that request would never be answered. The close lingers (the rest
 * is read and discarded, within `linger`), so that the client reads the answer rather than a reset.
 */
export function errorMiddleware(logger: Logger, linger: LingerBounds) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (err) {
      if (!ctx.req.complete) {
        ctx.set('Connection', 'close');
        lingerAfterRefusal(ctx.req, ctx.res, linger);
      }
      if (!(err instanceof HttpError) && clientGone(err, ctx)) {
        logger.debug({ path: ctx.path }, 'client went away before the request was read');
        ctx.status = 400;
        ctx.body = { error: 'request_aborted', message: 'The request ended before its body was complete.' };
        return;
      }
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
