import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../fixtures/index.js';
import { postEvent, v2Event } from '../helpers/feishu-events.js';
import { ENCRYPT_KEY, VERIFICATION_TOKEN, eventually, startHarness, type Harness } from '../helpers/harness.js';
import { LANES } from '../helpers/databases.js';
import { ALM_PASSWORD, ALM_USER, almBatch, postAlm } from '../helpers/sources.js';
import { click, clickOldStyle, say, textMessage } from '../helpers/chat.js';

const ADMIN = { open_id: 'ou_admin', user_id: 'admin', name: 'Ada Admin' };
const AGENT1 = { open_id: 'ou_agent1', user_id: 'agent1', name: 'Agent One' };
const AGENT2 = { open_id: 'ou_agent2', user_id: 'agent2', name: 'Agent Two' };
const BOSS = { open_id: 'ou_boss', user_id: 'boss', name: '王经理' };
const LEARNER = { open_id: 'ou_learner', user_id: 'learner', name: '李雷', leader_user_id: 'ou_boss' };
const NOBODY = { open_id: 'ou_nobody', user_id: 'nobody', name: 'Nobody' };
const OPS = 'oc_ops';
const BOT = 'ou_bot_emulator';

const ticketSeed = loadFixture<{ header: Record<string, string>; event: Record<string, unknown> }>(
  'feishu/helpdesk.ticket.created_v1.json',
);
const ticketCreated = (ticketId: string, extra: Record<string, unknown> = {}) =>
  v2Event('helpdesk.ticket.created_v1', {
    ...ticketSeed.event,
    ticket_id: ticketId,
    chat_id: 'oc_ticketchat',
    ...extra,
  });
const ticketUpdated = (ticketId: string, object: Record<string, unknown>, old: Record<string, unknown>) =>
  v2Event('helpdesk.ticket.updated_v1', {
    object: { ...ticketSeed.event, ticket_id: ticketId, ...object },
    old_object: old,
  });
const text = (x: unknown) => JSON.stringify(x);

