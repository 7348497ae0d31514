/**
 * Personal and admin answers asked in a group: shown there only to the person who asked (Feishu's ephemeral card,
 * in one language, saying so), through the outbox; other answers stay visible to the whole group.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeMd } from '../../cards/kit.js';
import { say, textMessage } from '../helpers/chat.js';
import { LANES } from '../helpers/databases.js';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';

const ADMIN = { open_id: 'ou_privadmin00000000000000000000001', user_id: 'padmin', name: '赵敏' };
const LEARNER = { open_id: 'ou_privlearner000000000000000000001', user_id: 'plearner', name: '李雷' };
const GROUP = 'oc_privategroup0000000000000000001';
const BOT = { open_id: 'ou_bot_emulator', name: 'Bot' };

describe.each(LANES)('private answers in groups (%s)', (lane) => {
  let h: Harness;
  const inGroup = () => h.emu!.messages.filter((m) => m.chat_id === GROUP);
  const ask = (from: string, text: string) =>
    say(h.bot.url, textMessage({ from, chatId: GROUP, chatType: 'group', text, mentions: { '@_user_1': BOT } }));

  beforeAll(async () => {
    h = await startHarness({
      lane,
      env: { ADMIN_OPEN_IDS: ADMIN.open_id },
      emulator: { users: [ADMIN, LEARNER] },
    });
    h.emu!.addChat(GROUP, { name: '学习群 Learning' });
    await eventually(() => h.bot.services.bot.openId, 10_000, 'the bot open_id');
  });
  afterAll(() => h?.stop());

  it('shows progress and settings only to the asker, in one language, saying so', async () => {
    expect((await ask(LEARNER.open_id, '@_user_1 progress')).status).toBe(200);
    const progress = await eventually(() => inGroup()[0], 10_000, 'the progress answer');
    expect(progress.visible_to).toBe(LEARNER.open_id);
    expect(progress.content).not.toContain('i18n_content');
    expect(progress.content).toContain('🔒 仅你可见：在群里，个人和管理信息只显示给发送命令的人。');
    expect(progress.content).not.toContain('Only you can see this');

    await h.db.prisma.userPreference.create({ data: { openId: ADMIN.open_id, lang: 'en' } });
    expect((await ask(ADMIN.open_id, '@_user_1 route tickets here')).status).toBe(200);
    const receipt = await eventually(() => inGroup()[1], 10_000, 'the route receipt');
    expect(receipt.visible_to).toBeUndefined(); // the group sees that it now receives tickets
    expect((await ask(ADMIN.open_id, '@_user_1 settings')).status).toBe(200);
    const settings = await eventually(() => inGroup()[2], 10_000, 'the settings answer');
    // The routed chat by the name Feishu gives it (im.v1.chat.get), cached for every instance.
    expect(settings.content).toContain(`学习群 Learning <font color='grey'>${escapeMd(GROUP)}</font>`);
    expect(settings.content).toContain('"form_action_type":"submit"');
    expect(await h.db.prisma.feishuChat.findUnique({ where: { chatId: GROUP } })).toMatchObject({
      name: '学习群 Learning',
    });
    expect(settings.visible_to).toBe(ADMIN.open_id);
    expect(settings.content).toContain('Only you can see this: in a group, personal and admin answers');
    expect(settings.content).not.toContain('仅你可见');
    // The emulator records the card a moment before the bot marks its row sent.
    const row = await eventually(
      () => h.db.prisma.notification.findFirst({ where: { messageId: settings.message_id } }),
      10_000,
      'the sent row',
    );
    expect(row).toMatchObject({ receiveIdType: 'chat_id', receiveId: GROUP, visibleTo: ADMIN.open_id });
  });

  it('keeps the help answer visible to everyone in the group', async () => {
    const before = inGroup().length;
    expect((await ask(LEARNER.open_id, '@_user_1 help')).status).toBe(200);
    const help = await eventually(() => inGroup()[before], 10_000, 'the help answer');
    expect(help.visible_to).toBeUndefined();
    expect(help.content).toContain('i18n_content');
  });

  it('the emulator refuses ephemeral cards with per-element languages, and in direct chats', async () => {
    const emu = h.emu!;
    const issued = await fetch(`${emu.url}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: emu.appId, app_secret: emu.appSecret }),
    });
    const token = ((await issued.json()) as { tenant_access_token: string }).tenant_access_token;
    const send = (body: object) =>
      fetch(`${emu.url}/open-apis/ephemeral/v1/send`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { code: number } }));
    const card = {
      schema: '2.0',
      body: { elements: [{ tag: 'markdown', content: 'x', i18n_content: { zh_cn: 'x', en_us: 'x' } }] },
    };
    const base = { chat_id: GROUP, open_id: LEARNER.open_id, msg_type: 'interactive' };
    expect((await send({ ...base, card })).body.code).toBe(230099);
    const plain = { schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'x' }] } };
    expect((await send({ ...base, card: plain })).body.code).toBe(0);
    expect((await send({ ...base, chat_id: h.emu!.p2pChatId(LEARNER.open_id), card: plain })).body.code).toBe(230001);
    expect((await send({ ...base, open_id: 'ou_nobody', card: plain })).body.code).toBe(230001);
  });
});
