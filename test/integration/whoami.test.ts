import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textMessageEvent } from '../helpers/feishu-events.js';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { LANES } from '../helpers/databases.js';
import { say } from '../helpers/chat.js';

const USER = {
  open_id: 'ou_whoami0000000000000000000000001',
  user_id: 'g7x2k9',
  union_id: 'on_whoami000000000000000000000001',
};
const GROUP = 'oc_whoamigroup00000000000000000001';

/** im.message.receive_v1 as Feishu sends it: the sender's three ids, the chat, the text. */
function message(opts: {
  chatId: string;
  chatType: 'p2p' | 'group';
  text: string;
  mentionBot?: boolean;
  ids?: { open_id: string; user_id?: string; union_id: string };
}) {
  return textMessageEvent({
    from: opts.ids ?? USER,
    chatId: opts.chatId,
    chatType: opts.chatType,
    text: opts.mentionBot ? `@_user_1 ${opts.text}` : opts.text,
    mentions: opts.mentionBot ? [{ open_id: 'ou_bot_emulator', name: 'Bot' }] : [],
  });
}

describe.each(LANES)('whoami (%s)', (lane) => {
  let h: Harness;
  const replyIn = (chatId: string) =>
    eventually(() => h.emu!.messages.find((m) => m.receive_id === chatId), 10_000, `a reply in ${chatId}`);

  beforeAll(async () => {
    h = await startHarness({ lane, emulator: { users: [{ ...USER, name: 'Who' }] } });
    h.emu!.addChat(GROUP);
    // The bot recognises its mentions once it knows its own open_id (read at start).
    await eventually(() => h.bot.services.bot.openId, 10_000, 'the bot open_id');
  });
  afterAll(() => h?.stop());

  it('tells anyone their open_id, user_id and union_id in a direct chat', async () => {
    const chatId = h.emu!.p2pChatId(USER.open_id);
    expect((await say(h.bot.url, message({ chatId, chatType: 'p2p', text: 'whoami' }))).status).toBe(200);
    const card = JSON.stringify((await replyIn(chatId)).card);
    expect(card).toContain('Your Feishu ids');
    for (const id of [USER.open_id, USER.user_id, USER.union_id]) expect(card).toContain(`\`${id}\``);
    expect(card).toContain('ADMIN_OPEN_IDS');
    expect(card).not.toContain('chat_id');
  });

  it('answers the Chinese alias in a group, with the chat id, and says when user_id is missing', async () => {
    const ids = { open_id: USER.open_id, union_id: USER.union_id };
    expect(
      (await say(h.bot.url, message({ chatId: GROUP, chatType: 'group', text: '我是谁', mentionBot: true, ids })))
        .status,
    ).toBe(200);
    const reply = await replyIn(GROUP);
    // Personal ids in a group: only the asker sees the card, in their language (Chinese unless they chose English).
    expect(reply.visible_to).toBe(USER.open_id);
    const card = JSON.stringify(reply.card);
    expect(card).toContain(`\`${GROUP}\``);
    expect(card).toContain('本群 chat_id');
    expect(card).not.toContain('i18n_content');
    expect(card).toContain('contact:user.employee_id:readonly');
    expect(card).toContain(`\`${USER.open_id}\``);
  });
});
