import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../fixtures/index.js';
import { postEvent, v2Event } from '../helpers/feishu-events.js';
import { ENCRYPT_KEY, eventually, startHarness, type Harness } from '../helpers/harness.js';
import { click } from '../helpers/chat.js';
import { CardActions } from '../../src/actions/router.js';
import { cardActionFromV1 } from '../../src/actions/callback.js';

const ADMIN = { open_id: 'ou_admin', user_id: 'admin', name: 'Ada Admin' };
const SLOW = { open_id: 'ou_slowagent', user_id: 'slowagent', name: 'Agent Slowpoke' };
const OLD = { open_id: 'ou_oldagent', user_id: 'oldagent', name: 'Agent Old' };

const ticketSeed = loadFixture<{ header: Record<string, string>; event: Record<string, unknown> }>(
  'feishu/helpdesk.ticket.created_v1.json',
);
const ticketCreated = (ticketId: string) =>
  v2Event('helpdesk.ticket.created_v1', { ...ticketSeed.event, ticket_id: ticketId, chat_id: 'oc_ticketchat' });
const text = (x: unknown) => JSON.stringify(x);

describe('card clicks answer in time, whatever the directory does', () => {
  let h: Harness;
  const ticketCardFor = async (ticketId: string) => {
    await postEvent(h.eventUrl, ticketCreated(ticketId), { encryptKey: ENCRYPT_KEY });
    return eventually(
      () => h.emu!.messagesTo(ADMIN.open_id).find((m) => text(m.card).includes(ticketId)),
      15_000,
      'ticket card',
    );
  };

  beforeAll(async () => {
    h = await startHarness({ emulator: { users: [ADMIN, SLOW, OLD] }, env: { ADMIN_OPEN_IDS: ADMIN.open_id } });
  });
  afterAll(() => h?.stop());

  it('a claim needs no lookup; a later click is answered while the directory has not answered', async () => {
    const message = await ticketCardFor('T-SLOW');
    // The directory's answers are held back (the next lookups) until the test lets them go: a click that waited for
    // one would not be answered before then.
    h.emu!.failNext({
      match: { method: 'GET', path: /\/open-apis\/contact\/v3\/users\// },
      delayMs: 600_000,
      times: 3,
    });
    try {
      const res = await click(h.bot.url, {
        openId: SLOW.open_id,
        value: { action: 'claim_ticket', ticket: 'T-SLOW' },
        messageId: message.message_id,
      });
      expect(res.status).toBe(200);
      expect(res.body.toast?.type).toBe('success');
      // The mention shows the claimer's name in Feishu: the card needs nothing from the directory.
      expect(text(res.body.card!.data)).toContain(`<at id=${SLOW.open_id}></at>`);
      // A later click names the holder in its toast: without the directory's answer in time it says "someone else".
      const late = await click(h.bot.url, {
        openId: OLD.open_id,
        value: { action: 'claim_ticket', ticket: 'T-SLOW' },
        messageId: message.message_id,
      });
      expect(late.status).toBe(200);
      // Answered while the directory's answer is still held back.
      expect(h.emu!.delayedReplies).toBeGreaterThan(0);
      expect(late.body.toast?.type).toBe('warning');
      expect(text(late.body.toast)).toContain('someone else');
      expect(text(late.body.card!.data)).toContain(`<at id=${SLOW.open_id}></at>`);
      expect(await h.db.prisma.helpdeskTicket.findUnique({ where: { ticketId: 'T-SLOW' } })).toMatchObject({
        claimedBy: SLOW.open_id,
      });
    } finally {
      h.emu!.reset();
      h.emu!.releaseDelayedReplies();
    }
  }, 40_000);

  it('the older callback: the patch of the clicked card is queued only once the answer has gone back', async () => {
    const message = await ticketCardFor('T-OLD');
    const copy = await eventually(() =>
      h.db.prisma.notification.findFirst({ where: { messageId: message.message_id } }),
    );
    const actions = new CardActions({
      db: h.db.prisma,
      config: h.config,
      log: h.log,
      services: h.bot.services,
      onQueued: () => h.bot.dispatcher?.wake(),
    });
    const action = cardActionFromV1({
      open_id: OLD.open_id,
      token: 'c-old',
      open_message_id: message.message_id,
      action: { value: { action: 'claim_ticket', ticket: 'T-OLD' } },
    });
    const result = await actions.handle(action);
    expect(result.toast.type).toBe('success');
    expect(result.afterAnswer).toBeTypeOf('function');
    // Answered, but not yet sent back: nothing touches the clicked card.
    expect(await h.db.prisma.notification.count({ where: { patchOf: copy.id } })).toBe(0);
    await result.afterAnswer!();
    await eventually(
      () => h.emu!.patches.some((p) => p.message_id === message.message_id),
      15_000,
      'patch of the clicked card',
    );
    // The row is marked sent once Feishu's answer is back, a moment after the emulator recorded the patch.
    await eventually(
      async () => (await h.db.prisma.notification.count({ where: { patchOf: copy.id, status: 'sent' } })) === 1,
      15_000,
      'the patch marked sent',
    );
    expect(await h.db.prisma.notification.count({ where: { patchOf: copy.id } })).toBe(1);
  }, 40_000);
});
