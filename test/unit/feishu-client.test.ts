import { describe, expect, it } from 'vitest';
import * as lark from '@larksuiteoapi/node-sdk';
import { createLogger } from '../../src/logger.js';
import { sdkLogger, sdkLogText, timedHttpInstance } from '../../src/feishu/client.js';
import { LogCapture } from '../helpers/harness.js';

describe('sdkLogger', () => {
  it("logs the SDK's text at its level, as the SDK's logger proxy passes it (one array)", () => {
    const logs = new LogCapture();
    const log = createLogger('trace', logs);
    // The SDK wraps the given logger in its LoggerProxy, which calls `logger.warn([...args])`.
    const proxy = new lark.LoggerProxy(lark.LoggerLevel.trace, sdkLogger(log));
    proxy.error('[ws]', 'connect failed', 3);
    proxy.warn('[ws]', 'reconnecting');
    proxy.info('[ws]', 'ws client ready');
    proxy.debug('[ws]', 'ping');
    const lines = logs.lines.filter((l) => l.msg === 'feishu sdk');
    expect(lines.map((l) => [l.level, l.sdk])).toEqual([
      [50, '[ws] connect failed 3'],
      [40, '[ws] reconnecting'],
      [30, '[ws] ws client ready'],
      [20, '[ws] ping'],
    ]);
  });

  it('keeps only the plain text of what the SDK logs (never an error object with its request headers)', () => {
    const err = Object.assign(new Error('Request failed'), {
      config: { headers: { Authorization: 'Bearer t-secret' } },
    });
    expect(sdkLogText([['request failed', err, { headers: { Authorization: 'Bearer t-secret' } }]])).toBe(
      'request failed',
    );
    expect(sdkLogText(['a', 'b'])).toBe('a b');
  });
});

describe('timedHttpInstance', () => {
  it('gives each request a timeout unless it sets its own, without touching the shared instance', async () => {
    const seen: unknown[] = [];
    const base = {
      request: async (o: unknown) => (seen.push(o), 'ok'),
      post: async (_u: string, _d: unknown, o: unknown) => (seen.push(o), 'ok'),
    } as unknown as lark.HttpInstance;
    const http = timedHttpInstance(1234, base);
    await http.request({ url: '/a' });
    await http.request({ url: '/b', timeout: 50 });
    await http.post('/c', {});
    expect(seen).toEqual([{ url: '/a', timeout: 1234 }, { url: '/b', timeout: 50 }, { timeout: 1234 }]);
    expect(lark.defaultHttpInstance).not.toBe(http);
    expect((lark.defaultHttpInstance as unknown as { defaults: { timeout?: number } }).defaults.timeout ?? 0).toBe(0);
  });
});
