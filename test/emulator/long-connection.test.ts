/** The emulator's long connection, driven by the SDK's own WSClient and EventDispatcher (no bot involved). */
import * as lark from '@larksuiteoapi/node-sdk';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { FeishuEmulator } from '../../src/emulator/feishu/index.js';
import { v2Event } from '../helpers/feishu-events.js';
import { eventually } from '../helpers/harness.js';

const silent = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };

describe('Feishu emulator: long connection with the SDK', () => {
  let emu: FeishuEmulator | undefined;
  let ws: lark.WSClient | undefined;
  afterEach(async () => {
    ws?.close({ force: true });
    await emu?.stop();
  });

  it('connects, answers pings with the full ClientConfig, and returns what the handlers answer', async () => {
    emu = await FeishuEmulator.start();
    const received: unknown[] = [];
    const dispatcher = new lark.EventDispatcher({ logger: silent }).register({
      'im.message.receive_v1': async (data: unknown) => {
        received.push(data);
      },
      'card.action.trigger': async () => ({ toast: { type: 'success', content: 'ok' } }),
    });
    ws = new lark.WSClient({ appId: emu.appId, appSecret: emu.appSecret, domain: emu.url, logger: silent });
    ws.start({ eventDispatcher: dispatcher });
    await emu.longConnection.waitForConnections(1);

    const message = v2Event('im.message.receive_v1', { message: { message_id: 'om_1' } });
    expect(await emu.pushEvent(message, { fragments: 2 })).toEqual({ code: 200 });
    expect(received).toHaveLength(1);
    expect(await emu.pushEvent(v2Event('card.action.trigger', { action: { value: {} } }))).toEqual({
      code: 200,
      data: { toast: { type: 'success', content: 'ok' } },
    });
    // The SDK answers a type without a handler with 200 and a note (reference §3.5).
    expect(await emu.pushEvent(v2Event('some.other_v1', {}))).toEqual({
      code: 200,
      data: 'no some.other_v1 event handle',
    });
    // The first ping goes out on open; the pong sets a 1 s interval, so a second one follows, a whole interval later
    // (an interval read as NaN would flood pings back to back). Load can only make the gap longer.
    await eventually(() => emu!.longConnection.pings >= 2, 10_000, 'a second ping');
    const [first, second] = emu.longConnection.pingTimes;
    expect(second! - first!).toBeGreaterThanOrEqual(emu.longConnection.clientConfig.PingInterval * 1000 - 50);
  });

  it('counts a connection only once its client listens (first ping), so nothing pushed earlier is lost', async () => {
    emu = await FeishuEmulator.start();
    const endpoint = await fetch(`${emu.url}/callback/ws/endpoint`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ AppID: emu.appId, AppSecret: emu.appSecret }),
    });
    const { data } = (await endpoint.json()) as { data: { URL: string } };
    const raw = new WebSocket(data.URL);
    await new Promise((resolve, reject) => raw.once('open', resolve).once('error', reject));
    try {
      // Open (the server side exists once the client sees 'open'), but it has not pinged: a client that may not
      // listen yet is not a connection to push to.
      expect(emu.longConnection.openSockets).toBe(1);
      expect(emu.longConnection.connections).toBe(0);
      await expect(emu.pushEvent(v2Event('im.message.receive_v1', {}))).rejects.toThrow(/no long connection/);
    } finally {
      raw.terminate();
    }
  });

  it('refuses a wrong app secret with code 514, which the SDK treats as final', async () => {
    emu = await FeishuEmulator.start();
    const error = new Promise<Error>((resolve) => {
      ws = new lark.WSClient({
        appId: emu!.appId,
        appSecret: 'wrong',
        domain: emu!.url,
        logger: silent,
        onError: resolve,
      });
    });
    ws!.start({ eventDispatcher: new lark.EventDispatcher({ logger: silent }) });
    expect((await error).message).toContain('code=514');
    expect(emu.longConnection.connections).toBe(0);
  });
});
