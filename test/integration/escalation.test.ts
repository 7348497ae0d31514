import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { SettableClock } from '../../src/domain/clock.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { defaultJobKinds } from '../../src/job-kinds.js';
import { windowPolicy } from '../../src/config.js';
import { loadFixture } from '../fixtures/index.js';
import { postEvent, v2Event } from '../helpers/feishu-events.js';
import { ENCRYPT_KEY, eventually, startHarness, type Harness } from '../helpers/harness.js';
import { LANES } from '../helpers/databases.js';
import { untilIdle } from '../helpers/idle.js';
import { click, say, textMessage } from '../helpers/chat.js';

const SH = 'Asia/Shanghai';
const at = (local: string) => DateTime.fromISO(local, { zone: SH }).toJSDate();
const ADMIN = { open_id: 'ou_admin', user_id: 'admin', name: 'Ada Admin' };
const DUTY = { open_id: 'ou_duty', user_id: 'duty', name: '张伟' };
const LEAD = { open_id: 'ou_lead', user_id: 'lead', name: '赵敏' };
const AGENT = { open_id: 'ou_agent', user_id: 'agent', name: 'Agent' };
const BOT = 'ou_bot_emulator';

const seed = loadFixture<{ event: Record<string, unknown> }>('feishu/helpdesk.ticket.created_v1.json');
const created = (ticketId: string, helpdesk: string) =>
  v2Event('helpdesk.ticket.created_v1', { ...seed.event, ticket_id: ticketId, helpdesk_id: helpdesk });
const closed = (ticketId: string, helpdesk: string, updatedAt: number) =>
  v2Event('helpdesk.ticket.updated_v1', {
    object: { ...seed.event, ticket_id: ticketId, helpdesk_id: helpdesk, status: 51, updated_at: updatedAt },
    old_object: { status: 1 },
  });
const json = (x: unknown) => JSON.stringify(x);

