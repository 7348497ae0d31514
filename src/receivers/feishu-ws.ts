/**
 * Feishu's long connection (the SDK's WSClient): the same events as /webhook/event, pushed over a WebSocket that
 * the bot opens itself, so it needs no public URL. The SDK does the endpoint discovery, pings, reconnects and the
 * joining of fragments; each event then goes through the same intake as the webhook, and is stored (unique on its
 * event id) before the SDK acknowledges it. Feishu authenticates the connection with the app secret, so events
 * arrive unsigned; a body that is encrypted anyway is decrypted like the webhook's.
 *
 * The acknowledgement carries the outcome: an event that could not be stored (or arrives while the bot stops) is
 * answered 500, and Feishu delivers it again; a card callback's toast and card go back in the acknowledgement. The
 * SDK has no answer for a refusal: one nested deeper than the webhook accepts is logged, not stored, and answered
 * 200 without data, so that it is not delivered again.
 */
import * as lark from '@larksuiteoapi/node-sdk';
import type { Config } from '../config.js';
import { decodeFeishuBody } from '../verify/feishu-request.js';
import { depthRefusal } from '../verify/result.js';
import { sdkLogger } from '../feishu/client.js';
import { intakeFeishuEvent, type FeishuIntakeDeps } from './feishu-intake.js';

export interface LongConnectionDeps extends FeishuIntakeDeps {
  config: Pick<Config, 'FEISHU_APP_ID' | 'FEISHU_APP_SECRET' | 'FEISHU_DOMAIN' | 'FEISHU_ENCRYPT_KEY'>;
  /** False once shutdown has begun: events are then refused, and Feishu delivers them again later. */
  accepting: () => boolean;
}

/** The SDK ignores an app id of another shape without a word, so it is checked here. */
const APP_ID = /^cli_[0-9a-fA-F]{16}$/;

export type LongConnectionState = ReturnType<lark.WSClient['getConnectionStatus']>['state'];

/** What one pushed event is answered with: the value the SDK puts in its acknowledgement (none for a plain event). */
export async function answerPushedEvent(
  deps: LongConnectionDeps,
  data: unknown,
): Promise<Record<string, unknown> | undefined> {
  if (!deps.accepting()) throw new Error('the bot is stopping; Feishu will deliver the event again');
  // The SDK parsed the pushed text itself, at any depth; the webhook refuses a deeper body before parsing it, and
  // here the parsed value is measured (without recursion) before anything else reads it. Decrypted text is measured
  // by the decoding, the same as the webhook's after its signature check (the connection itself is authenticated).
  const decoded = depthRefusal(data) ?? decodeFeishuBody(data, deps.config.FEISHU_ENCRYPT_KEY);
  if (!decoded.ok) {
    deps.log.warn(
      { reason: decoded.message, code: decoded.code },
      'long connection: a pushed message is not a Feishu event',
    );
    // Too deep is final: acknowledged, so that Feishu does not deliver again what would be refused every time.
    if (decoded.code === 'payload_too_deep') return undefined;
    throw new Error(decoded.message);
  }
  if (decoded.value.kind === 'challenge') return undefined;
  const answer = await intakeFeishuEvent(deps, decoded.value);
  // The SDK acknowledges once this resolves; a click's follow-up starts on the next turn, after it.
  const { afterAnswer } = answer;
  if (afterAnswer) setImmediate(() => void afterAnswer());
  return answer.cardAction ? answer.body : undefined;
}

export class FeishuLongConnection {
  private constructor(private readonly client: lark.WSClient) {}

  /** Opens the connection in the background; undefined (and the log says why) when it cannot be opened. */
  static start(deps: LongConnectionDeps): FeishuLongConnection | undefined {
    const { FEISHU_APP_ID: appId, FEISHU_APP_SECRET: appSecret, FEISHU_DOMAIN: domain } = deps.config;
    const log = deps.log.child({ component: 'long-connection' });
    if (!appId || !appSecret) {
      log.error('FEISHU_LONG_CONNECTION is on but FEISHU_APP_ID / FEISHU_APP_SECRET are not set: no long connection');
      return undefined;
    }
    if (!APP_ID.test(appId)) {
      log.error(
        { appId },
        'FEISHU_APP_ID does not look like cli_ and 16 hex digits: the SDK would not open the long connection',
      );
      return undefined;
    }
    const client = new lark.WSClient({
      appId,
      appSecret,
      domain,
      logger: sdkLogger(log),
      loggerLevel: lark.LoggerLevel.warn,
      autoReconnect: true,
      onReady: () => log.info({ domain }, 'long connection to Feishu open: events arrive over it'),
      onReconnecting: () => log.warn('long connection lost; reconnecting'),
      onReconnected: () => log.info('long connection open again'),
      onError: (err: Error) =>
        log.error(
          { reason: err.message },
          'long connection gave up; the webhook still works if Feishu is set to use it',
        ),
    });
    // The SDK only calls `invoke`, with the joined JSON body, and awaits it before it acknowledges.
    const dispatcher = { invoke: (data: unknown) => answerPushedEvent({ ...deps, log }, data) };
    client.start({ eventDispatcher: dispatcher as unknown as lark.EventDispatcher });
    return new FeishuLongConnection(client);
  }

  state(): LongConnectionState {
    return this.client.getConnectionStatus().state;
  }

  close(): void {
    this.client.close();
  }
}
