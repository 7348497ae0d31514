import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { SettableClock } from '../../src/domain/clock.js';
import { buildDigest } from '../../src/team/digest.js';
import { countDueJobs } from '../../src/jobs/store.js';
import { CardActions } from '../../src/actions/router.js';
import { cardActionFromV2 } from '../../src/actions/callback.js';
import { LANES } from '../helpers/databases.js';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { untilIdle } from '../helpers/idle.js';
import { countingClient } from '../helpers/counting-client.js';
import { click, say, textMessage } from '../helpers/chat.js';
import { handleEvent } from '../helpers/drive.js';

const SH = 'Asia/Shanghai';
const at = (local: string) => DateTime.fromISO(local, { zone: SH }).toJSDate();
const text = (x: unknown) => JSON.stringify(x);

// 王芳 manages Alice (overdue on eLearning, in progress on ALM), Bob (stalled) and Carol (completed this week);
// 王芳's own manager is the boss. 赵敏 manages Erin, who has nothing going on.
const PEOPLE = [
  { open_id: 'ou_boss', name: 'Boss' },
  { open_id: 'ou_wangfang', name: '王芳', leader_user_id: 'ou_boss' },
  { open_id: 'ou_alice', name: 'Alice', leader_user_id: 'ou_wangfang' },
  { open_id: 'ou_bob', name: 'Bob', leader_user_id: 'ou_wangfang' },
  { open_id: 'ou_carol', name: 'Carol', leader_user_id: 'ou_wangfang' },
  { open_id: 'ou_frank', name: 'Frank', leader_user_id: 'ou_wangfang' },
  { open_id: 'ou_zhaomin', name: '赵敏' },
  { open_id: 'ou_erin', name: 'Erin', leader_user_id: 'ou_zhaomin' },
];

