import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from '../fixtures/index.js';
import { postEvent, v2Event } from '../helpers/feishu-events.js';
import { ENCRYPT_KEY, VERIFICATION_TOKEN, eventually, startHarness, type Harness } from '../helpers/harness.js';
import { LANES } from '../helpers/databases.js';
import { ALM_PASSWORD, ALM_USER, QSY_KEY, almBatch, basicAuth, postAlm, postQingsuyun } from '../helpers/sources.js';
import { AlmEmulator } from '../../src/emulator/alm/index.js';
import { untilIdle } from '../helpers/idle.js';
import { say, textMessage } from '../helpers/chat.js';

const BOSS = { open_id: 'ou_boss', user_id: 'boss', name: '王经理' };
const users = [
  BOSS,
  { open_id: 'ou_li', user_id: 'lilei', name: '李雷', email: 'li@corp.example', leader_user_id: 'ou_boss' },
  { open_id: 'ou_zhang', user_id: 'zhanghao', name: '张三', leader_user_id: 'ou_boss' },
  { open_id: 'ou_1001', user_id: '1001', name: '月清疏', leader_user_id: 'ou_boss' },
  { open_id: 'ou_84aad35d084aa403a838cf73ee18467', user_id: 'e33ggbyz', name: '学员', leader_user_id: 'ou_boss' },
  { open_id: 'ou_solo', user_id: 'solo', name: 'Solo', email: 'solo@corp.example' },
  { open_id: 'ou_assigned', user_id: 'assigned', name: '韩梅梅', leader_user_id: 'ou_boss' },
  ...Array.from({ length: 6 }, (_, i) => ({
    open_id: `ou_perm${i}`,
    user_id: `perm${i}`,
    name: `P${i}`,
    leader_user_id: 'ou_boss',
  })),
];
const text = (card: unknown) => JSON.stringify(card);
const almSeed = (name: string) => loadFixture<{ events: Record<string, unknown>[] }>(`alm/${name}.json`).events[0]!;