describe.each(LANES)('helpdesk escalation and morning summary (%s)', (lane) => {
  let h: Harness;
  const clock = new SettableClock(at('2026-12-04T17:00'));
  const prisma = () => h.db.prisma;
  /** No event waiting or in hand, no message in hand or due: what was going to be sent has reached the emulator. */
  const idle = async () => {
    await untilIdle(prisma());
    await eventually(async () => {
      const [events, sending, due] = await Promise.all([
        prisma().inboundEvent.count({ where: { status: { in: ['pending', 'processing'] } } }),
        prisma().notification.count({ where: { status: 'sending' } }),
        prisma().notification.count({ where: { status: 'pending', availableAt: { lte: new Date() } } }),
      ]);
      return events + sending + due === 0;
    });
  };
  const runDue = async () => {
    await h.bot.jobs.runDue();
    await idle();
  };
  const post = async (body: object) => {
    const res = await postEvent(h.eventUrl, body, { encryptKey: ENCRYPT_KEY });
    expect(res.status).toBe(200);
    await idle();
  };
  /** A chat routed for one helpdesk's tickets, with its desk. */
  const desk = async (chatId: string, helpdesk: string, extra: Record<string, unknown> = {}) => {
    h.emu!.addChat(chatId);
    await prisma().route.create({ data: { kind: 'tickets', chatId, scope: helpdesk } });
    await prisma().helpdeskDesk.create({
      data: { chatId, duty: [DUTY.open_id], leads: [LEAD.open_id], ...extra },
    });
  };
  const inChat = (chatId: string) => h.emu!.messages.filter((m) => m.chat_id === chatId);
  const replies = (chatId: string) => inChat(chatId).filter((m) => m.parent_id);
  /** The lead's direct cards about one ticket (earlier tests' tickets go on escalating as the clock moves). */
  const toLead = (ticketId: string) => h.emu!.messagesTo(LEAD.open_id).filter((m) => json(m.card).includes(ticketId));
  const jobs = (ticketId: string) =>
    prisma().job.findMany({ where: { subject: `ticket:${ticketId}` }, orderBy: { key: 'asc' } });

  beforeAll(async () => {
    h = await startHarness({
      lane,
      clock,
      emulator: { users: [ADMIN, DUTY, LEAD, AGENT], grantedScopes: ['im:message.urgent'] },
      env: { ADMIN_OPEN_IDS: ADMIN.open_id, SCHEDULER_POLL_MS: '600000' },
    });
  });
  afterAll(() => h?.stop());
  beforeEach(async () => {
    await idle();
    h.emu!.reset();
  });

  it('counts working minutes: Friday 17:55 reaches 15 on Monday 09:10 (a reply to the card), 60 at 09:55', async () => {
    await desk('oc_work', 'hd-work');
    clock.set(at('2026-12-04T17:55'));
    await post(created('T-WEEKEND', 'hd-work'));
    const [card] = inChat('oc_work');
    expect(json(card!.card)).toContain('claim_ticket');

    clock.set(at('2026-12-04T18:10'));
    await runDue();
    expect(replies('oc_work')).toHaveLength(0);
    const [ping] = await jobs('T-WEEKEND');
    expect(ping!.runAt).toEqual(at('2026-12-07T09:10'));

    clock.set(at('2026-12-07T09:09'));
    await runDue();
    expect(replies('oc_work')).toHaveLength(0);
    clock.set(at('2026-12-07T09:10'));
    await runDue();
    const [reply] = replies('oc_work');
    expect(reply).toMatchObject({ parent_id: card!.message_id, root_id: card!.message_id });
    expect(json(reply!.card)).toContain(`<at id=${DUTY.open_id}></at>`);
    // Every copy of the ticket card now says it was escalated and how long it has been open.
    const patched = json(h.emu!.patches.at(-1)!.card);
    expect(patched).toContain('on-duty people pinged');
    expect(patched).toContain('Open for 2 d 15 h');

    clock.set(at('2026-12-07T09:54'));
    await runDue();
    expect(toLead('T-WEEKEND')).toHaveLength(0);
    clock.set(at('2026-12-07T09:55'));
    await runDue();
    const [leadCard] = toLead('T-WEEKEND');
    expect(json(leadCard!.card)).toContain('"action":"claim_ticket","ticket":"T-WEEKEND"');
    expect(json(leadCard!.card)).toContain('T-WEEKEND');
    expect(json(leadCard!.card)).toContain('escalated to the leads');
    expect(h.emu!.urgents.filter((u) => u.message_id === leadCard!.message_id)).toHaveLength(0); // off by default

    // Each step once: running again sends nothing more.
    clock.set(at('2026-12-08T12:00'));
    await runDue();
    expect(replies('oc_work')).toHaveLength(1);
    expect(toLead('T-WEEKEND')).toHaveLength(1);

    // The lead claims from the direct card: every copy changes.
    const before = h.emu!.patches.length;
    const res = await click(h.bot.url, {
      openId: LEAD.open_id,
      value: { action: 'claim_ticket', ticket: 'T-WEEKEND' },
      messageId: leadCard!.message_id,
      chatId: leadCard!.chat_id,
    });
    expect(res.body.toast?.type).toBe('success');
    await eventually(() => h.emu!.patches.length > before, 10_000, 'group card');
    await idle();
    // The clicked copy changed with the answer; the group's copy is patched.
    const after = h.emu!.patches.slice(before);
    expect(after.map((p) => p.message_id)).toEqual([card!.message_id]);
    expect(json(after[0]!.card)).toContain(`<at id=${LEAD.open_id}></at>`);
    const metrics = await h.bot.metrics.registry.metrics();
    expect(metrics).toMatch(/bot_ticket_escalations_total\{step="duty"\} [1-9]/);
    expect(metrics).toMatch(/bot_ticket_escalations_total\{step="leads"\} [1-9]/);
    expect(metrics).toMatch(/bot_ticket_time_to_claim_seconds_count [1-9]/);
  });

  it('skips the National Day week: 30 September 17:50 reaches 15 on 8 October 09:05', async () => {
    await desk('oc_holiday', 'hd-holiday');
    clock.set(at('2026-09-30T17:50'));
    await post(created('T-HOLIDAY', 'hd-holiday'));
    clock.set(at('2026-10-02T10:00'));
    await runDue();
    expect(replies('oc_holiday')).toHaveLength(0);
    const ping = (await jobs('T-HOLIDAY')).find((j) => j.kind === 'ticket-ping-duty')!;
    expect(ping.runAt).toEqual(at('2026-10-08T09:05'));
    clock.set(at('2026-10-08T09:05'));
    await runDue();
    expect(replies('oc_holiday')).toHaveLength(1);
  });

  it('around the clock: Saturday 02:00 pings at 02:15, tells the lead at 03:00, urgently if asked', async () => {
    await desk('oc_night', 'hd-night', { clock: 'always', urgent: true });
    clock.set(at('2026-12-12T02:00'));
    await post(created('T-NIGHT', 'hd-night'));
    clock.set(at('2026-12-12T02:15'));
    await runDue();
    expect(replies('oc_night')).toHaveLength(1);
    clock.set(at('2026-12-12T03:00'));
    await runDue();
    expect(toLead('T-NIGHT')).toHaveLength(1);
    // The urgent notification waits until the card it is about was sent.
    await eventually(() => h.emu!.urgents.some((u) => u.message_id === toLead('T-NIGHT')[0]!.message_id));
    const urgent = h.emu!.urgents.filter((u) => u.message_id === toLead('T-NIGHT')[0]!.message_id);
    expect(urgent).toMatchObject([{ open_id: LEAD.open_id }]);
  });

  it('nobody on duty: the reply says so and how to set it; no lead: the chat is told how to set one', async () => {
    await desk('oc_empty', 'hd-empty', { duty: [], leads: [], clock: 'always' });
    clock.set(at('2026-12-14T10:00'));
    await post(created('T-EMPTY', 'hd-empty'));
    clock.set(at('2026-12-14T11:00'));
    await runDue();
    const texts = replies('oc_empty')
      .map((m) => json(m.card))
      .sort((a, b) => a.indexOf('lead @') - b.indexOf('lead @'));
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain('Nobody is on duty');
    expect(texts[0]).toContain('duty @person');
    expect(texts[1]).toContain('lead @person');
  });

  describe('claim and close cancel what is pending, in any order', () => {
    const setup = async (id: string, hd: string) => {
      await desk(`oc_${hd}`, hd, { clock: 'always' });
      clock.set(at('2026-12-15T10:00'));
      await post(created(id, hd));
      return inChat(`oc_${hd}`)[0]!;
    };
    const statuses = async (id: string) => (await jobs(id)).map((j) => j.status);

    it('a claim before the first step: nothing is sent', async () => {
      const card = await setup('T-C1', 'hd-c1');
      await click(h.bot.url, {
        openId: AGENT.open_id,
        value: { action: 'claim_ticket', ticket: 'T-C1' },
        messageId: card.message_id,
      });
      expect(await statuses('T-C1')).toEqual(['cancelled', 'cancelled']);
      clock.set(at('2026-12-15T12:00'));
      await runDue();
      expect(replies('oc_hd-c1')).toHaveLength(0);
      expect(toLead('T-C1')).toHaveLength(0);
    });

    it('a claim between the steps: the ping went, the lead is not told', async () => {
      const card = await setup('T-C2', 'hd-c2');
      clock.set(at('2026-12-15T10:20'));
      await runDue();
      expect(replies('oc_hd-c2')).toHaveLength(1);
      await click(h.bot.url, {
        openId: AGENT.open_id,
        value: { action: 'claim_ticket', ticket: 'T-C2' },
        messageId: card.message_id,
      });
      expect(await statuses('T-C2')).toEqual(['done', 'cancelled']);
      clock.set(at('2026-12-15T12:00'));
      await runDue();
      expect(toLead('T-C2')).toHaveLength(0);
    });

    it('a close before the first step, and a close between the steps', async () => {
      await setup('T-X1', 'hd-x1');
      await post(closed('T-X1', 'hd-x1', 1616920529000));
      expect(await statuses('T-X1')).toEqual(['cancelled', 'cancelled']);
      await setup('T-X2', 'hd-x2');
      clock.set(at('2026-12-15T10:20'));
      await runDue();
      await post(closed('T-X2', 'hd-x2', 1616920529000));
      expect(await statuses('T-X2')).toEqual(['done', 'cancelled']);
      clock.set(at('2026-12-15T12:00'));
      await runDue();
      expect(replies('oc_hd-x1')).toHaveLength(0);
      expect(replies('oc_hd-x2')).toHaveLength(1);
      expect(toLead('T-X')).toHaveLength(0);
    });

    it('a close that arrives before the creation: nothing is planned', async () => {
      await desk('oc_hd-x3', 'hd-x3', { clock: 'always' });
      clock.set(at('2026-12-15T10:00'));
      await post(closed('T-X3', 'hd-x3', 1616920529000));
      await post(created('T-X3', 'hd-x3'));
      expect(await jobs('T-X3')).toEqual([]);
    });

    it('a claim recorded while a step is due is re-checked at run time: the step is skipped', async () => {
      await setup('T-C3', 'hd-c3');
      // The claim's row change alone (its cancellation not yet seen by the runner): the run must look again.
      await prisma().helpdeskTicket.update({
        where: { ticketId: 'T-C3' },
        data: { claimedBy: AGENT.open_id, claimedAt: at('2026-12-15T10:10') },
      });
      clock.set(at('2026-12-15T12:00'));
      await runDue();
      expect(replies('oc_hd-c3')).toHaveLength(0);
      expect(toLead('T-C3')).toHaveLength(0);
      expect((await jobs('T-C3')).map((j) => [j.status, j.reason])).toEqual([
        ['skipped', 'the ticket was claimed'],
        ['skipped', 'the ticket was claimed'],
      ]);
    });
  });

  it('two instances: each step once', async () => {
    await desk('oc_two', 'hd-two', { clock: 'always' });
    clock.set(at('2026-12-16T10:00'));
    await post(created('T-TWO', 'hd-two'));
    const other = new JobRunner({
      db: prisma(),
      clock,
      kinds: defaultJobKinds({ config: h.config, services: h.bot.services }),
      log: h.log,
      policy: windowPolicy(h.config),
      dailyCap: 2,
      pollMs: 600_000,
      batchSize: 1,
    });
    clock.set(at('2026-12-16T12:00'));
    await Promise.all([h.bot.jobs.runDue(), other.runDue(), h.bot.jobs.runDue(), other.runDue()]);
    await idle();
    expect(replies('oc_two')).toHaveLength(1);
    expect(toLead('T-TWO')).toHaveLength(1);
  });

  it('the morning summary lists open tickets per chat at 09:40 on working days, and is skipped when late', async () => {
    await desk('oc_sum', 'hd-sum', { remindAfter: 0, leadAfter: 0 });
    await desk('oc_quiet', 'hd-quiet', { summary: false, remindAfter: 0, leadAfter: 0 });
    await prisma().job.updateMany({
      where: { kind: 'helpdesk-summary', status: 'pending' },
      data: { status: 'cancelled' },
    });
    clock.set(at('2026-12-17T15:00')); // Thursday
    await post(created('T-S1', 'hd-sum'));
    clock.set(at('2026-12-17T16:00'));
    await post(created('T-S2', 'hd-sum'));
    await post(created('T-Q1', 'hd-quiet'));
    const card = inChat('oc_sum').find((m) => json(m.card).includes('T-S2'))!;
    await click(h.bot.url, {
      openId: AGENT.open_id,
      value: { action: 'claim_ticket', ticket: 'T-S2' },
      messageId: card.message_id,
    });
    await idle();
    h.emu!.reset();
    const summary = await prisma().job.findUniqueOrThrow({ where: { key: 'helpdesk-summary:2026-12-18' } });
    expect(summary.runAt).toEqual(at('2026-12-18T09:40'));
    clock.set(at('2026-12-18T09:39'));
    await runDue();
    expect(inChat('oc_sum')).toHaveLength(0);
    clock.set(at('2026-12-18T09:40'));
    await runDue();
    const sent = inChat('oc_sum').map((m) => json(m.card));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('T-S1');
    expect(sent[0]).toContain('unclaimed for 18 h 40 min');
    expect(sent[0]).toContain(`**T-S2** value: claimed by <at id=${AGENT.open_id}></at> since 2026-12-17 16:00`);
    expect(inChat('oc_quiet')).toHaveLength(0);
    // Friday's summary planned Monday's (the weekend is off); found late after Monday's window closed: skipped.
    const next = await prisma().job.findUniqueOrThrow({ where: { key: 'helpdesk-summary:2026-12-21' } });
    expect(next.runAt).toEqual(at('2026-12-21T09:40'));
    h.emu!.reset();
    clock.set(at('2026-12-21T18:30'));
    await runDue();
    expect(inChat('oc_sum')).toHaveLength(0);
    expect((await prisma().job.findUniqueOrThrow({ where: { key: 'helpdesk-summary:2026-12-21' } })).status).toBe(
      'skipped',
    );
  });

  it('duty and lead commands set the chat desk; settings shows it', async () => {
    h.emu!.addChat('oc_cmd');
    const group = (text: string, mentions: Record<string, { open_id: string; name?: string }>) =>
      say(
        h.bot.url,
        textMessage({
          from: ADMIN.open_id,
          chatId: 'oc_cmd',
          chatType: 'group',
          text,
          mentions: { '@_user_0': { open_id: BOT, name: 'bot' }, ...mentions },
        }),
      );
    await group('@_user_0 route tickets here', {});
    await group('@_user_0 duty @_user_1', { '@_user_1': DUTY });
    await group('@_user_0 lead @_user_1 @_user_2', { '@_user_1': LEAD, '@_user_2': AGENT });
    await group('@_user_0 duty fri @_user_1', { '@_user_1': AGENT });
    await group('@_user_0 escalation clock always', {});
    await group('@_user_0 escalation remind 30', {});
    await idle();
    expect(await prisma().helpdeskDesk.findUnique({ where: { chatId: 'oc_cmd' } })).toMatchObject({
      duty: [DUTY.open_id],
      leads: [LEAD.open_id, AGENT.open_id],
      rota: { '5': [AGENT.open_id] },
      clock: 'always',
      remindAfter: 30,
    });
    h.emu!.reset();
    await group('@_user_0 settings', {});
    await idle();
    // Settings asked in a group are shown only to the admin who asked, in their language (Chinese by default).
    const answer = inChat('oc_cmd')[0]!;
    expect(answer.visible_to).toBe(ADMIN.open_id);
    const shown = answer.content;
    // The settings form holds the chat's escalation values as its initial values.
    expect(shown).toContain('"name":"desk0_remind","label"');
    expect(shown).toContain('"default_value":"30"');
    expect(shown).toContain('"default_value":"60"');
    expect(shown).toContain('"initial_option":"always"');
    // The routes and people form: who is on duty and who leads, and the weekday rota.
    await group('@_user_0 settings routes', {});
    await idle();
    const people = inChat('oc_cmd')[1]!.content;
    expect(people).toContain(`"name":"desk0_duty"`);
    expect(people).toContain(`"selected_values":["${DUTY.open_id}"]`);
    expect(people).toContain(`"selected_values":["${LEAD.open_id}","${AGENT.open_id}"]`);
    expect(people).toContain(`周五 <at id=${AGENT.open_id}></at>`);
  });
});
