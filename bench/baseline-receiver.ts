/**
 * The baseline: the SDK's own sample receiver. EventDispatcher (which checks X-Lark-Signature because encryptKey
 * is set) behind lark.adaptKoa on a Koa app; the handler answers 'success' and stores nothing.
 *
 * Run as a child:
 *   `FEISHU_ENCRYPT_KEY=… FEISHU_VERIFICATION_TOKEN=… PORT=0 node --import tsx bench/baseline-receiver.ts`
 * prints `BENCH_READY <port>` once listening. GET /healthz answers 200; GET /stats says how many events reached
 * the handler (a request that fails the SDK's signature check never does).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import * as lark from '@larksuiteoapi/node-sdk';
import { EVENT_TYPE } from './events.js';

export function baselineApp(keys: { encryptKey: string; verificationToken: string }): {
  app: Koa;
  handled: () => number;
} {
  let handled = 0;
  const dispatcher = new lark.EventDispatcher({
    encryptKey: keys.encryptKey,
    verificationToken: keys.verificationToken,
    loggerLevel: lark.LoggerLevel.error,
  }).register({
    [EVENT_TYPE]: async () => {
      handled++;
      return 'success';
    },
  });
  const app = new Koa();
  app.use(async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.path === '/healthz') ctx.body = { status: 'ok' };
    else if (ctx.method === 'GET' && ctx.path === '/stats') ctx.body = { handled };
    else await next();
  });
  app.use(lark.adaptKoa('/webhook/event', dispatcher, { autoChallenge: true }));
  return { app, handled: () => handled };
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  const encryptKey = process.env.FEISHU_ENCRYPT_KEY;
  const verificationToken = process.env.FEISHU_VERIFICATION_TOKEN;
  if (!encryptKey || !verificationToken) {
    console.error('FEISHU_ENCRYPT_KEY and FEISHU_VERIFICATION_TOKEN are required');
    process.exit(2);
  }
  const { app } = baselineApp({ encryptKey, verificationToken });
  const server = createServer(app.callback());
  server.keepAliveTimeout = 65_000; // as the bot's server
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    process.stdout.write(`BENCH_READY ${(server.address() as AddressInfo).port}\n`);
  });
  process.on('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  });
}
