/**
 * Where the counters are fed from, without the parts they observe knowing: the inbox's accept, the message sender,
 * the send rate limiter, the failed-for-good hook and a Koa middleware for refused webhook requests.
 */
import type { JobEvent } from '../jobs/runner.js';
import type { Context, Next } from 'koa';
import type { MessageSender, OutgoingMessage } from '../feishu/sender.js';
import type { FeishuFailure } from '../feishu/errors.js';
import type { SendLimiter } from '../outbox/rate-limiter.js';
import type { FailedForGood } from '../outbox/dispatcher.js';
import type { BotMetrics } from './metrics.js';

/** What of the inbox is observed (typed by shape, so metrics stays below the inbox, which runs the handlers). */
interface Accepting<E extends { source: string }, R extends { duplicate: boolean }> {
  accept(event: E): Promise<R>;
}

/** Counts each event handed to the inbox, and whether it was stored or a duplicate. */
export function observeInbox<E extends { source: string }, R extends { duplicate: boolean }>(
  inbox: Accepting<E, R>,
  metrics: BotMetrics,
): void {
  const accept = inbox.accept.bind(inbox);
  inbox.accept = async (event) => {
    metrics.received.inc({ source: event.source });
    const result = await accept(event);
    (result.duplicate ? metrics.duplicates : metrics.stored).inc({ source: event.source });
    return result;
  };
}

/** Feishu's rate-limit answers: the gateway's frequency limit, the message limits, and HTTP 429. */
const RATE_LIMIT_CODES = new Set([99991400, 230020, 11232, 11233]);

function isRateLimit(failure: FeishuFailure): boolean {
  return failure.status === 429 || (failure.code !== undefined && RATE_LIMIT_CODES.has(failure.code));
}

/** The sender, timed and counted per result. */
export function instrumentSender(sender: MessageSender, metrics: BotMetrics): MessageSender {
  const observe = async <R extends { ok: true } | { ok: false; failure: FeishuFailure }>(
    operation: string,
    call: () => Promise<R>,
  ): Promise<R> => {
    const end = metrics.sendSeconds.startTimer({ operation });
    const result = await call();
    end();
    if (result.ok) {
      metrics.sends.inc({ operation, result: 'sent', code: '0' });
    } else {
      const f = result.failure;
      const code = f.code !== undefined ? String(f.code) : f.status !== undefined ? `http_${f.status}` : 'network';
      metrics.sends.inc({ operation, result: f.retryable ? 'retried' : 'failed', code });
      if (isRateLimit(f)) metrics.rateLimited.inc({ by: 'feishu' });
    }
    return result;
  };
  const patch = sender.patch?.bind(sender);
  const urgent = sender.urgent?.bind(sender);
  return {
    send: (m: OutgoingMessage) => observe(m.replyTo ? 'reply' : 'send', () => sender.send(m)),
    ...(patch && { patch: (messageId: string, content: string) => observe('patch', () => patch(messageId, content)) }),
    ...(urgent && {
      urgent: (messageId: string, openIds: string[]) => observe('urgent', () => urgent(messageId, openIds)),
    }),
  };
}

/** Counts each time the bot's own limiter makes a send wait. */
/**
 * Counts the sends that had to wait for a send slot (the app's or the recipient's limit, shared by every instance
 * on PostgreSQL). Taking a free slot costs at most a database round trip, so a wait over 10 ms means the limit held
 * the send back.
 */
export function observeLimiter(limiter: SendLimiter, metrics: BotMetrics): SendLimiter {
  return {
    async acquire(recipientId, signal) {
      const started = performance.now();
      const release = await limiter.acquire(recipientId, signal);
      if (performance.now() - started > 10) metrics.rateLimited.inc({ by: 'local' });
      return release;
    },
  };
}

export function countFailedForGood(metrics: BotMetrics, next?: FailedForGood): FailedForGood {
  return async (row) => {
    metrics.failedForGood.inc();
    await next?.(row);
  };
}

/** The source each webhook path receives from. */
const WEBHOOK_SOURCES: Record<string, string> = {
  '/webhook/event': 'feishu',
  '/webhook/card': 'feishu_card',
  '/webhook/alm': 'alm',
  '/webhook/qingsuyun': 'qingsuyun',
};

/**
 * Counts webhook requests answered with an error status, by source and reason. It runs outside the error
 * middleware, so it sees the final status and the JSON error code.
 */
export function countRefusals(metrics: BotMetrics) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } finally {
      const source = WEBHOOK_SOURCES[ctx.path];
      if (source && ctx.status >= 400) {
        const body = ctx.body as { error?: unknown } | undefined;
        const reason = typeof body?.error === 'string' ? body.error : `http_${ctx.status}`;
        metrics.refused.inc({ source, reason });
      }
    }
  };
}

/** Counts what the job runner does with each job (see JobEvent). */
export function countJobs(metrics: BotMetrics): (event: JobEvent) => void {
  return (event) => {
    const outcome = event.type === 'waiting' ? `waiting_${event.why}` : event.type;
    metrics.jobs.inc({ kind: event.kind, outcome });
  };
}
