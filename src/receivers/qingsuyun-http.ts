/**
 * POST /webhook/qingsuyun: Qingsuyun (轻速云) callbacks. The body's `secretKey` must equal QINGSUYUN_SECRET_KEY
 * (constant time). A valid callback is stored, unique on its `uuid`, and answered with exactly `success`, the
 * only answer Qingsuyun counts as delivered. The secret key is not stored.
 */
import type { Context } from 'koa';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Inbox } from '../inbox/inbox.js';
import type { HandlerRegistry } from '../handlers/registry.js';
import { readJson } from '../http/read-json.js';
import { validBody } from '../http/valid-body.js';
import { verifySecretKey } from '../verify/basic-auth.js';
import { orRefuse, refusalError, stored } from './refusals.js';

const callbackSchema = z
  .object({
    uuid: z.string().min(1).max(200),
    type: z.string().min(1).max(100),
    ts: z.string().max(100).optional(),
    eventBody: z.record(z.string(), z.unknown()),
  })
  .passthrough();

export interface QingsuyunReceiverDeps {
  config: Pick<Config, 'QINGSUYUN_SECRET_KEY'>;
  inbox: Inbox;
  handlers: HandlerRegistry;
  log: Logger;
}

export function qingsuyunReceiver(deps: QingsuyunReceiverDeps) {
  const secret = deps.config.QINGSUYUN_SECRET_KEY;
  return async (ctx: Context) => {
    if (!secret) {
      deps.log.warn('refused a Qingsuyun callback: QINGSUYUN_SECRET_KEY is not configured');
      orRefuse(verifySecretKey(undefined, secret)); // refused: not configured (the body is not even read)
    }
    const { body } = await readJson(ctx);
    const given = typeof body === 'object' && body !== null ? (body as { secretKey?: unknown }).secretKey : undefined;
    const check = verifySecretKey(given, secret);
    if (!check.ok) throw refusalError(check);
    const callback = validBody(callbackSchema, body, 'Not a Qingsuyun callback', 'not_a_callback');
    const { secretKey: _secret, ...payload } = callback as typeof callback & { secretKey?: unknown };
    const result = await stored(
      deps.inbox.accept({
        source: 'qingsuyun',
        externalId: payload.uuid,
        eventType: payload.type,
        payload,
        status: deps.handlers.has('qingsuyun', payload.type) ? 'pending' : 'ignored',
      }),
    );
    deps.log.debug(
      { source: 'qingsuyun', type: payload.type, duplicate: result.duplicate },
      'Qingsuyun callback accepted',
    );
    ctx.status = 200;
    ctx.type = 'text/plain';
    ctx.body = 'success';
  };
}