describe.each(LANES)('team digest, nudges and escalation (%s)', (lane) => {
  let h: Harness;
  const clock = new SettableClock(at('2026-12-05T08:00'));
  const prisma = () => h.db.prisma;
  // Runs what is due, also while the background runner (woken by the clock) holds some of it.
  const runDue = async () => {
    await eventually(async () => {
      await h.bot.jobs.runDue();
      return (await countDueJobs(prisma(), clock.now())) === 0 || null;
    });
    await untilIdle(prisma());
  };
  const cardsTo = (openId: string, title: string) =>
    h.emu!.messagesTo(openId).filter((m) => text(m.card).includes(title));
  const job = (key: string) => prisma().job.findUnique({ where: { key } });

  beforeAll(async () => {
    h = await startHarness({
      lane,
      clock,
      emulator: { users: PEOPLE.map((p) => ({ ...p, user_id: p.open_id.slice(3) })) },
      env: { SCHEDULER_POLL_MS: '600000' },
    });
    const db = prisma();
    for (const p of PEOPLE)
      await db.feishuUser.create({
        data: { openId: p.open_id, name: p.name, leaderOpenId: p.leader_user_id ?? null },
      });
    await db.course.create({ data: { courseId: 'c-safety', name: 'Safety', dueOn: '2026-12-01' } });
    const record = (data: Record<string, unknown>) =>
      db.learningRecord.create({
        data: { source: 'feishu', itemType: 'course', enrollSource: 'admin', ...data } as never,
      });
    await record({ externalUserId: 'ou_alice', itemKey: 'c-safety', itemName: 'Safety', state: 'in_progress' });
    await db.learnerIdentity.create({
      data: { source: 'alm', externalUserId: 'alm-alice', status: 'resolved', openId: 'ou_alice' },
    });
    await record({
      source: 'alm',
      externalUserId: 'alm-alice',
      itemKey: 'inst-1',
      itemName: 'Leadership',
      state: 'in_progress',
      progressPercent: 40,
      enrollSource: 'self',
      lastEventAt: at('2026-12-05T10:00'),
    });
    await record({
      externalUserId: 'ou_bob',
      itemKey: 'c-python',
      itemName: 'Python',
      state: 'enrolled',
      enrolledAt: at('2026-11-20T10:00'),
      createdAt: at('2026-11-20T10:00'),
    });
    await record({
      externalUserId: 'ou_carol',
      itemKey: 'c-done',
      itemName: 'Ethics',
      state: 'passed',
      completedAt: at('2026-12-03T15:00'),
    });
    await record({
      externalUserId: 'ou_erin',
      itemKey: 'c-old',
      itemName: 'Old',
      state: 'completed',
      completedAt: at('2026-10-03T15:00'),
    });
  });
  afterAll(() => h?.stop());

  it('the Monday digest: most urgent first, every source under one name, no card without news', async () => {
    clock.set(at('2026-12-07T08:00'));
    await runDue(); // this week's plan: each manager's digest on Monday 09:30 in their zone
    expect(await job('digest:ou_wangfang:2026-W50')).toMatchObject({ status: 'pending' });
    clock.set(at('2026-12-07T09:30'));
    await runDue();
    expect(cardsTo('ou_wangfang', 'Weekly team digest')).toHaveLength(0); // 09:30 is the earliest, never the moment
    clock.set(at('2026-12-07T10:00'));
    await runDue();
    const [digest] = cardsTo('ou_wangfang', 'Weekly team digest');
    expect(digest).toBeDefined();
    const body = text(digest!.card);
    const order = ['Alice', 'Bob', 'Carol'].map((n) => body.indexOf(`**${n}**`));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(body).toContain('6 days overdue');
    expect(body).toContain('no progress for 17 days');
    expect(body).toContain('in progress 40%');
    expect(body).toContain('(ALM)');
    expect(body).toContain('(Feishu eLearning)');
    expect(body).toContain('passed this week');
    expect((body.match(/"action":"nudge"/g) ?? []).length).toBe(2); // Alice and Bob
    expect(body).toContain('"learner":"ou_alice"');
    expect(body).not.toContain('"learner":"ou_carol"');
    // 赵敏's only report finished in October; the boss's only report (王芳) has no learning: no cards.
    expect(await job('digest:ou_zhaomin:2026-W50')).toMatchObject({ status: 'skipped', reason: 'nothing to say' });
    expect(await job('digest:ou_boss:2026-W50')).toMatchObject({ status: 'skipped' });
    expect(h.emu!.messagesTo('ou_zhaomin')).toHaveLength(0);
    expect(h.emu!.messagesTo('ou_boss')).toHaveLength(0);
  });

  it('Nudge: the learner gets a reminder now, the card says Nudged, a second click says so', async () => {
    clock.set(at('2026-12-07T10:07'));
    const [digest] = cardsTo('ou_wangfang', 'Weekly team digest');
    const stored = await prisma().teamDigest.findUniqueOrThrow({ where: { key: 'digest:ou_wangfang:2026-W50' } });
    const value = { action: 'nudge', digest: stored.id, learner: 'ou_alice' };
    const first = await click(h.bot.url, { openId: 'ou_wangfang', value, messageId: digest!.message_id });
    expect(first.body.toast?.type).toBe('success');
    expect(text(first.body.card!.data)).toContain('Nudged');
    expect(text(first.body.card!.data)).toContain('"learner":"ou_bob"'); // Bob can still be nudged
    const nudges = await eventually(async () => {
      await runDue();
      const sent = cardsTo('ou_alice', 'A reminder from your manager');
      return sent.length > 0 ? sent : null;
    });
    expect(nudges).toHaveLength(1);
    expect(text(nudges[0]!.card)).toContain('王芳');
    const again = await click(h.bot.url, { openId: 'ou_wangfang', value, messageId: digest!.message_id });
    expect(again.body.toast?.type).toBe('info');
    expect(text(again.body.toast)).toContain('already nudged');
    expect(text(again.body.card!.data)).toContain('Nudged');
    // Someone else cannot nudge from 王芳's card.
    const other = await click(h.bot.url, { openId: 'ou_zhaomin', value, messageId: digest!.message_id });
    expect(other.body.toast?.type).toBe('error');
    await runDue();
    expect(cardsTo('ou_alice', 'A reminder from your manager')).toHaveLength(1);
  });

  it('a digest for a team of 50 reads the database in a bounded number of queries', async () => {
    const db = prisma();
    for (let i = 0; i < 50; i++) {
      const id = `ou_big${String(i).padStart(2, '0')}`;
      await db.feishuUser.create({ data: { openId: id, name: `Big ${i}`, leaderOpenId: 'ou_bigboss' } });
      await db.learningRecord.create({
        data: {
          source: 'feishu',
          externalUserId: id,
          itemKey: 'c-safety',
          itemType: 'course',
          state: 'in_progress',
          enrollSource: 'admin',
        },
      });
    }
    const { client: counting, count } = countingClient(db);
    const model = await buildDigest(counting, 'ou_bigboss', {
      now: clock.now(),
      zone: SH,
      stalledDays: 7,
      maxPeople: 10,
    });
    const queries = count();
    console.log(`digest for a team of ${model.reports}: ${queries} queries`);
    expect(model.reports).toBe(50);
    expect(model.people).toHaveLength(10);
    expect(model.more).toBe(40);
    expect(queries).toBeLessThanOrEqual(10);
  });

  it('two instances clicking Nudge at once nudge once', async () => {
    const stored = await prisma().teamDigest.findUniqueOrThrow({ where: { key: 'digest:ou_wangfang:2026-W50' } });
    const instance = () =>
      new CardActions({ db: prisma(), config: h.config, log: h.log, services: h.bot.services, onQueued: () => {} });
    const clickOn = (actions: CardActions, n: number) =>
      actions.handle(
        cardActionFromV2(`evt-nudge-${lane}-${n}`, {
          event: {
            operator: { open_id: 'ou_wangfang' },
            action: { value: { action: 'nudge', digest: stored.id, learner: 'ou_bob' } },
            context: { open_message_id: 'om_x' },
          },
        }),
      );
    const results = await Promise.all([clickOn(instance(), 1), clickOn(instance(), 2)]);
    expect(results.map((r) => r.toast.type).sort()).toEqual(['info', 'success']);
    const jobs = await prisma().job.findMany({ where: { kind: 'nudge', recipient: 'ou_bob' } });
    expect(jobs).toHaveLength(1);
    await runDue();
    expect(cardsTo('ou_bob', 'A reminder from your manager')).toHaveLength(1);
  });

  it('`team` shows the digest on demand, with Nudged kept on the weekly card only', async () => {
    await say(h.bot.url, textMessage({ from: 'ou_wangfang', chatId: 'oc_wf', chatType: 'p2p', text: 'team' }));
    const replies = () => h.emu!.messages.filter((m) => m.chat_id === 'oc_wf' || m.receive_id === 'oc_wf');
    const reply = await eventually(
      () => replies().find((m) => text(m.card).includes('Team learning')) ?? null,
      15_000,
      'team card',
    );
    expect(text(reply.card)).toContain('Alice');
    expect(text(reply.card)).toContain('"action":"nudge"');
    await say(h.bot.url, textMessage({ from: 'ou_carol', chatId: 'oc_carol', chatType: 'p2p', text: 'team' }));
    const none = await eventually(
      () => h.emu!.messages.find((m) => text(m.card).includes('No one reports to you')) ?? null,
      15_000,
      'reply',
    );
    expect(none).toBeTruthy();
  });

  it('a holiday Monday moves the digest to Tuesday; a digest that missed its working day is skipped', async () => {
    await prisma().calendarDay.create({ data: { date: '2026-12-14', kind: 'holiday', setBy: 'test' } });
    clock.set(at('2026-12-14T10:00'));
    await runDue();
    const planned = await job('digest:ou_wangfang:2026-W51');
    expect(DateTime.fromJSDate(planned!.runAt, { zone: SH }).toISODate()).toBe('2026-12-15');
    expect(cardsTo('ou_wangfang', 'Weekly team digest')).toHaveLength(1);
    clock.set(at('2026-12-15T10:00'));
    await runDue();
    expect(cardsTo('ou_wangfang', 'Weekly team digest')).toHaveLength(2);
    // The next week's Monday passes while the bot is down: found after the window, it is skipped, never sent late.
    clock.set(at('2026-12-21T19:00'));
    await runDue();
    expect(await job('digest:ou_wangfang:2026-W52')).toMatchObject({ status: 'skipped' });
    clock.set(at('2026-12-22T10:00'));
    await runDue();
    expect(cardsTo('ou_wangfang', 'Weekly team digest')).toHaveLength(2);
  });

  it('a digest found late on its own working day still goes out that day, once', async () => {
    const before = cardsTo('ou_wangfang', 'Weekly team digest').length;
    // The bot is down from Sunday 27 December until Monday afternoon: the week's plan and its digest are found late.
    clock.set(at('2026-12-28T15:00'));
    await runDue();
    expect(await job('digest:ou_wangfang:2026-W53')).toMatchObject({ status: 'done' });
    expect(cardsTo('ou_wangfang', 'Weekly team digest')).toHaveLength(before + 1);
    clock.set(at('2026-12-29T10:00'));
    await runDue();
    expect(cardsTo('ou_wangfang', 'Weekly team digest')).toHaveLength(before + 1);
    expect(await job('digest-plan:2027-W01')).toMatchObject({ status: 'pending' });
  });

  it("a new digest day or time moves the digests not yet sent; the week's digest already sent stays sent", async () => {
    // Tuesday 29 December: this week's digest went out on Monday; next week's is planned for Monday 4 January.
    await prisma().admin.upsert({
      where: { openId: 'ou_wangfang' },
      create: { openId: 'ou_wangfang', addedBy: 'test' },
      update: {},
    });
    const local = async (key: string) => {
      const j = await job(key);
      return j && { status: j.status, at: DateTime.fromJSDate(j.runAt, { zone: SH }).toFormat('ccc yyyy-MM-dd HH:mm') };
    };
    /** The admin's command, its reply (a card titled `title`) and whatever it made due. */
    const admin = async (command: string, title = 'Team setting changed') => {
      const replies = () =>
        h.emu!.messages.filter(
          (m) => (m.chat_id === 'oc_wf' || m.receive_id === 'oc_wf') && text(m.card).includes(title),
        );
      const before = replies().length;
      await say(h.bot.url, textMessage({ from: 'ou_wangfang', chatId: 'oc_wf', chatType: 'p2p', text: command }));
      await eventually(() => replies().length > before || null, 15_000, `the reply to ${command}`);
      await runDue();
    };
    await runDue();
    const sent = cardsTo('ou_wangfang', 'Weekly team digest').length;
    expect(await local('digest:ou_wangfang:2026-W53')).toMatchObject({ status: 'done' });
    await admin('digest day wed');
    expect(await local('digest:ou_wangfang:2026-W53')).toMatchObject({ status: 'done' });
    expect(await local('digest:ou_wangfang:2027-W01')).toEqual({ status: 'pending', at: 'Wed 2027-01-06 09:30' });
    await admin('digest time 11:15');
    expect(await local('digest:ou_wangfang:2027-W01')).toEqual({ status: 'pending', at: 'Wed 2027-01-06 11:15' });
    await admin('digest day mon');
    await admin('digest time 09:30');
    expect(await local('digest:ou_wangfang:2027-W01')).toEqual({ status: 'pending', at: 'Mon 2027-01-04 09:30' });
    // A day off on the digest day, set after the plan: the digest moves to the next working day, and back.
    await admin('holiday add 2027-01-04', 'Calendar updated');
    expect(await local('digest:ou_wangfang:2027-W01')).toEqual({ status: 'pending', at: 'Tue 2027-01-05 09:30' });
    await admin('holiday remove 2027-01-04', 'Calendar updated');
    expect(await local('digest:ou_wangfang:2027-W01')).toEqual({ status: 'pending', at: 'Mon 2027-01-04 09:30' });
    expect(cardsTo('ou_wangfang', 'Weekly team digest')).toHaveLength(sent);
  });

  it("overdue escalation: manager after 3 days, manager's manager after 10; completion cancels both", async () => {
    clock.set(at('2027-01-04T08:00'));
    await prisma().course.create({ data: { courseId: 'c-esc', name: 'Compliance', dueOn: '2027-01-05' } });
    let seq = 0;
    const registration = (openId: string, state: number, id: string) =>
      handleEvent(h, {
        source: 'feishu',
        eventType: 'elearning.course_registration.updated_v2',
        externalId: id,
        payload: {
          schema: '2.0',
          header: {
            event_id: id,
            event_type: 'elearning.course_registration.updated_v2',
            create_time: String(clock.now().getTime() + ++seq),
          },
          event: {
            course_id: 'c-esc',
            learner: { user_id: { open_id: openId, user_id: openId, union_id: 'on' } },
            enroll_type: 1,
            learning_state: state,
          },
        },
      });
    await registration('ou_frank', 1, `frank-1-${lane}`);
    await registration('ou_carol', 1, `carol-1-${lane}`);
    await eventually(() =>
      prisma()
        .learningRecord.count({ where: { itemKey: 'c-esc' } })
        .then((n) => n === 2 || null),
    );
    await untilIdle(prisma());
    const frank = await prisma().learningRecord.findFirstOrThrow({ where: { externalUserId: 'ou_frank' } });
    const carol = await prisma().learningRecord.findFirstOrThrow({
      where: { externalUserId: 'ou_carol', itemKey: 'c-esc' },
    });
    expect(await job(`escalation:${frank.id}:2027-01-05:1`)).toMatchObject({ status: 'pending' });
    expect(await job(`escalation:${frank.id}:2027-01-05:2`)).toMatchObject({ status: 'pending' });
    // Carol completes: both of hers are cancelled with the change.
    await registration('ou_carol', 2, `carol-2-${lane}`);
    await eventually(async () => (await job(`escalation:${carol.id}:2027-01-05:1`))?.status === 'cancelled' || null);
    expect(await job(`escalation:${carol.id}:2027-01-05:1`)).toMatchObject({ status: 'cancelled', reason: 'passed' });
    expect(await job(`escalation:${carol.id}:2027-01-05:2`)).toMatchObject({ status: 'cancelled' });

    clock.set(at('2027-01-07T11:00')); // 2 days overdue: not yet
    await runDue();
    expect(cardsTo('ou_wangfang', 'Overdue learning in your team')).toHaveLength(0);
    clock.set(at('2027-01-08T11:00')); // 3 days
    await runDue();
    const toManager = cardsTo('ou_wangfang', 'Overdue learning in your team');
    expect(toManager).toHaveLength(1);
    expect(text(toManager[0]!.card)).toContain('Frank');
    expect(text(toManager[0]!.card)).toContain('Compliance');
    expect(cardsTo('ou_boss', 'Overdue learning escalated')).toHaveLength(0);
    clock.set(at('2027-01-15T11:00')); // 10 days
    await runDue();
    const toBoss = cardsTo('ou_boss', 'Overdue learning escalated');
    expect(toBoss).toHaveLength(1);
    expect(text(toBoss[0]!.card)).toContain('王芳');
    expect(cardsTo('ou_wangfang', 'Overdue learning in your team')).toHaveLength(1);
    expect(h.emu!.messagesTo('ou_carol').filter((m) => text(m.card).includes('Overdue'))).toHaveLength(0);
  });
});