describe.each(LANES)('helpdesk, card actions and chat commands (%s)', (lane) => {
  let h: Harness;
  const prisma = () => h.db.prisma;
  const processed = () =>
    eventually(
      async () =>
        (await prisma().inboundEvent.count({
          where: { status: { in: ['pending', 'processing'] }, availableAt: { lte: new Date() } },
        })) === 0,
    );
  const drained = () =>
    eventually(
      async () => (await prisma().notification.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0,
    );
  const admin = (text: string, mentions?: Record<string, { open_id: string; name?: string }>) =>
    say(
      h.bot.url,
      textMessage({
        from: ADMIN.open_id,
        chatId: h.emu!.p2pChatId(ADMIN.open_id),
        chatType: 'p2p',
        text,
        ...(mentions ? { mentions } : {}),
      }),
    );
  const repliesIn = (chatId: string) => h.emu!.messages.filter((m) => m.chat_id === chatId).map((m) => text(m.card));

  beforeAll(async () => {
    h = await startHarness({
      lane,
      emulator: {
        users: [ADMIN, AGENT1, AGENT2, BOSS, LEARNER, NOBODY],
        helpdesks: [{ id: 'hd-1', token: 'hd-token' }],
      },
      env: {
        ADMIN_OPEN_IDS: ADMIN.open_id,
        ALM_WEBHOOK_USER: ALM_USER,
        ALM_WEBHOOK_PASSWORD: ALM_PASSWORD,
        FEISHU_HELPDESK_ID: 'hd-1',
        FEISHU_HELPDESK_TOKEN: 'hd-token',
      },
    });
    h.emu!.addChat(OPS);
  });
  afterAll(() => h?.stop());
  afterEach(async () => {
    await processed();
    await drained();
    h.emu!.reset();
  });

  it('subscribes the helpdesk ticket events at start, with the helpdesk credential', async () => {
    await eventually(() => h.emu!.helpdeskSubscriptions('hd-1').length === 2, 10_000, 'subscription');
    expect(h.emu!.helpdeskSubscriptions('hd-1')).toEqual([
      'helpdesk.ticket/ticket.created_v1',
      'helpdesk.ticket/ticket.updated_v1',
    ]);
    await eventually(() => h.logs.text().includes('helpdesk ticket events subscribed'), 5_000, 'log line');
    expect(h.logs.text()).not.toContain('hd-token');
  });

  it('without a route, a new ticket goes to every admin by direct message', async () => {
    await postEvent(
      h.eventUrl,
      { ...ticketSeed, header: { ...ticketSeed.header, token: VERIFICATION_TOKEN } },
      { encryptKey: ENCRYPT_KEY },
    );
    await eventually(() => h.emu!.messagesTo(ADMIN.open_id).length === 1, 10_000, 'ticket DM');
    const card = text(h.emu!.messagesTo(ADMIN.open_id)[0]!.card);
    expect(card).toContain('"action":"claim_ticket","ticket":"6626871355780366331"');
  });

  it('the ticket card says what the ticket is about, follows the status and names the channel', async () => {
    const fields = [
      { id: '2', value: 'Win 11 <at id=all></at>', display_name: '设备', position: 2 },
      { id: '1', value: 'VPN 连不上', key_name: 'topic', display_name: '问题', position: 1 },
    ];
    await postEvent(h.eventUrl, ticketCreated('T-ABOUT', { customized_fields: fields }), {
      encryptKey: ENCRYPT_KEY,
    });
    await eventually(() => h.emu!.messagesTo(ADMIN.open_id).length === 1, 10_000, 'ticket DM');
    const [dm] = h.emu!.messagesTo(ADMIN.open_id);
    const details = (card: unknown, lang: 'zh_cn' | 'en_us') =>
      (
        card as { body: { elements: { element_id?: string; i18n_content?: Record<string, string> }[] } }
      ).body.elements.find((e) => e.element_id === 'details')!.i18n_content![lang];
    const header = (card: unknown, lang: 'zh_cn' | 'en_us') =>
      (card as { header: { title: { i18n_content: Record<string, string> } } }).header.title.i18n_content[lang];
    expect(details(dm!.card, 'zh_cn')).toBe(
      '**问题**：VPN 连不上\n**设备**：Win 11 &#60;at id=all&#62;&#60;/at&#62;\n**用户**：未知\n**阶段**：机器人\n' +
        '**状态**：已创建\n**渠道**：其他渠道\n**创建时间**：2021-03-28 16:33（UTC+8）\n' +
        '**更新时间**：2021-03-28 16:33（UTC+8）',
    );
    expect(details(dm!.card, 'en_us')).toContain('**问题**: VPN 连不上\n**设备**: Win 11 &#60;at id=all&#62;');
    expect(details(dm!.card, 'en_us')).toContain('**Channel**: Other channel');
    expect([header(dm!.card, 'zh_cn'), header(dm!.card, 'en_us')]).toEqual(['新工单', 'New ticket']);

    // The update carries no fields: what the ticket is about stays; the header follows the new status.
    const { customized_fields: _, ...withoutFields } = ticketSeed.event;
    await postEvent(
      h.eventUrl,
      v2Event('helpdesk.ticket.updated_v1', {
        object: { ...withoutFields, ticket_id: 'T-ABOUT', status: 2, channel: 2, updated_at: 1616920529000 },
        old_object: { status: 1 },
      }),
      { encryptKey: ENCRYPT_KEY },
    );
    await eventually(() => h.emu!.patches.length === 1, 10_000, 'patched card');
    const patched = h.emu!.patches[0]!.card;
    expect([header(patched, 'zh_cn'), header(patched, 'en_us')]).toEqual(['工单处理中', 'Ticket in progress']);
    expect(details(patched, 'zh_cn')).toContain('**问题**：VPN 连不上');
    expect(details(patched, 'zh_cn')).toContain('**状态**：处理中\n**渠道**：二维码');
    expect(details(patched, 'en_us')).toContain('**Status**: In progress\n**Channel**: QR code');
    expect(text(patched)).not.toContain('<at id=all>');
  });

  it('an admin who chose English gets the ticket card, the Claim answer and later updates in English', async () => {
    await admin('lang en');
    await eventually(() => repliesIn(h.emu!.p2pChatId(ADMIN.open_id)).length === 1, 10_000, 'lang receipt');
    await drained();
    h.emu!.reset();
    try {
      await postEvent(h.eventUrl, ticketCreated('T-EN'), { encryptKey: ENCRYPT_KEY });
      await eventually(() => h.emu!.messagesTo(ADMIN.open_id).length === 1, 10_000, 'ticket DM');
      const [dm] = h.emu!.messagesTo(ADMIN.open_id);
      // A localized card carries one language: no i18n_content left.
      expect(text(dm!.card)).not.toContain('i18n_content');

      const claimed = await click(h.bot.url, {
        openId: ADMIN.open_id,
        value: { action: 'claim_ticket', ticket: 'T-EN' },
        messageId: dm!.message_id,
        chatId: dm!.chat_id,
      });
      expect(claimed.body.toast?.type).toBe('success');
      expect(text(claimed.body.card!.data)).toContain(`<at id=${ADMIN.open_id}></at>`);
      expect(text(claimed.body.card!.data)).not.toContain('i18n_content');

      await postEvent(
        h.eventUrl,
        ticketUpdated(
          'T-EN',
          { stage: 2, status: 2, updated_at: 1616920529000 },
          { stage: 1, status: 1, updated_at: 1616920429000 },
        ),
        { encryptKey: ENCRYPT_KEY },
      );
      await eventually(() => h.emu!.patches.length === 1, 10_000, 'patched card');
      expect(h.emu!.patches[0]!.message_id).toBe(dm!.message_id);
      expect(text(h.emu!.patches[0]!.card)).toContain(`<at id=${ADMIN.open_id}></at>`);
      expect(text(h.emu!.patches[0]!.card)).not.toContain('i18n_content');
    } finally {
      await prisma().userPreference.deleteMany({ where: { openId: ADMIN.open_id } });
    }
  });

  it('tickets routed to a group get a card with Claim there; first claim wins, the second is told who', async () => {
    await say(
      h.bot.url,
      textMessage({
        from: ADMIN.open_id,
        chatId: OPS,
        chatType: 'group',
        text: '@_user_1 route tickets here',
        mentions: { '@_user_1': { open_id: BOT, name: 'bot' } },
      }),
    );
    await eventually(() => repliesIn(OPS).length === 1, 10_000, 'route receipt');
    expect(await prisma().route.findMany({ where: { kind: 'tickets' } })).toMatchObject([{ chatId: OPS }]);
    // The audit row names the message's inbox row, so processing that message again would not route twice.
    const [audit] = await prisma().auditLog.findMany({ where: { command: 'route' } });
    const routeMessage = await prisma().inboundEvent.findFirst({
      where: { eventType: 'im.message.receive_v1' },
      orderBy: { receivedAt: 'desc' },
    });
    expect(audit?.requestId).toBe(routeMessage?.id);
    h.emu!.reset();

    await postEvent(h.eventUrl, ticketCreated('T-100'), { encryptKey: ENCRYPT_KEY });
    await eventually(() => repliesIn(OPS).length === 1, 10_000, 'ticket card');
    const [message] = h.emu!.messages.filter((m) => m.chat_id === OPS);
    expect(h.emu!.messagesTo(ADMIN.open_id)).toHaveLength(0);
    const value = { action: 'claim_ticket', ticket: 'T-100' };

    const first = await click(h.bot.url, {
      openId: AGENT1.open_id,
      value,
      messageId: message!.message_id,
      chatId: OPS,
    });
    expect(first.status).toBe(200);
    expect(first.body.toast?.type).toBe('success');
    expect(first.body.card?.type).toBe('raw');
    expect(text(first.body.card!.data)).toContain(`<at id=${AGENT1.open_id}></at>`);
    expect(text(first.body.card!.data)).not.toContain('claim_ticket');

    const second = await click(h.bot.url, {
      openId: AGENT2.open_id,
      value,
      messageId: message!.message_id,
      chatId: OPS,
    });
    expect(second.body.toast?.type).toBe('warning');
    expect(second.body.toast?.i18n?.en_us).toContain('Agent One');
    expect(await prisma().helpdeskTicket.findUnique({ where: { ticketId: 'T-100' } })).toMatchObject({
      claimedBy: AGENT1.open_id,
    });
    expect(await prisma().cardAction.count({ where: { subject: 'ticket:T-100' } })).toBe(2);

    // The update: the card already sent is patched, no new card is sent.
    await postEvent(
      h.eventUrl,
      ticketUpdated(
        'T-100',
        { stage: 2, status: 2, updated_at: 1616920529000 },
        { stage: 1, status: 1, updated_at: 1616920429000 },
      ),
      { encryptKey: ENCRYPT_KEY },
    );
    await eventually(() => h.emu!.patches.length === 1, 10_000, 'patched card');
    const patched = text(h.emu!.patches[0]!.card);
    expect(h.emu!.patches[0]!.message_id).toBe(message!.message_id);
    expect(patched).toContain(`<at id=${AGENT1.open_id}></at>`); // still shows who claimed it
    expect(patched).not.toContain('claim_ticket');
    await drained();
    expect(h.emu!.messages.filter((m) => m.chat_id === OPS)).toHaveLength(1);
  });

  it('two simultaneous claims produce exactly one winner, and an update for an unknown ticket creates it', async () => {
    await postEvent(h.eventUrl, ticketUpdated('T-200', { status: 2, updated_at: 1616920529000 }, { status: 1 }), {
      encryptKey: ENCRYPT_KEY,
    });
    await eventually(() => repliesIn(OPS).length === 1, 10_000, 'ticket card from an update');
    const value = { action: 'claim_ticket', ticket: 'T-200' };
    const results = await Promise.all([AGENT1, AGENT2].map((a) => click(h.bot.url, { openId: a.open_id, value })));
    expect(results.map((r) => r.body.toast?.type).sort()).toEqual(['success', 'warning']);
    const winner = results.find((r) => r.body.toast?.type === 'success')!;
    const ticket = await prisma().helpdeskTicket.findUnique({ where: { ticketId: 'T-200' } });
    expect(text(winner.body.card!.data)).toContain(`<at id=${ticket!.claimedBy}></at>`);
  });

  it('tickets can be routed per helpdesk: a chat routed for one helpdesk gets only its tickets', async () => {
    h.emu!.addChat('oc_hd2');
    // A helpdesk is known to the bot once one of its tickets arrived (or it is FEISHU_HELPDESK_ID).
    await postEvent(h.eventUrl, ticketCreated('T-399', { helpdesk_id: 'hd-two' }), { encryptKey: ENCRYPT_KEY });
    await eventually(() => repliesIn(OPS).length === 1, 10_000, 'the first hd-two ticket');
    await say(
      h.bot.url,
      textMessage({
        from: ADMIN.open_id,
        chatId: 'oc_hd2',
        chatType: 'group',
        text: '@_user_1 route tickets here hd-nine',
        mentions: { '@_user_1': { open_id: BOT, name: 'bot' } },
      }),
    );
    await eventually(() => repliesIn('oc_hd2').length === 1, 10_000, 'route refusal');
    expect(repliesIn('oc_hd2')[0]).toContain('There is no helpdesk with the id hd-nine');
    expect(repliesIn('oc_hd2')[0]).toContain('没有 ID 为 hd-nine 的服务台');
    expect(await prisma().route.findFirst({ where: { chatId: 'oc_hd2' } })).toBeNull();
    h.emu!.reset();
    await say(
      h.bot.url,
      textMessage({
        from: ADMIN.open_id,
        chatId: 'oc_hd2',
        chatType: 'group',
        text: '@_user_1 route tickets here hd-two',
        mentions: { '@_user_1': { open_id: BOT, name: 'bot' } },
      }),
    );
    await eventually(() => repliesIn('oc_hd2').length === 1, 10_000, 'route receipt');
    expect(await prisma().route.findFirst({ where: { chatId: 'oc_hd2' } })).toMatchObject({
      kind: 'tickets',
      scope: 'hd-two',
    });
    h.emu!.reset();
    await postEvent(h.eventUrl, ticketCreated('T-400', { helpdesk_id: 'hd-two' }), { encryptKey: ENCRYPT_KEY });
    await postEvent(h.eventUrl, ticketCreated('T-401', { helpdesk_id: 'hd-one' }), { encryptKey: ENCRYPT_KEY });
    await eventually(() => repliesIn(OPS).length === 2 && repliesIn('oc_hd2').length === 1, 10_000, 'ticket cards');
    expect(repliesIn('oc_hd2')[0]).toContain('T-400');
  });

  it('the older card callback is verified with the verification token and answered with a toast', async () => {
    await postEvent(h.eventUrl, ticketCreated('T-300'), { encryptKey: ENCRYPT_KEY });
    await eventually(() => repliesIn(OPS).length === 1, 10_000, 'ticket card');
    const [message] = h.emu!.messages.filter((m) => m.chat_id === OPS);
    const res = await clickOldStyle(h.bot.url, {
      openId: AGENT2.open_id,
      value: { action: 'claim_ticket', ticket: 'T-300' },
      messageId: message!.message_id,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ toast: { type: 'success' } });
    // Its own card is brought up to date by a patch.
    await eventually(
      () => h.emu!.patches.some((p) => p.message_id === message!.message_id),
      10_000,
      'patch of the clicked card',
    );
    const forged = await fetch(`${h.bot.url}/webhook/card`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-lark-request-timestamp': '1',
        'x-lark-request-nonce': 'n',
        'x-lark-signature': 'bad',
      },
      body: JSON.stringify({
        open_id: AGENT1.open_id,
        token: 'c-1',
        action: { value: { action: 'claim_ticket', ticket: 'T-300' } },
      }),
    });
    expect(forged.status).toBe(401);
  });

  it('a card callback on /webhook/event is handled the same way', async () => {
    const res = await click(h.bot.url, {
      openId: AGENT1.open_id,
      value: { action: 'claim_ticket', ticket: 'no-such-ticket' },
      path: '/webhook/event',
    });
    expect(res.status).toBe(200);
    expect(res.body.toast?.type).toBe('error');
  });

  it('Send congratulations: learner gets one message from the manager, button → Sent, 2nd click: none', async () => {
    const passed = v2Event('elearning.course_registration.updated_v2', {
      course_id: 'course-x',
      learner: { user_id: { open_id: LEARNER.open_id, user_id: 'learner', union_id: 'on_l' } },
      learning_state: 2,
      finished_at: 1708428972,
    });
    await postEvent(h.eventUrl, passed, { encryptKey: ENCRYPT_KEY });
    // The learner's own result card and the manager's notice come from the same event, in either order: both are
    // in before the emulator is reset, so the learner's next message can only be the congratulations.
    await eventually(
      () => h.emu!.messagesTo(BOSS.open_id).length === 1 && h.emu!.messagesTo(LEARNER.open_id).length === 1,
      10_000,
      'manager notice and learner card',
    );
    const notice = h.emu!.messagesTo(BOSS.open_id)[0]!;
    const value = JSON.parse(/"value":(\{"action":"congratulate"[^}]*\})/.exec(text(notice.card))![1]!) as Record<
      string,
      unknown
    >;
    expect(value).toMatchObject({ action: 'congratulate', learner: LEARNER.open_id });
    h.emu!.reset();

    // Someone else cannot use the manager's button.
    const intruder = await click(h.bot.url, { openId: NOBODY.open_id, value, messageId: notice.message_id });
    expect(intruder.body.toast?.type).toBe('error');

    const first = await click(h.bot.url, { openId: BOSS.open_id, value, messageId: notice.message_id });
    expect(first.body.toast?.type).toBe('success');
    expect(text(first.body.card!.data)).toContain('Congratulations sent');
    expect(text(first.body.card!.data)).not.toContain('"action":"congratulate"');
    await eventually(() => h.emu!.messagesTo(LEARNER.open_id).length === 1, 10_000, 'congratulations');
    expect(text(h.emu!.messagesTo(LEARNER.open_id)[0]!.card)).toContain('王经理');

    const second = await click(h.bot.url, { openId: BOSS.open_id, value, messageId: notice.message_id });
    expect(second.body.toast?.type).toBe('info');
    await drained();
    expect(h.emu!.messagesTo(LEARNER.open_id)).toHaveLength(1);
  });

  it('binding an unresolved learner by command delivers the card that waited for them', async () => {
    const completed = {
      eventId: 'c-bind',
      eventName: 'COURSE_COMPLETED',
      timestamp: '2024-11-08T03:00:00.000Z',
      data: { userId: 5050, loId: 'course:9', loInstanceId: 'course:9_1', loType: 'course', hasPassed: true },
    };
    expect((await postAlm(h.bot.url, almBatch(completed))).status).toBe(202);
    await eventually(
      async () => (await prisma().notification.count({ where: { waitFor: 'alm:5050', status: 'waiting' } })) === 2,
    );

    await admin('unresolved');
    const adminChat = h.emu!.p2pChatId(ADMIN.open_id);
    await eventually(() => repliesIn(adminChat).length === 1, 10_000, 'unresolved list');
    expect(repliesIn(adminChat)[0]).toContain('bind alm 5050');

    await admin('绑定 alm 5050 @_user_1', { '@_user_1': { open_id: LEARNER.open_id, name: '李雷' } });
    await eventually(
      () => h.emu!.messagesTo(LEARNER.open_id).length === 1 && h.emu!.messagesTo(BOSS.open_id).length === 1,
      10_000,
      'released cards',
    );
    expect(
      await prisma().learnerIdentity.findFirst({ where: { source: 'alm', externalUserId: '5050' } }),
    ).toMatchObject({ origin: 'binding', openId: LEARNER.open_id, boundBy: ADMIN.open_id });
    expect(await prisma().auditLog.count({ where: { command: 'bind' } })).toBe(1);
  });

  it('routed groups get the team feed, seat changes and failed deliveries', async () => {
    const inOps = (text: string) =>
      say(
        h.bot.url,
        textMessage({
          from: ADMIN.open_id,
          chatId: OPS,
          chatType: 'group',
          text: `@_user_1 ${text}`,
          mentions: { '@_user_1': { open_id: BOT, name: 'bot' } },
        }),
      );
    for (const kind of ['completions', 'seats', 'failures']) await inOps(`route ${kind} here`);
    await eventually(() => repliesIn(OPS).length === 3, 10_000, 'route receipts');
    h.emu!.reset();

    // A completion: the learner's card, the manager's notice, and a feed copy in the group (without the button).
    const passed = v2Event('elearning.course_registration.created_v2', {
      course_id: 'course-feed',
      learner: { user_id: { open_id: LEARNER.open_id, user_id: 'learner', union_id: 'on_l' } },
      learning_state: 2,
    });
    await postEvent(h.eventUrl, passed, { encryptKey: ENCRYPT_KEY });
    await eventually(
      () => repliesIn(OPS).length === 1 && h.emu!.messagesTo(BOSS.open_id).length === 1,
      10_000,
      'feed copy',
    );
    expect(repliesIn(OPS)[0]).not.toContain('"action":"congratulate"');
    h.emu!.reset();

    // CI_STATS: an instance becomes full.
    const stats = (id: string, enrolled: number, at: string) => ({
      eventId: id,
      eventName: 'CI_STATS',
      timestamp: at,
      data: { loInstanceId: 'course:5_1', waitlistCount: 2, enrollmentCount: enrolled, seatLimit: 30 },
    });
    await postAlm(h.bot.url, almBatch(stats('s1', 10, '2024-11-08T01:00:00.000Z')));
    await processed();
    await postAlm(h.bot.url, almBatch(stats('s2', 30, '2024-11-08T02:00:00.000Z')));
    await eventually(() => repliesIn(OPS).length === 1, 10_000, 'seats card');
    expect(repliesIn(OPS)[0]).toContain('30 / 30');
    h.emu!.reset();

    // A delivery that fails for good (the user is outside the app's availability) is reported to the group.
    h.emu!.addUser({ open_id: 'ou_outside', user_id: 'outside', name: 'Out', inAppScope: false });
    await say(
      h.bot.url,
      v2Event('im.chat.access_event.bot_p2p_chat_entered_v1', {
        chat_id: 'oc_p',
        operator_id: { open_id: 'ou_outside', user_id: 'x', union_id: 'on' },
      }),
    );
    await eventually(() => repliesIn(OPS).length === 1, 10_000, 'failure report');
    expect(repliesIn(OPS)[0]).toContain('230013');
  });

  it('non-admins are told politely; non-commands get a hint; apps and unmentioned group messages ignored', async () => {
    const p2p = h.emu!.p2pChatId(NOBODY.open_id);
    await say(
      h.bot.url,
      textMessage({ from: NOBODY.open_id, chatId: p2p, chatType: 'p2p', text: '/notify completions off' }),
    );
    await say(h.bot.url, textMessage({ from: NOBODY.open_id, chatId: p2p, chatType: 'p2p', text: 'hello there' }));
    await say(h.bot.url, textMessage({ from: NOBODY.open_id, chatId: OPS, chatType: 'group', text: 'status' }));
    await say(h.bot.url, textMessage({ from: BOT, chatId: p2p, chatType: 'p2p', text: 'help', senderType: 'app' }));
    await processed();
    await drained();
    const replies = repliesIn(p2p);
    expect(replies).toHaveLength(2);
    expect(replies.some((r) => /admin/i.test(r))).toBe(true);
    expect(replies.some((r) => r.includes('help'))).toBe(true);
    expect(await prisma().setting.count()).toBe(0);
    expect(repliesIn(OPS)).toHaveLength(0);
  });
});
