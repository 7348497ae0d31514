/**
 * Feishu rejects a whole card that mentions an open_id it does not know (230099, sub-code 100290), as the emulator
 * does: list replies still arrive, mentioning only the users the directory confirmed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { say, textMessage } from '../helpers/chat.js';

const ADMIN = { open_id: 'ou_admin', user_id: 'admin', name: 'Ada Admin' };
const GHOST = 'ou_ghost0nobody';

describe('mentions in cards', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ emulator: { users: [ADMIN] }, env: { ADMIN_OPEN_IDS: `${ADMIN.open_id},${GHOST}` } });
  });
  afterAll(() => h?.stop());

  it('the emulator refuses a card that mentions an unknown open_id, as Feishu does', async () => {
    const auth = await fetch(`${h.emu!.url}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: h.emu!.appId, app_secret: h.emu!.appSecret }),
    });
    const token = ((await auth.json()) as { tenant_access_token: string }).tenant_access_token;
    const send = (id: string) =>
      fetch(`${h.emu!.url}/open-apis/im/v1/messages?receive_id_type=open_id`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          receive_id: ADMIN.open_id,
          msg_type: 'interactive',
          content: JSON.stringify({
            schema: '2.0',
            body: { elements: [{ tag: 'markdown', content: `hi <at id=${id}></at>` }] },
          }),
        }),
      });
    const refused = await send(GHOST);
    expect(await refused.json()).toMatchObject({ code: 230099, msg: expect.stringContaining('100290') });
    expect((await (await send(ADMIN.open_id)).json()) as { code: number }).toMatchObject({ code: 0 });
  });

  it('`admins` with an unknown id in ADMIN_OPEN_IDS: the reply arrives, the unknown id as plain text', async () => {
    const chatId = h.emu!.p2pChatId(ADMIN.open_id);
    const before = h.emu!.messages.length;
    const res = await say(h.bot.url, textMessage({ from: ADMIN.open_id, chatId, chatType: 'p2p', text: 'admins' }));
    expect(res.status).toBe(200);
    const reply = await eventually(
      () =>
        h
          .emu!.messages.slice(before)
          .find((m) => m.chat_id === chatId && JSON.stringify(m.card).includes('ADMIN_OPEN_IDS')),
      10_000,
      'the admins reply',
    );
    const text = JSON.stringify(reply.card);
    expect(text).toContain(`<at id=${ADMIN.open_id}></at>`);
    expect(text).not.toContain(`<at id=${GHOST}>`);
    expect(text).toContain('ou&#95;ghost0nobody');
  });
});
