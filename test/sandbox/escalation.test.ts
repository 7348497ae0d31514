/** The sandbox shows the ladder: 张伟 on duty and 赵敏 leading the helpdesk group, moved on by the clock. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start.js';
import { DEMO_DESK, HELPDESK_GROUP } from '../../src/sandbox/demo.js';
import { eventually } from '../helpers/harness.js';

interface Listed {
  message_id: string;
  chat_id: string;
  receive_id: string;
  root_id: string;
  parent_id: string;
  content: string;
}

describe('sandbox escalation', () => {
  let sandbox: Sandbox;
  const api = (path: string, body?: unknown) =>
    fetch(
      `${sandbox.consoleUrl}/api/${path}`,
      body === undefined
        ? {}
        : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
  const messages = async () => (await (await api('messages')).json()) as Listed[];

  beforeAll(async () => {
    sandbox = await startSandbox({
      // Monday 14 December 2026, 10:00 in Shanghai.
      env: { PORT: '0', DATA_DIR: 'memory://', SANDBOX_CLOCK: '2026-12-14T10:00:00+08:00' },
      log: createLogger('silent'),
    });
  }, 120_000);
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('an unclaimed ticket pings 张伟 in the group after 15 minutes, then reaches 赵敏 after 60', async () => {
    const seeds = (await (await api('seeds')).json()) as { id: string; target: string; body: unknown }[];
    const seed = seeds.find((s) => s.id === 'ticket-created')!;
    const fired = (await (await api('fire', { target: seed.target, body: seed.body })).json()) as { status: number };
    expect(fired.status).toBe(200);
    const card = await eventually(
      async () => (await messages()).find((m) => m.chat_id === HELPDESK_GROUP.chat_id),
      30_000,
      'the ticket card',
    );
    expect((await api('clock', { advance: 'PT16M' })).status).toBe(200);
    const reply = await eventually(
      async () => (await messages()).find((m) => m.parent_id === card!.message_id),
      30_000,
      'the reply',
    );
    expect(reply).toMatchObject({ chat_id: HELPDESK_GROUP.chat_id, root_id: card!.message_id });
    expect(reply!.content).toContain(`<at id=${DEMO_DESK.duty[0]}></at>`);
    expect((await api('clock', { advance: 'PT45M' })).status).toBe(200);
    const lead = await eventually(
      async () => (await messages()).find((m) => m.receive_id === DEMO_DESK.leads[0]),
      30_000,
      "the lead's card",
    );
    expect(lead!.content).toContain('claim_ticket');
  });
});