describe.each(LANES)('learning notifications (%s)', (lane) => {
  let h: Harness;
  let alm: AlmEmulator;
  const prisma = () => h.db.prisma;
  const cardsTo = (openId: string) => h.emu!.messagesTo(openId).map((m) => text(m.card));

  beforeAll(async () => {
    alm = await AlmEmulator.start({});
    alm.addUser({ id: 12345678, email: 'li@corp.example', name: 'Li Lei' });
    alm.addUser({ id: 777, email: 'solo@corp.example', name: 'Solo' });
    alm.addLearningObject({ id: 'course:12345678', name: 'Safety 101', loType: 'course' });
    h = await startHarness({
      lane,
      emulator: { users },
      env: {
        ALM_WEBHOOK_USER: ALM_USER,
        ALM_WEBHOOK_PASSWORD: ALM_PASSWORD,
        ALM_CLIENT_ID: alm.clientId,
        ALM_CLIENT_SECRET: alm.clientSecret,
        ALM_REFRESH_TOKEN: alm.refreshToken,
        ALM_API_BASE: alm.url,
        QINGSUYUN_SECRET_KEY: QSY_KEY,
      },
    });
  });
  afterAll(async () => {
    await h?.stop();
    await alm?.stop();
  });
  afterEach(async () => {
    // Each test starts with nothing in flight: what it sends is its own.
    await eventually(
      async () =>
        (await prisma().inboundEvent.count({
          where: { status: { in: ['pending', 'processing'] }, availableAt: { lte: new Date() } },
        })) === 0,
    );
    await eventually(
      async () => (await prisma().notification.count({ where: { status: { in: ['pending', 'sending'] } } })) === 0,
    );
    h.emu!.reset();
  });

  describe('Adobe Learning Manager', () => {
    it('refuses requests without or with wrong Basic credentials, storing nothing', async () => {
      const batch = almBatch(almSeed('COURSE_ENROLLMENT'));
      for (const auth of [null, basicAuth(ALM_USER, 'wrong'), basicAuth('someone', ALM_PASSWORD), 'Bearer x']) {
        const res = await postAlm(h.bot.url, batch, auth);
        expect(res.status).toBe(401);
        expect(await res.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) });
      }
      expect(await prisma().inboundEvent.count({ where: { source: 'alm' } })).toBe(0);
      const bad = await postAlm(h.bot.url, { accountId: 1, events: [{ eventName: 'X' }] });
      expect(bad.status).toBe(400);
      expect(await prisma().inboundEvent.count({ where: { source: 'alm' } })).toBe(0);
    });

    it('stores each event of the seed enrolment, answers 202, sends the enrolment card with course name', async () => {
      const res = await postAlm(h.bot.url, almBatch(almSeed('COURSE_ENROLLMENT')));
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ accepted: 1, duplicates: 0 });
      const again = await postAlm(h.bot.url, almBatch(almSeed('COURSE_ENROLLMENT')));
      expect(await again.json()).toEqual({ accepted: 0, duplicates: 1 });
      await eventually(() => h.emu!.messagesTo('ou_li').length >= 1, 10_000, 'enrolment card');
      const [card] = cardsTo('ou_li');
      expect(card).toContain('Safety 101');
      expect(card).toContain('You enrolled in the course');
      expect(card).not.toContain('An admin or your manager');
      const record = await prisma().learningRecord.findFirst({ where: { source: 'alm', externalUserId: '12345678' } });
      expect(record).toMatchObject({
        state: 'enrolled',
        itemKey: 'course:12345678_14450088',
        itemName: 'Safety 101',
        enrollSource: 'self',
      });
      expect(
        await prisma().inboundEvent.count({
          where: { source: 'alm', externalId: '12345c1-4576-4ec5-a057-3a6f078cc9d6' },
        }),
      ).toBe(1);
      // The identity was found through the ALM email and contact batch_get_id, and cached.
      expect(
        await prisma().learnerIdentity.findFirst({ where: { source: 'alm', externalUserId: '12345678' } }),
      ).toMatchObject({ status: 'resolved', openId: 'ou_li', origin: 'lookup' });
    });

    it('records unknown event names and every seed sample without failing', async () => {
      const all = [
        'CI_STATS',
        'LEARNING_OBJECT_MODIFICATION',
        'LEARNING_OBJECT_INSTANCE_MODIFICATION',
        'LEARNING_OBJECT_DRAFT',
        'LEARNING_OBJECT_DELETION',
        'LEARNING_OBJECT_INSTANCE_DELETION',
        'LEARNING_OBJECT_MODIFICATION_BATCH',
        'LEARNING_OBJECT_INSTANCE_MODIFICATION_BATCH',
      ].map(almSeed);
      const res = await postAlm(
        h.bot.url,
        almBatch(...all, {
          eventId: 'new-1',
          eventName: 'BRAND_NEW_EVENT',
          timestamp: '2024-11-08T03:49:52.000Z',
          data: {},
        }),
      );
      expect(res.status).toBe(202);
      expect(await prisma().inboundEvent.findFirst({ where: { externalId: 'new-1' } })).toMatchObject({
        status: 'ignored',
        eventType: 'BRAND_NEW_EVENT',
      });
      await eventually(
        async () =>
          (await prisma().inboundEvent.count({
            where: { source: 'alm', status: { in: ['pending', 'processing'] } },
          })) === 0,
      );
      expect(await prisma().inboundEvent.count({ where: { source: 'alm', status: 'failed' } })).toBe(0);
      expect(await prisma().almCatalog.findUnique({ where: { id: 'course:12345678_14448475' } })).toMatchObject({
        seatLimit: 30,
        enrolled: 10,
        waitlist: 0,
      });
      expect(await prisma().almCatalog.findUnique({ where: { id: 'learningProgram:123836' } })).toMatchObject({
        kind: 'lo',
        state: 'modified',
      });
    });

    it('same final record, at most one completion card, in any order of enrolment, progress, completion', async () => {
      const orders = [
        ['E', 'P', 'C'],
        ['E', 'C', 'P'],
        ['P', 'E', 'C'],
        ['P', 'C', 'E'],
        ['C', 'E', 'P'],
        ['C', 'P', 'E'],
      ];
      const finals: unknown[] = [];
      for (const [i, order] of orders.entries()) {
        const userId = 9000 + i;
        await prisma().learnerIdentity.create({
          data: {
            source: 'alm',
            externalUserId: String(userId),
            status: 'resolved',
            origin: 'binding',
            openId: `ou_perm${i}`,
          },
        });
        const lo = { userId, loId: 'course:12345678', loInstanceId: 'course:12345678_1', loType: 'course' };
        const events = {
          E: {
            eventId: `e-${i}`,
            eventName: 'COURSE_ENROLLMENT',
            timestamp: '2024-11-08T01:00:00.000Z',
            data: { ...lo, enrollmentSource: 'SELF_ENROLL', dateEnrolled: '2024-11-08T01:00:00.000Z' },
          },
          P: {
            eventId: `p-${i}`,
            eventName: 'LEARNER_PROGRESS',
            timestamp: '2024-11-08T02:00:00.000Z',
            data: { ...lo, progressPercent: 50 },
          },
          C: {
            eventId: `c-${i}`,
            eventName: 'COURSE_COMPLETED',
            timestamp: '2024-11-08T03:00:00.000Z',
            data: { ...lo, hasPassed: true, dateCompleted: '2024-11-08T03:00:00.000Z' },
          },
        } as const;
        // Each event in its own delivery, each delivered twice, the duplicate right after or at the end.
        const sequence = [...order, order[0]!, order[2]!] as (keyof typeof events)[];
        for (const k of sequence) {
          expect((await postAlm(h.bot.url, almBatch(events[k]))).status).toBe(202);
          await eventually(
            async () =>
              (await prisma().inboundEvent.count({
                where: { source: 'alm', status: { in: ['pending', 'processing'] } },
              })) === 0,
          );
        }
        const record = await prisma().learningRecord.findFirst({
          where: { source: 'alm', externalUserId: String(userId) },
        });
        const { id: _id, externalUserId: _u, createdAt: _c, updatedAt: _up, notified, ...rest } = record!;
        // Event ids differ per learner; everything else must be identical.
        const facts = JSON.parse(
          JSON.stringify(rest.facts, (k, v: unknown) => (k === 'eventId' ? undefined : v)),
        ) as unknown;
        // Whether the enrolment card went out depends on the order (see below); the rest of the record does not.
        finals.push({ ...rest, facts, notified: notified.filter((k) => k !== 'enrolled').sort() });
      }
      for (const f of finals) expect(f).toEqual(finals[0]);
      expect(finals[0]).toMatchObject({ state: 'passed', progressPercent: 100, itemName: 'Safety 101' });
      await eventually(() => h.emu!.messagesTo('ou_boss').length >= 6, 10_000, 'manager notices');
      await untilIdle(prisma());
      for (let i = 0; i < orders.length; i++) {
        const cards = cardsTo(`ou_perm${i}`);
        expect(cards.filter((c) => c.includes('课程已通过'))).toHaveLength(1);
        // An enrolment card only when the enrolment came before progress and completion; ignored after them.
        const enrolmentFirst = orders[i]![0] === 'E';
        expect(cards.filter((c) => c.includes('课程已通过'))).toHaveLength(1);
        expect(cards).toHaveLength(enrolmentFirst ? 2 : 1);
      }
      expect(h.emu!.messagesTo('ou_boss')).toHaveLength(6);
    });

    it('keeps the cards of a learner it cannot find, and delivers them once the learner is bound', async () => {
      const lo = { userId: 4040, loId: 'course:12345678', loInstanceId: 'course:12345678_9', loType: 'course' };
      const completed = {
        eventId: 'c-unknown',
        eventName: 'COURSE_COMPLETED',
        timestamp: '2024-11-08T03:00:00.000Z',
        data: { ...lo, hasPassed: true },
      };
      expect((await postAlm(h.bot.url, almBatch(completed))).status).toBe(202);
      const waiting = await eventually(async () => {
        const rows = await prisma().notification.findMany({ where: { waitFor: 'alm:4040' } });
        return rows.length === 2 ? rows : undefined;
      });
      expect(waiting.map((r) => r.status)).toEqual(['waiting', 'waiting']);
      expect(
        await prisma().learnerIdentity.findFirst({ where: { source: 'alm', externalUserId: '4040' } }),
      ).toMatchObject({ status: 'unresolved', lastError: 'ALM has no user 4040' });
      expect(h.emu!.messages).toHaveLength(0);
      // An admin binds the learner (the `bind` command writes this row and wakes the resolver).
      await prisma().learnerIdentity.update({
        where: { source_externalUserId: { source: 'alm', externalUserId: '4040' } },
        data: { status: 'resolved', origin: 'binding', openId: 'ou_zhang' },
      });
      h.bot.waiting.wake();
      await eventually(
        () => h.emu!.messagesTo('ou_zhang').length === 1 && h.emu!.messagesTo('ou_boss').length === 1,
        10_000,
        'released cards',
      );
      const notice = h.emu!.messagesTo('ou_boss')[0]!.card;
      expect(text(notice)).toContain('"learner":"ou_zhang"');
      expect(text(notice)).not.toContain('{{learner_open_id}}');
    });
  });

  describe('Qingsuyun', () => {
    const sheet = loadFixture<Record<string, unknown> & { eventBody: Record<string, unknown> }>(
      'qingsuyun/answerSheet.json',
    );

    it('refuses a missing or wrong secretKey with 401 and stores nothing', async () => {
      const { secretKey: _k, ...noKey } = sheet;
      for (const body of [noKey, { ...sheet, secretKey: 'wrong' }, { ...sheet, secretKey: 42 }]) {
        const res = await postQingsuyun(h.bot.url, body);
        expect(res.status).toBe(401);
      }
      expect(await prisma().inboundEvent.count({ where: { source: 'qingsuyun' } })).toBe(0);
    });

    it('answers exactly "success", stores once per uuid without secret, result to learner and manager', async () => {
      const res = await postQingsuyun(h.bot.url, sheet);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('success');
      expect(await (await postQingsuyun(h.bot.url, sheet)).text()).toBe('success');
      const stored = await prisma().inboundEvent.findMany({ where: { source: 'qingsuyun' } });
      expect(stored).toHaveLength(1);
      expect(JSON.stringify(stored[0]!.payload)).not.toContain(QSY_KEY);
      await eventually(
        () => h.emu!.messagesTo('ou_zhang').length === 1 && h.emu!.messagesTo('ou_boss').length === 1,
        10_000,
        'exam cards',
      );
      const learner = cardsTo('ou_zhang')[0]!;
      expect(learner).toContain('试卷名称');
      expect(learner).toContain('0 / 100');
      expect(learner).toContain('60');
      const notice = cardsTo('ou_boss')[0]!;
      expect(notice).toContain('张三');
      expect(notice).not.toContain('"action":"congratulate"'); // not passed: nothing to congratulate
    });

    it('an ungraded sheet is awaiting grading: a card to the learner, none to the manager', async () => {
      await postQingsuyun(h.bot.url, {
        ...sheet,
        uuid: 'sheet-pending',
        eventBody: { ...sheet.eventBody, id: 'sheet-2', judged: 0, endTime: 1641634879413 },
      });
      await eventually(() => h.emu!.messagesTo('ou_zhang').length === 1, 10_000, 'awaiting card');
      expect(cardsTo('ou_zhang')[0]).toMatch(/阅卷|grading/);
      await untilIdle(prisma());
      expect(h.emu!.messagesTo('ou_boss')).toHaveLength(0);
    });

    it('completion to learner+manager (congratulations), courseware progress silent, streaks to learner', async () => {
      // The seed samples share one uuid; each callback here gets its own.
      await postQingsuyun(h.bot.url, { ...loadFixture<object>('qingsuyun/courseFinish.json'), uuid: 'course-1' });
      await eventually(
        () => h.emu!.messagesTo('ou_1001').length === 1 && h.emu!.messagesTo('ou_boss').length === 1,
        10_000,
        'course cards',
      );
      const record = await prisma().learningRecord.findFirst({
        where: { source: 'qingsuyun', externalUserId: '1001' },
      });
      expect(text(h.emu!.messagesTo('ou_boss')[0]!.card)).toContain(
        `{"action":"congratulate","record":"${record!.id}","learner":"ou_1001"}`,
      );
      h.emu!.reset();
      await postQingsuyun(h.bot.url, { ...loadFixture<object>('qingsuyun/coursewareFinish.json'), uuid: 'ware-1' });
      h.emu!.addUser({ open_id: 'ou_1002', user_id: '1002', name: '龙葵' });
      // This seed sample carries another app's secret key.
      expect((await postQingsuyun(h.bot.url, loadFixture('qingsuyun/clockFinish.json'))).status).toBe(401);
      await postQingsuyun(h.bot.url, { ...loadFixture<object>('qingsuyun/clockFinish.json'), secretKey: QSY_KEY });
      await eventually(() => h.emu!.messagesTo('ou_1002').length === 1, 10_000, 'check-in card');
      expect(cardsTo('ou_1002')[0]).toContain('**1** day');
      expect(
        await prisma().learningRecord.findFirst({ where: { source: 'qingsuyun', externalUserId: '1003' } }),
      ).toMatchObject({ state: 'in_progress' });
      expect(h.emu!.messagesTo('ou_1003')).toHaveLength(0);
    });
  });

  describe('Feishu eLearning', () => {
    const seed = loadFixture<{ header: Record<string, string>; event: Record<string, unknown> }>(
      'feishu/elearning.course_registration.created_v2.json',
    );
    const registration = (eventType: string, event: Record<string, unknown>) =>
      v2Event(eventType, { ...seed.event, ...event });

    it('records the seed (state 4) as unknown with a log line and no card', async () => {
      const body = { ...seed, header: { ...seed.header, token: VERIFICATION_TOKEN } };
      expect((await postEvent(h.eventUrl, body, { encryptKey: ENCRYPT_KEY })).status).toBe(200);
      const record = await eventually(() =>
        prisma().learningRecord.findFirst({ where: { source: 'feishu', itemKey: '5fd087e96dbe3a73394188ae' } }),
      );
      expect(record).toMatchObject({ state: 'unknown', rawState: '4', durationSeconds: 213 });
      expect(h.logs.text()).toMatch(/unknown learning_state 4/);
      await untilIdle(prisma());
      expect(h.emu!.messages).toHaveLength(0);
    });

    it('passed: a card to the learner, "Send congratulations" notice to the manager, in the learner zone', async () => {
      await postEvent(
        h.eventUrl,
        registration('elearning.course_registration.updated_v2', { learning_state: 2, finished_at: 1708428972 }),
        { encryptKey: ENCRYPT_KEY },
      );
      await eventually(
        () =>
          h.emu!.messagesTo('ou_84aad35d084aa403a838cf73ee18467').length === 1 &&
          h.emu!.messagesTo('ou_boss').length === 1,
        10_000,
        'passed cards',
      );
      const learner = cardsTo('ou_84aad35d084aa403a838cf73ee18467')[0]!;
      expect(learner).toContain('课程已通过');
      expect(learner).toContain('2024-02-20 19:36'); // 1708428972 in Asia/Shanghai
      expect(cardsTo('ou_boss')[0]).toContain('"action":"congratulate"');
    });

    it('not passed: a card to the learner only; deleted: the record is marked removed', async () => {
      await postEvent(
        h.eventUrl,
        registration('elearning.course_registration.updated_v2', { course_id: 'course-b', learning_state: 3 }),
        { encryptKey: ENCRYPT_KEY },
      );
      await eventually(
        () => h.emu!.messagesTo('ou_84aad35d084aa403a838cf73ee18467').length === 1,
        10_000,
        'not passed card',
      );
      expect(cardsTo('ou_84aad35d084aa403a838cf73ee18467')[0]).toContain('课程未通过');
      await postEvent(
        h.eventUrl,
        v2Event('elearning.course_registration.deleted_v2', { course_id: 'course-b', learner: seed.event.learner }),
        { encryptKey: ENCRYPT_KEY },
      );
      await eventually(
        async () => (await prisma().learningRecord.findFirst({ where: { itemKey: 'course-b' } }))?.state === 'removed',
      );
      await untilIdle(prisma());
      expect(h.emu!.messagesTo('ou_boss')).toHaveLength(0);
    });

    it('an assignment gets the "enrolled" card (self-enrolment none); a deletion after the pass keeps it', async () => {
      const learner = { user_id: { open_id: 'ou_assigned', user_id: 'assigned', union_id: 'on_assigned' } };
      const created = (courseId: string, enrollType: number) =>
        registration('elearning.course_registration.created_v2', {
          course_id: courseId,
          learner,
          enroll_type: enrollType,
          learning_state: 0,
          learned_compulsory_lesson_ids: [],
        });
      await postEvent(h.eventUrl, created('course-self', 2), { encryptKey: ENCRYPT_KEY });
      await untilIdle(prisma());
      expect(h.emu!.messagesTo('ou_assigned')).toHaveLength(0);

      await postEvent(h.eventUrl, created('course-assigned', 1), { encryptKey: ENCRYPT_KEY });
      await eventually(() => h.emu!.messagesTo('ou_assigned').length === 1, 10_000, 'enrolled card');
      const card = h.emu!.messagesTo('ou_assigned')[0]!.card as {
        header: { title: { i18n_content: Record<string, string> } };
      };
      expect(card.header.title.i18n_content).toEqual({ zh_cn: '报名成功', en_us: 'Enrolled' });
      // Feishu eLearning events carry only the course's id: the card says where the course is, with the id small.
      expect(text(card)).toContain('管理员或你的经理为你报名了**飞书学习中的一门课程**。');
      expect(text(card)).toContain('An admin or your manager enrolled you in **a course in Feishu eLearning**.');
      expect(text(card)).toContain('课程 ID：course-assigned</font>');
      // The source in each reader's language, not both in one line.
      expect(text(card)).toContain('来源：飞书学习</font>');
      expect(text(card)).toContain('Source: Feishu eLearning</font>');
      expect(text(card)).not.toContain('飞书学习 / Feishu eLearning');
      // A rule's assignment (3) is an assignment too; the manager hears of neither.
      await postEvent(h.eventUrl, created('course-rule', 3), { encryptKey: ENCRYPT_KEY });
      await eventually(() => h.emu!.messagesTo('ou_assigned').length === 2, 10_000, 'rule enrolled card');
      await untilIdle(prisma());
      expect(h.emu!.messagesTo('ou_boss')).toHaveLength(0);

      const update = (eventType: string, event: Record<string, unknown>, at: number) => {
        const body = registration(eventType, { course_id: 'course-assigned', learner, ...event });
        return { ...body, header: { ...body.header, create_time: String(at) } };
      };
      const now = Date.now();
      await postEvent(
        h.eventUrl,
        update('elearning.course_registration.updated_v2', { learning_state: 2, finished_at: 1708428972 }, now),
        { encryptKey: ENCRYPT_KEY },
      );
      await postEvent(h.eventUrl, update('elearning.course_registration.deleted_v2', { learning_state: 2 }, now + 1), {
        encryptKey: ENCRYPT_KEY,
      });
      await untilIdle(prisma());
      expect(
        await prisma().learningRecord.findFirst({
          where: { itemKey: 'course-assigned', externalUserId: 'ou_assigned' },
        }),
      ).toMatchObject({ state: 'passed' });
      h.emu!.reset();
      const chatId = h.emu!.p2pChatId('ou_assigned');
      await say(h.bot.url, textMessage({ from: 'ou_assigned', chatId, chatType: 'p2p', text: 'progress' }));
      const replies = () => h.emu!.messages.filter((m) => m.chat_id === chatId);
      await eventually(() => replies().length === 1, 10_000, 'progress card');
      const progress = text(replies()[0]!.card);
      expect(progress).toContain('已通过');
      expect(progress).toContain('Passed');
      expect(progress).not.toContain('已移除');
    });

    it('a learner without a manager gets the card; no manager card and no error', async () => {
      const solo = { user_id: { open_id: 'ou_solo', user_id: 'solo', union_id: 'on_solo' } };
      await postEvent(
        h.eventUrl,
        registration('elearning.course_registration.created_v2', { learner: solo, learning_state: 2 }),
        { encryptKey: ENCRYPT_KEY },
      );
      await eventually(() => h.emu!.messagesTo('ou_solo').length === 1, 10_000, 'solo card');
      await untilIdle(prisma());
      expect(h.emu!.messages).toHaveLength(1);
      expect(await prisma().inboundEvent.count({ where: { status: 'failed' } })).toBe(0);
    });

    it('a manager override wins over leader_user_id; a time zone preference changes the times shown', async () => {
      await prisma().managerOverride.create({ data: { learnerOpenId: 'ou_li', managerOpenId: 'ou_solo' } });
      await prisma().userPreference.create({ data: { openId: 'ou_li', timeZone: 'UTC' } });
      const li = { user_id: { open_id: 'ou_li', user_id: 'lilei', union_id: 'on_li' } };
      await postEvent(
        h.eventUrl,
        registration('elearning.course_registration.created_v2', {
          course_id: 'course-c',
          learner: li,
          learning_state: 2,
          finished_at: 1708428972,
        }),
        { encryptKey: ENCRYPT_KEY },
      );
      await eventually(
        () => h.emu!.messagesTo('ou_li').length === 1 && h.emu!.messagesTo('ou_solo').length === 1,
        10_000,
        'override cards',
      );
      expect(cardsTo('ou_li')[0]).toContain('2024-02-20 11:36');
      expect(h.emu!.messagesTo('ou_boss')).toHaveLength(0);
    });
  });
});

