/**
 * POST /webhook/alm: Adobe Learning Manager webhooks. HTTP Basic authentication with ALM_WEBHOOK_USER /
 * ALM_WEBHOOK_PASSWORD; each event of the batch is stored on its own, unique on its eventId, before the
 * 202 Accepted. ALM waits 5 s for the answer and holds the account's next events until then, so nothing else
 * happens in the request.
 */
import type { Context } from 'koa';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Inbox } from '../inbox/inbox.js';
import type { HandlerRegistry } from '../handlers/registry.js';
import { readJson } from '../http/read-json.js';
import { validBody } from '../http/valid-body.js';
import { verifyBasicAuth } from '../verify/basic-auth.js';
import { refusalError, stored } from './refusals.js';

/** ALM batches can be large; they are still read whole before anything is stored. */
const MAX_ALM_BODY_BYTES = 16 * 1024 * 1024;

const batchSchema = z.object({
  accountId: z.union([z.number(), z.string()]).optional(),
  events: z.array(
    z
      .object({
        eventId: z.string().min(1).max(200),
        eventName: z.string().min(1).max(200),
        timestamp: z.union([z.string(), z.number()]).optional(),
        data: z.record(z.string(), z.unknown()).optional(),
      })
      .passthrough(),
  ),
});

export interface AlmReceiverDeps {
  config: Pick<Config, 'ALM_WEBHOOK_USER' | 'ALM_WEBHOOK_PASSWORD'>;
  inbox: Inbox;
  handlers: HandlerRegistry;
  log: Logger;
}

/** Checks an `Authorization: Basic …` header against the configured pair, in constant time. Pure. */
export function almReceiver(deps: AlmReceiverDeps) {
  const { ALM_WEBHOOK_USER: user, ALM_WEBHOOK_PASSWORD: password } = deps.config;
  return async (ctx: Context) => {
    const auth = verifyBasicAuth(ctx.get('authorization') || undefined, user, password);
    if (!auth.ok) {
      if (auth.code === 'not_configured')
        deps.log.warn('refused an ALM webhook: ALM_WEBHOOK_USER / ALM_WEBHOOK_PASSWORD are not configured');
      else ctx.set('WWW-Authenticate', 'Basic realm="alm-webhook"');
      throw refusalError(auth);
    }
    const { body } = await readJson(ctx, MAX_ALM_BODY_BYTES);
    const { accountId, events } = validBody(batchSchema, body, 'Not an ALM webhook batch', 'not_an_alm_batch');
    const results = await stored(
      deps.inbox.acceptMany(
        events.map((e) => ({
          source: 'alm' as const,
          externalId: e.eventId,
          eventType: e.eventName,
          payload: { ...e, ...(accountId !== undefined ? { accountId } : {}) },
          status: deps.handlers.has('alm', e.eventName) ? ('pending' as const) : ('ignored' as const),
        })),
      ),
    );
    const duplicates = results.filter((r) => r.duplicate).length;
    deps.log.debug({ source: 'alm', events: events.length, duplicates }, 'ALM batch accepted');
    ctx.status = 202;
    ctx.body = { accepted: events.length - duplicates, duplicates };
  };
}
