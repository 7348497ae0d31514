/** Handlers driven through the seam: one stored event, the worker run to idle, no HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../fixtures/index.js';
import { handleEvent } from '../helpers/drive.js';
import { startHarness, type Harness } from '../helpers/harness.js';

describe('handlers through the event seam', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ background: false, emulator: false, env: { ADMIN_OPEN_IDS: 'ou_admin' } });
  });
  afterAll(async () => h?.stop());

  it('sends the onboarding card once per user, however many first-chat events arrive', async () => {
    const payload = { schema: '2.0', event: { operator_id: { open_id: 'ou_new' } } };
    const first = await handleEvent(h, {
      source: 'feishu',
      eventType: 'im.chat.access_event.bot_p2p_chat_entered_v1',
      payload,
    });
    expect(first.event.status).toBe('processed');
    expect(first.notifications).toMatchObject([{ kind: 'onboarding', receiveId: 'ou_new', status: 'pending' }]);
    const again = await handleEvent(h, {
      source: 'feishu',
      eventType: 'p2p_chat_create',
      payload: { event: { user: { open_id: 'ou_new' } } },
    });
    expect(again.event.status).toBe('processed');
    expect(again.notifications).toEqual([]);
  });

  it('welcomes an admin added by command as an admin, not as a learner', async () => {
    await h.db.prisma.admin.create({ data: { openId: 'ou_added_admin', addedBy: 'ou_admin' } });
    const entered = (openId: string) =>
      handleEvent(h, {
        source: 'feishu',
        eventType: 'im.chat.access_event.bot_p2p_chat_entered_v1',
        payload: { schema: '2.0', event: { operator_id: { open_id: openId } } },
      });
    const added = await entered('ou_added_admin');
    const env = await entered('ou_admin');
    const learner = await entered('ou_plain_learner');
    expect(added.notifications[0]!.content).toContain('you_admin');
    expect(env.notifications[0]!.content).toContain('you_admin');
    expect(learner.notifications[0]!.content).not.toContain('you_admin');
    await h.db.prisma.admin.delete({ where: { openId: 'ou_added_admin' } });
  });

  it('fails a payload that does not fit its schema at once, with the validation message; writes nothing', async () => {
    const ticket = loadFixture<{ event: Record<string, unknown> }>('feishu/helpdesk.ticket.created_v1.json');
    const payload = { ...ticket, event: { ...ticket.event, ticket_id: 42 } };
    const { event, notifications } = await handleEvent(h, {
      source: 'feishu',
      eventType: 'helpdesk.ticket.created_v1',
      payload,
    });
    expect(event.status).toBe('failed');
    expect(event.attempts).toBe(1);
    expect(event.lastError).toContain('ticket_id');
    expect(notifications).toEqual([]);
    expect(await h.db.prisma.helpdeskTicket.count({ where: { ticketId: '42' } })).toBe(0);
  });

  it('sends a new ticket to every admin when no chat is routed for tickets', async () => {
    const ticket = loadFixture<{ event: Record<string, unknown> }>('feishu/helpdesk.ticket.created_v1.json');
    const payload = { ...ticket, event: { ...ticket.event, ticket_id: 'seam-ticket-1' } };
    const { event, notifications } = await handleEvent(h, {
      source: 'feishu',
      eventType: 'helpdesk.ticket.created_v1',
      payload,
    });
    expect(event.status).toBe('processed');
    expect(notifications).toMatchObject([
      { kind: 'tickets', role: 'admin', receiveId: 'ou_admin', subject: 'ticket:seam-ticket-1' },
    ]);
  });

  it('keeps the cards of an ALM learner the bot cannot find waiting; the manager notice has no button', async () => {
    const payload = {
      eventId: 'seam-alm-1',
      eventName: 'COURSE_COMPLETED',
      timestamp: '2024-11-08T03:00:00.000Z',
      data: { userId: 777, loId: 'course:1', loInstanceId: 'course:1_1', loType: 'course', hasPassed: true },
    };
    const { event, notifications } = await handleEvent(h, { source: 'alm', eventType: 'COURSE_COMPLETED', payload });
    expect(event.status).toBe('processed');
    expect(notifications.map((n) => [n.role, n.status, n.waitFor])).toEqual([
      ['learner', 'waiting', 'alm:777'],
      ['manager', 'waiting', 'alm:777'],
    ]);
    expect(notifications.find((n) => n.role === 'manager')!.content).not.toContain('"action":"congratulate"');
  });

  it('stores an event type no handler takes as ignored', async () => {
    const { event } = await handleEvent(h, { source: 'feishu', eventType: 'contact.user.created_v3', payload: {} });
    expect(event.status).toBe('ignored');
  });
});
