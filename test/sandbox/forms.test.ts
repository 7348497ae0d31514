/**
 * Card forms through the sandbox without a browser: a form card sent with the bot's own token through the emulator's
 * message API (forms Feishu refuses are refused there), a submit with a required field empty reaching nobody, and a
 * full submit reaching the bot's /webhook/card as a signed card.action.trigger with form_value, whose answer card
 * replaces the form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start.js';
import { DEMO_ADMIN, DEMO_USERS } from '../../src/sandbox/demo.js';
import { eventually } from '../helpers/harness.js';
import { everyComponentForm, FORM_BUTTON } from '../helpers/form-card.js';
import { sendCardAsBot, sandboxApi, type SentCallback } from '../helpers/sandbox-forms.js';

const PEOPLE = DEMO_USERS.map((u) => u.open_id);
const bob = DEMO_USERS.find((u) => u.user_id === 'wangfang')!;

interface Seed {
  id: string;
  target: string;
  body: { event: { ticket_id: string } };
}

describe('sandbox forms', () => {
  let sandbox: Sandbox;
  const api = (path: string, body?: unknown) => sandboxApi(sandbox, path, body);
  const callbacks = async () => (await (await api('callbacks')).json()) as SentCallback[];

  beforeAll(async () => {
    sandbox = await startSandbox({ env: { PORT: '0', DATA_DIR: 'memory://' }, log: createLogger('silent') });
  }, 120_000);
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('the emulator refuses forms Feishu refuses, with 230099', async () => {
    const inColumns = {
      schema: '2.0',
      body: {
        elements: [
          {
            tag: 'column_set',
            columns: [{ tag: 'column', elements: everyComponentForm(PEOPLE).body.elements.slice(1) }],
          },
        ],
      },
    };
    const refused = await sendCardAsBot(sandbox, DEMO_ADMIN.open_id, inColumns);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      code: 230099,
      msg: expect.stringContaining("form must sit at the card's root"),
    });
    const sent = await sendCardAsBot(sandbox, DEMO_ADMIN.open_id, everyComponentForm(PEOPLE));
    expect(sent).toMatchObject({ status: 200, body: { code: 0 } });
  });

  it('a required field left empty blocks the submit: the bot gets nothing', async () => {
    const sent = await sendCardAsBot(sandbox, DEMO_ADMIN.open_id, everyComponentForm(PEOPLE));
    const before = (await callbacks()).length;
    const res = await api('submit', {
      message_id: sent.body.data.message_id,
      operator: DEMO_ADMIN.open_id,
      button: FORM_BUTTON,
      values: { owner: bob.open_id },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'required_missing', missing: ['at'] });
    const bad = await api('submit', {
      message_id: sent.body.data.message_id,
      operator: DEMO_ADMIN.open_id,
      button: FORM_BUTTON,
      values: { owner: 'ou_nobody', at: '09:30' },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: 'invalid_form',
      message: 'owner: ou_nobody is not one of its options',
    });
    expect(await callbacks()).toHaveLength(before);
  });

  it("a person picker without options offers the chat's members: in a direct chat, its person", async () => {
    const picker = {
      schema: '2.0',
      body: {
        elements: [
          {
            tag: 'form',
            name: 'f',
            elements: [
              { tag: 'select_person', name: 'who', options: [] },
              { tag: 'button', name: 'go', text: { tag: 'plain_text', content: 'Go' }, form_action_type: 'submit' },
            ],
          },
        ],
      },
    };
    const sent = await sendCardAsBot(sandbox, DEMO_ADMIN.open_id, picker);
    const submit = (who: string) =>
      api('submit', {
        message_id: sent.body.data.message_id,
        operator: DEMO_ADMIN.open_id,
        button: 'go',
        values: { who },
      });
    const other = await submit(bob.open_id);
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ message: `who: ${bob.open_id} is not one of its options` });
    expect((await submit(DEMO_ADMIN.open_id)).status).toBe(200);
    expect((await callbacks()).at(-1)!.action.form_value).toEqual({ who: DEMO_ADMIN.open_id });
  });

  it('a full submit reaches the bot with form_value, name and button value; the answer card replaces it', async () => {
    // A form whose submit claims the demo ticket: the bot answers that with the ticket's card.
    const seeds = (await (await api('seeds')).json()) as Seed[];
    const created = seeds.find((s) => s.id === 'ticket-created')!;
    const ticketId = created.body.event.ticket_id;
    const fired = (await (await api('fire', { target: created.target, body: created.body })).json()) as {
      status: number;
    };
    expect(fired.status).toBe(200);
    await eventually(
      async () => (await sandbox.bot.database.prisma.helpdeskTicket.count({ where: { ticketId } })) === 1,
      30_000,
      'the ticket stored',
    );
    const claim = { action: 'claim_ticket', ticket: ticketId };
    const sent = await sendCardAsBot(sandbox, DEMO_ADMIN.open_id, everyComponentForm(PEOPLE, claim));
    const messageId = sent.body.data.message_id as string;
    const res = await api('submit', {
      message_id: messageId,
      operator: DEMO_ADMIN.open_id,
      button: FORM_BUTTON,
      values: { owner: bob.open_id, at: '18:05', days: ['wed', 'fri'], notify: false, notes: 'ok' },
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {
      status: number;
      body: { toast: { type: string }; card: { type: string; data: unknown } };
    };
    expect(answer.status).toBe(200);
    expect(answer.body.toast.type).toBe('success');

    const last = (await callbacks()).at(-1)!;
    expect(last.message_id).toBe(messageId);
    expect(last.action).toEqual({
      value: claim,
      tag: 'button',
      timezone: 'Asia/Shanghai',
      name: FORM_BUTTON,
      form_value: {
        title: 'Security basics',
        notes: 'ok',
        level: 'basic',
        days: ['wed', 'fri'],
        owner: bob.open_id,
        reviewers: [PEOPLE[0]],
        due: '2026-12-24 +0800',
        at: '18:05 +0800',
        starts: '2026-12-28 09:30 +0800',
        notify: false,
      },
    });
    const message = sandbox.feishu.messages.find((m) => m.message_id === messageId)!;
    expect(message.updated).toBe(true);
    expect(answer.body.card.type).toBe('raw');
    expect(JSON.parse(message.content)).toEqual(answer.body.card.data);
    expect(message.content).not.toContain('"tag":"form"');
  });
});
