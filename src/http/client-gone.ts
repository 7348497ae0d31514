/**
 * Requests whose client went away (disconnected mid-body, reset the connection, or sent bytes HTTP cannot parse
 * before hanging up) are nobody's failure: there is no one to answer. They are noted at debug level, once, and never
 * reach Koa's default error printer, which writes stack traces to stderr.
 */
import type { Context } from 'koa';
import type { Logger } from '../logger.js';

const GONE_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_DESTROYED',
]);

/**
 * True when the error says the client is gone, or the request's socket closed before its body was complete. (A
 * request read to its end is destroyed by Node itself, so `req.destroyed` alone says nothing.)
 */
export function clientGone(err: unknown, ctx?: Pick<Context, 'req'>): boolean {
  const e = err as { code?: unknown; type?: unknown; message?: unknown } | undefined;
  if (e && typeof e.code === 'string' && (GONE_CODES.has(e.code) || e.code.startsWith('HPE_'))) return true;
  if (e && (e.type === 'request.aborted' || e.message === 'aborted')) return true;
  const req = ctx?.req;
  return Boolean(req && !req.complete && (req.destroyed || req.socket?.destroyed));
}

/**
 * Koa's `app.on('error')`: errors that surface after the error middleware (while the answer is written, or from
 * the connection). A gone client is left to the one debug line the error middleware wrote, if any; anything else is
 * one JSON error line. Installing a listener replaces Koa's default printer.
 */
export function appErrorListener(logger: Logger) {
  return (err: unknown, ctx?: Context) => {
    if (clientGone(err, ctx)) return;
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status < 500) return;
    logger.error({ err, path: ctx?.path }, 'request failed while answering');
  };
}
