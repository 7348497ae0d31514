import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../fixtures/index.js';
import { postEvent, v2Event } from '../helpers/feishu-events.js';
import { ENCRYPT_KEY, eventually, startHarness, type Harness } from '../helpers/harness.js';
import { LANES } from '../helpers/databases.js';
import { untilIdle } from '../helpers/idle.js';

const ADMIN = { open_id: 'ou_admin', user_id: 'admin', name: '赵敏' };
const ADMIN2 = { open_id: 'ou_admin2', user_id: 'admin2', name: 'Ada' };
// Outside the app's availability: every message to them fails for good (230013).
const LEARNER = { open_id: 'ou_learner', user_id: 'learner', name: '李雷', inAppScope: false };
const GROUP = 'oc_failures';

const seed = loadFixture<{ event: Record<string, unknown> }>('feishu/elearning.course_registration.created_v2.json');
const passed = (courseId: string) =>
  v2Event('elearning.course_registration.updated_v2', {
    ...seed.event,
    course_id: courseId,
    learner: { user_id: { open_id: LEARNER.open_id, user_id: LEARNER.user_id, union_id: 'on_learner' } },
    learning_state: 2,
  });
type I18nCard = {
  body: { elements: { element_id?: string; content?: string; i18n_content?: Record<string, string> }[] };
};
const body = (card: unknown, id = 'body') => (card as I18nCard).body.elements.find((e) => e.element_id === id);

describe.each(LANES)('permanent send failures (%s)', (lane) => {
  let h: Harness;
  const prisma = () => h.db.prisma;

  beforeAll(async () => {
    h = await startHarness({
      lane,
      emulator: { users: [ADMIN, ADMIN2, LEARNER] },
      env: { ADMIN_OPEN_IDS: ADMIN.open_id },
    });
    h.emu!.addChat(GROUP);
    await prisma().admin.create({ data: { openId: ADMIN2.open_id, addedBy: ADMIN.open_id } });
    await prisma().userPreference.create({ data: { openId: ADMIN2.open_id, lang: 'en' } });
  });
  afterAll(() => h?.stop());

  it('without a failure route, each admin is told who, why and what to do, in their language, capped', async () => {
    await postEvent(h.eventUrl, passed('course-1'), { encryptKey: ENCRYPT_KEY });
    await eventually(
      () => h.emu!.messagesTo(ADMIN.open_id).length === 1 && h.emu!.messagesTo(ADMIN2.open_id).length === 1,
      15_000,
      'failure reports',
    );
    expect(h.emu!.messagesTo(LEARNER.open_id)).toHaveLength(0);
    const zh = body(h.emu!.messagesTo(ADMIN.open_id)[0]!.card)!.i18n_content!.zh_cn!;
    expect(zh).toContain('发给 **李雷** 的完成通知发送失败，不会再自动重试。');
    expect(zh).toContain('**怎么办**：此人不在应用的可用范围内：请在飞书管理后台把此人加入应用的可用范围。');
    expect(zh).toContain('发送 **retry**');
    // The admin who chose English gets the card in English only.
    const en = body(h.emu!.messagesTo(ADMIN2.open_id)[0]!.card)!.content!;
    expect(en).toContain('A completion notice to **李雷** failed for good and will not be retried on its own.');
    expect(en).toContain("**What to do**: This person is outside the app's availability");
    for (const text of [zh, en]) {
      expect(text).not.toContain('open_id');
      expect(text).not.toContain('`');
    }
    expect(JSON.stringify(h.emu!.messagesTo(ADMIN.open_id)[0]!.card)).toContain('Recipient id: ou&#95;learner');

    // Many failures in one hour: at most three reports per admin, the third says so.
    for (const course of ['course-2', 'course-3', 'course-4', 'course-5'])
      await postEvent(h.eventUrl, passed(course), { encryptKey: ENCRYPT_KEY });
    await eventually(
      async () => (await prisma().notification.count({ where: { kind: 'completions', status: 'failed' } })) === 5,
      15_000,
      'five failures',
    );
    await untilIdle(prisma());
    expect(h.emu!.messagesTo(ADMIN.open_id)).toHaveLength(3);
    expect(h.emu!.messagesTo(ADMIN2.open_id)).toHaveLength(3);
    const cap = body(h.emu!.messagesTo(ADMIN.open_id)[2]!.card, 'cap')!.i18n_content!;
    expect(cap.zh_cn).toContain('本小时内后续的发送失败不再逐条通知你');
    expect(cap.en_us).toContain('Further failures this hour are not reported to you one by one');
  });

  it('with a failure route, the report goes to that chat instead of the admins', async () => {
    await prisma().route.create({ data: { kind: 'failures', chatId: GROUP } });
    h.emu!.reset();
    await postEvent(h.eventUrl, passed('course-6'), { encryptKey: ENCRYPT_KEY });
    await eventually(() => h.emu!.messages.some((m) => m.chat_id === GROUP), 15_000, 'report in the group');
    await untilIdle(prisma());
    expect(h.emu!.messagesTo(ADMIN.open_id)).toHaveLength(0);
    const card = h.emu!.messages.find((m) => m.chat_id === GROUP)!.card;
    expect(body(card)!.i18n_content!.en_us).toContain("This person is outside the app's availability");
  });
});