describe('sources not configured', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ emulator: false });
  });
  afterAll(() => h?.stop());

  it('refuses every ALM and Qingsuyun request and says why in the log', async () => {
    const alm = await postAlm(h.bot.url, almBatch(almSeed('COURSE_ENROLLMENT')));
    expect(alm.status).toBe(401);
    expect(await alm.json()).toMatchObject({ error: 'not_configured' });
    const qsy = await postQingsuyun(h.bot.url, loadFixture('qingsuyun/answerSheet.json'));
    expect(qsy.status).toBe(401);
    expect(await h.db.prisma.inboundEvent.count()).toBe(0);
    expect(h.logs.text()).toMatch(/ALM_WEBHOOK_USER/);
    expect(h.logs.text()).toMatch(/QINGSUYUN_SECRET_KEY/);
  });
});

describe('the ALM API budget', () => {
  let h: Harness;
  let alm: AlmEmulator;
  beforeAll(async () => {
    alm = await AlmEmulator.start({});
    alm.addUser({ id: 1, email: 'li@corp.example', name: 'Li Lei' });
    alm.addUser({ id: 2, email: 'solo@corp.example', name: 'Solo' });
    alm.addLearningObject({ id: 'course:1', name: 'Course One', loType: 'course' });
    alm.addLearningObject({ id: 'course:2', name: 'Course Two', loType: 'course' });
    alm.addInstance({ id: 'course:1_1' });
    alm.addInstance({ id: 'course:2_1' });
    h = await startHarness({
      emulator: { users },
      env: {
        ALM_WEBHOOK_USER: ALM_USER,
        ALM_WEBHOOK_PASSWORD: ALM_PASSWORD,
        ALM_CLIENT_ID: alm.clientId,
        ALM_CLIENT_SECRET: alm.clientSecret,
        ALM_REFRESH_TOKEN: alm.refreshToken,
        ALM_API_BASE: alm.url,
        // An admin enrolment takes three calls: the learner, the course's name, the instance's completion deadline.
        ALM_API_MAX_PER_HOUR: '3',
      },
    });
  });
  afterAll(async () => {
    await h?.stop();
    await alm?.stop();
  });

  it('never exceeds the hourly budget; the event and its cards wait for it instead of being dropped', async () => {
    const enrol = (i: number) => ({
      eventId: `budget-${i}`,
      eventName: 'COURSE_ENROLLMENT_BATCH',
      timestamp: '2024-11-08T01:00:00.000Z',
      data: {
        userId: i,
        loId: `course:${i}`,
        loInstanceId: `course:${i}_1`,
        loType: 'course',
        enrollmentSource: 'ADMIN_ENROLL',
      },
    });
    await postAlm(h.bot.url, almBatch(enrol(1)));
    await eventually(() => h.emu!.messagesTo('ou_li').length === 1, 10_000, 'first card');
    expect(JSON.stringify(h.emu!.messagesTo('ou_li')[0]!.card)).toContain(
      'An admin or your manager enrolled you in the course **Course One**',
    );
    await postAlm(h.bot.url, almBatch(enrol(2)));
    const postponed = await eventually(async () => {
      const e = await h.db.prisma.inboundEvent.findFirst({ where: { externalId: 'budget-2' } });
      return e?.status === 'pending' && e.lastError ? e : undefined;
    });
    expect(postponed.lastError).toMatch(/budget/);
    expect(postponed.attempts).toBe(0);
    expect(postponed.availableAt.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(alm.primeRequests()).toHaveLength(3);
    expect(h.emu!.messagesTo('ou_solo')).toHaveLength(0);
    // An hour later (simulated): the budget's window has passed and the event is due again.
    await h.db.prisma.$executeRaw`UPDATE api_call SET at = at - interval '2 hours'`;
    await h.db.prisma.inboundEvent.update({ where: { id: postponed.id }, data: { availableAt: new Date() } });
    h.bot.worker.wake();
    await eventually(() => h.emu!.messagesTo('ou_solo').length === 1, 10_000, 'postponed card');
    expect(alm.primeRequests().filter((r) => r.status === 429)).toHaveLength(0);
  });
});
