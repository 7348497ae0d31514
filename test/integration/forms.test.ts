/**
 * Admin forms through the real server: `settings` answers with forms, and a submit through /webhook/card with
 * `form_value` is checked, saved all at once with its audit row, refused whole when any value is wrong, refused for
 * non-admins, and applied once when Feishu delivers it again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v2Event, postEvent } from '../helpers/feishu-events.js';
import { ENCRYPT_KEY, eventually, startHarness, type Harness } from '../helpers/harness.js';
import { say, textMessage } from '../helpers/chat.js';
import { LANES } from '../helpers/databases.js';
import { readPolicy } from '../../src/reminders/policy.js';
import { readTeamPolicy } from '../../src/team/settings.js';
import { loadCalendar, workingHours } from '../../src/jobs/calendar-days.js';
import { windowPolicy } from '../../src/config.js';
import { deskOf } from '../../src/recipients/desks.js';
import { routedChats } from '../../src/recipients/routes.js';

const ADMIN = { open_id: 'ou_formadmin0000000000000000000001', user_id: 'formadmin', name: 'Ada Admin' };
const OTHER = { open_id: 'ou_formother0000000000000000000001', user_id: 'formother', name: 'Olly Other' };
const DUTY = 'ou_formduty00000000000000000000001';
const LEAD = 'ou_formlead00000000000000000000001';
const HELPDESK = 'oc_formhelpdesk0000000000000000001';
const FEED = 'oc_formfeed00000000000000000000001';

interface Answer {
  toast?: { type: string; content: string; i18n?: { en_us?: string } };
  card?: { type: string; data: unknown };
}

/** A form submit as Feishu sends it: the submit button's value and name, and the form's values. */
async function submit(
  h: Harness,
  opts: { openId: string; value: Record<string, unknown>; form: Record<string, unknown>; eventId?: string },
) {
  const body = v2Event(
    'card.action.trigger',
    {
      operator: { open_id: opts.openId, user_id: 'u', union_id: 'on', tenant_key: 't' },
      token: 'c-form',
      action: {
        value: opts.value,
        tag: 'button',
        timezone: 'Asia/Shanghai',
        form_value: opts.form,
        name: 'submit',
      },
      host: 'im_message',
      context: { open_message_id: 'om_form', open_chat_id: 'oc_p2p' },
    },
    opts.eventId ? { eventId: opts.eventId } : {},
  );
  const res = await postEvent(`${h.bot.url}/webhook/card`, body, { encryptKey: ENCRYPT_KEY });
  return { status: res.status, body: (await res.json()) as Answer };
}

const SETTINGS = { action: 'form', form: 'settings', chats: [] as string[] };
const en = (a: Answer) => a.toast?.i18n?.en_us ?? '';
const auditRows = (h: Harness) => h.db.prisma.auditLog.findMany({ where: { command: { startsWith: 'form ' } } });

describe.each(LANES)('admin forms (%s)', (lane) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ lane, emulator: { users: [ADMIN, OTHER] }, env: { ADMIN_OPEN_IDS: ADMIN.open_id } });
  });
  afterAll(() => h?.stop());

  it('"settings" answers an admin with a form holding the values in force', async () => {
    const res = await say(
      h.bot.url,
      textMessage({ from: ADMIN.open_id, chatId: 'oc_p2p_admin', chatType: 'p2p', text: 'settings' }),
    );
    expect(res.status).toBe(200);
    const message = await eventually(
      () => h.emu!.messages.find((m) => m.content.includes('settings_form')),
      15_000,
      'settings card',
    );
    const json = message.content;
    expect(json).toContain('"tag":"form"');
    expect(json).toContain('"form_action_type":"submit"');
    expect(json).toContain('"name":"stalled_days","label"');
    expect(json).toContain('"default_value":"7"');
    expect(json).toContain('"initial_time":"09:30"');
  }, 30_000);

  it('a submit of each kind of field saves them all, audits each change, and answers with the saved form', async () => {
    const res = await submit(h, {
      openId: ADMIN.open_id,
      value: SETTINGS,
      form: {
        stalled_days: '10', // input
        due_days: '5, 2, -2', // input, a list
        self_enrolled: true, // checker
        notify_seats: false, // checker
        digest_day: '3', // select_static
        digest_time: '08:15 +0800', // picker_time
        working_weekdays: ['1', '2', '3', '4', '5', '6'], // multi_select_static
        window_start: '08:30 +0800',
        holiday_add: '2026-10-09 +0800', // date_picker
        card_lang: 'en', // select_static
        unknown_field: 'ignored',
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.toast?.type).toBe('success');
    expect(en(res.body)).toContain('Saved 10 changes');
    // The answer is the form again, its initial values the saved ones, in the language just chosen.
    const card = JSON.stringify(res.body.card?.data);
    expect(res.body.card?.type).toBe('raw');
    expect(card).toContain('"default_value":"10"');
    expect(card).toContain('"initial_time":"08:15"');
    expect(card).toContain('"initial_option":"3"');
    expect(card).toContain('Saved 10 changes');
    expect(card).not.toContain('i18n_content');

    const policy = await readPolicy(h.db.prisma);
    expect(policy).toMatchObject({ stalledDays: 10, dueDays: [5, 2, -2], selfEnrolled: true });
    expect(await readTeamPolicy(h.db.prisma)).toMatchObject({ digestDay: 3, digestTime: '08:15' });
    expect(await workingHours(h.db.prisma, windowPolicy(h.config))).toEqual({
      start: '08:30',
      end: '18:00',
      weekdays: [1, 2, 3, 4, 5, 6],
    });
    expect(await h.db.prisma.calendarDay.findUnique({ where: { date: '2026-10-09' } })).toMatchObject({
      kind: 'holiday',
    });
    // The calendar every scheduled send follows opens at the new time, on the new working days.
    const calendar = await loadCalendar(h.db.prisma, windowPolicy(h.config));
    const zone = 'Asia/Shanghai';
    expect(calendar.isOpen(new Date('2026-09-01T00:45:00Z'), zone)).toBe(true); // Tuesday 08:45
    expect(calendar.isOpen(new Date('2026-09-05T02:00:00Z'), zone)).toBe(true); // Saturday 10:00
    expect(calendar.isOpen(new Date('2026-09-06T02:00:00Z'), zone)).toBe(false); // Sunday
    expect(calendar.isWorkingDay('2026-10-09')).toBe(false);
    expect(await h.db.prisma.setting.findUnique({ where: { key: 'notify.seats' } })).toMatchObject({ value: false });
    // What is already planned follows the new rules: every record's reminders are re-planned in the background (one
    // chain for the whole submit, though it changed three reminder rules), and the plans of this week's and next
    // week's digests run again.
    const jobs = await h.db.prisma.job.findMany({ where: { kind: { in: ['replan', 'digest-plan'] } } });
    // (The job runner may already have run it: pending or done, never cancelled.)
    const replans = jobs.filter((j) => j.kind === 'replan');
    expect(replans).toHaveLength(1);
    expect(['pending', 'running', 'done']).toContain(replans[0]!.status);
    expect(jobs.filter((j) => j.kind === 'digest-plan' && j.key.split(':').length === 3).length).toBeGreaterThan(1);
    expect(await h.db.prisma.userPreference.findUnique({ where: { openId: ADMIN.open_id } })).toMatchObject({
      lang: 'en',
    });

    const rows = await auditRows(h);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.actor).toBe(ADMIN.open_id);
    const detail = rows[0]!.detail as { form: string; changes: { field: string; before: unknown; after: unknown }[] };
    expect(detail.form).toBe('settings');
    expect(detail.changes).toEqual(
      expect.arrayContaining([
        { field: 'stalled_days', before: 7, after: 10 },
        { field: 'digest_time', before: '09:30', after: '08:15' },
        { field: 'notify_seats', before: true, after: false },
        { field: 'calendar 2026-10-09', before: null, after: 'holiday' },
      ]),
    );
    expect(detail.changes).toHaveLength(10);
  }, 30_000);

  it('any invalid value refuses the whole submit with a toast saying what is wrong, and nothing is saved', async () => {
    const before = await auditRows(h);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ stalled_days: '11', repeat_days: '0' }, /Days between reminders: "0" is not valid: a whole number 1–365/],
      [{ stalled_days: '11', digest_time: '25:00 +0800' }, /Digest time: "25:00 \+0800"/],
      [{ stalled_days: '11', digest_day: '8' }, /Digest day: "8"/],
      [{ stalled_days: '11', holiday_add: '2026-02-30 +0800' }, /Add a day off/],
      [{ stalled_days: '11', self_enrolled: 'yes' }, /Self-enrolled courses/],
      [{ stalled_days: '11', working_weekdays: ['1', '9'] }, /Working weekdays/],
      [{ stalled_days: '11', window_start: '19:00 +0800' }, /must open \(19:00\) before they close \(18:00\)/],
      [{ stalled_days: '11', max_reminders: { $gt: 1 } }, /Reminders per course/],
      [{ stalled_days: 'x'.repeat(5000) }, /Days without progress/],
    ];
    for (const [form, problem] of cases) {
      const res = await submit(h, { openId: ADMIN.open_id, value: SETTINGS, form });
      expect(res.status).toBe(200);
      expect(res.body.toast?.type).toBe('error');
      expect(en(res.body)).toMatch(problem);
      expect(res.body.card).toBeUndefined();
    }
    // A nested value (deeper ones are refused before any handler) is refused like any bad input.
    let deep: unknown = '1';
    for (let i = 0; i < 40; i++) deep = [deep];
    const hostile = await submit(h, { openId: ADMIN.open_id, value: SETTINGS, form: { due_days: deep } });
    expect(hostile.status).toBe(200);
    expect(hostile.body.toast?.type).toBe('error');
    expect(en(hostile.body)).toContain('"[…]" is not valid');
    expect((await readPolicy(h.db.prisma)).stalledDays).toBe(10);
    expect(await auditRows(h)).toHaveLength(before.length);
  }, 60_000);

  it('a non-admin gets an error toast and nothing changes', async () => {
    const res = await submit(h, { openId: OTHER.open_id, value: SETTINGS, form: { stalled_days: '30' } });
    expect(res.status).toBe(200);
    expect(res.body.toast?.type).toBe('error');
    expect(en(res.body)).toContain('Only admins');
    expect(res.body.card).toBeUndefined();
    expect((await readPolicy(h.db.prisma)).stalledDays).toBe(10);
  });

  it('a repeated delivery of a submit is answered again without being applied again', async () => {
    const before = (await auditRows(h)).length;
    const first = await submit(h, {
      openId: ADMIN.open_id,
      value: SETTINGS,
      form: { stalled_days: '12' },
      eventId: 'ev-form-double-1',
    });
    expect(first.body.toast?.type).toBe('success');
    // Meanwhile another admin change: the repeated delivery must not undo it.
    await submit(h, { openId: ADMIN.open_id, value: SETTINGS, form: { stalled_days: '13' } });
    const again = await submit(h, {
      openId: ADMIN.open_id,
      value: SETTINGS,
      form: { stalled_days: '12' },
      eventId: 'ev-form-double-1',
    });
    expect(again.status).toBe(200);
    expect(again.body.toast?.type).toBe('success');
    expect(JSON.stringify(again.body.card?.data)).toContain('"default_value":"12"');
    expect((await readPolicy(h.db.prisma)).stalledDays).toBe(13);
    expect(await auditRows(h)).toHaveLength(before + 2);
    // A second submit of the same values (a new delivery) changes nothing, says so and writes no audit row.
    const same = await submit(h, { openId: ADMIN.open_id, value: SETTINGS, form: { stalled_days: '13' } });
    expect(same.body.toast?.type).toBe('info');
    expect(en(same.body)).toContain('Nothing changed');
    expect(await auditRows(h)).toHaveLength(before + 2);
  }, 30_000);

  it('routes and people: chats per kind, people on duty and leads by person picker', async () => {
    const now = new Date();
    await h.db.prisma.route.createMany({
      data: [
        { kind: 'tickets', chatId: HELPDESK, scope: '*', createdAt: now },
        { kind: 'completions', chatId: FEED, scope: '*', createdAt: now },
      ],
    });
    const value = {
      action: 'form',
      form: 'people',
      chats: [HELPDESK, FEED],
      desks: [HELPDESK],
      people: [DUTY, LEAD],
      lists: [...['completions', 'exams', 'enrollments', 'tickets', 'seats', 'failures'].map((k) => `route_${k}`)],
    };
    const res = await submit(h, {
      openId: ADMIN.open_id,
      value,
      form: {
        // route_completions emptied: Feishu leaves an emptied field out, the card named it among its lists
        route_failures: [FEED],
        route_tickets: [HELPDESK],
        desk0_duty: [DUTY], // multi_select_person
        desk0_leads: [LEAD, DUTY],
      },
    });
    expect(res.body.toast?.type).toBe('success');
    expect(await routedChats(h.db.prisma, 'completions')).toEqual([]);
    expect(await routedChats(h.db.prisma, 'failures')).toEqual([FEED]);
    expect(await deskOf(h.db.prisma, h.config, HELPDESK)).toMatchObject({ duty: [DUTY], leads: [LEAD, DUTY] });
    expect(JSON.stringify(res.body.card?.data)).toContain(`"selected_values":["${LEAD}","${DUTY}"]`);

    // A chat the card did not offer, and a person id that is not one, are refused whole.
    const bad = await submit(h, { openId: ADMIN.open_id, value, form: { route_exams: ['oc_elsewhere'] } });
    expect(bad.body.toast?.type).toBe('error');
    const badPerson = await submit(h, { openId: ADMIN.open_id, value, form: { desk0_duty: ['<script>'] } });
    expect(badPerson.body.toast?.type).toBe('error');
    // A person the card did not offer is refused; a card from before the people were listed is sent again.
    const notOffered = await submit(h, {
      openId: ADMIN.open_id,
      value,
      form: { route_tickets: [HELPDESK], desk0_duty: [OTHER.open_id] },
    });
    expect(notOffered.body.toast?.type).toBe('error');
    expect(en(notOffered.body)).toContain('only those listed');
    const { people: _offered, lists: _lists, ...old } = value;
    const oldCard = await submit(h, { openId: ADMIN.open_id, value: old, form: { desk0_duty: [LEAD] } });
    expect(en(oldCard.body)).toContain('out of date');
    expect((await deskOf(h.db.prisma, h.config, HELPDESK)).duty).toEqual([DUTY]);
    expect(await routedChats(h.db.prisma, 'exams')).toEqual([]);

    // The leads emptied: Feishu leaves the field out of the submit, and the card named it among its lists.
    const cleared = await submit(h, {
      openId: ADMIN.open_id,
      value: { ...value, lists: [...value.lists, 'desk0_duty', 'desk0_leads'] },
      form: { route_failures: [FEED], route_tickets: [HELPDESK], desk0_duty: [DUTY] },
    });
    expect(en(cleared.body)).toBe('Saved 1 change.');
    expect(await deskOf(h.db.prisma, h.config, HELPDESK)).toMatchObject({ duty: [DUTY], leads: [] });
    // Without the card naming it, a field left out changes nothing.
    const kept = await submit(h, { openId: ADMIN.open_id, value: { ...value, lists: [] }, form: {} });
    expect(kept.body.toast?.type).toBe('info');
    expect(await routedChats(h.db.prisma, 'failures')).toEqual([FEED]);

    // A desk of a stale card (the chat no longer receives tickets) is refused with a clear toast.
    await h.db.prisma.route.deleteMany({ where: { kind: 'tickets', chatId: HELPDESK } });
    const stale = await submit(h, {
      openId: ADMIN.open_id,
      value: { ...value, lists: [] },
      form: { desk0_duty: [LEAD] },
    });
    expect(stale.body.toast?.type).toBe('error');
    expect(en(stale.body)).toContain('no longer receives tickets');
    expect((await deskOf(h.db.prisma, h.config, HELPDESK)).duty).toEqual([DUTY]);
  }, 30_000);

  it('"settings routes" in a direct chat offers the people of the helpdesk chat on its person pickers', async () => {
    h.emu!.addChat(HELPDESK, { members: [ADMIN.open_id, OTHER.open_id] });
    await h.db.prisma.route.create({ data: { kind: 'tickets', chatId: HELPDESK, scope: '*' } });
    const before = h.emu!.messages.length;
    await say(
      h.bot.url,
      textMessage({ from: ADMIN.open_id, chatId: 'oc_p2p_admin', chatType: 'p2p', text: 'settings routes' }),
    );
    const message = await eventually(
      () => h.emu!.messages.slice(before).find((m) => m.content.includes('people_form')),
      15_000,
      'routes card',
    );
    const pickers: { name: string; options: { value: string }[] }[] = [];
    let button: { people?: string[]; lists?: string[] } = {};
    JSON.parse(message.content, (_k, v: unknown) => {
      const c = v as { tag?: string; name?: string; form_action_type?: string; behaviors?: { value: object }[] };
      if (c?.tag === 'multi_select_person') pickers.push(v as (typeof pickers)[number]);
      if (c?.form_action_type === 'submit') button = c.behaviors![0]!.value;
      return v;
    });
    expect(pickers.map((p) => p.name)).toEqual(['desk0_duty', 'desk0_leads']);
    for (const p of pickers) expect(p.options.map((o) => o.value)).toEqual(expect.arrayContaining([OTHER.open_id]));
    expect(button.people).toEqual(expect.arrayContaining([ADMIN.open_id, OTHER.open_id]));
    expect(button.lists).toEqual(expect.arrayContaining(['desk0_duty', 'desk0_leads', 'route_tickets']));
  }, 30_000);

  it('courses: names and due dates set and cleared; a course that no longer exists is refused', async () => {
    await h.db.prisma.course.create({ data: { courseId: 'C-DUE', dueOn: '2026-12-01', dueSetBy: ADMIN.open_id } });
    await h.db.prisma.course.create({ data: { courseId: 'C-NEW' } });
    const value = { action: 'form', form: 'courses', courses: ['C-NEW', 'C-DUE'] };
    const res = await submit(h, {
      openId: ADMIN.open_id,
      value,
      form: {
        course0_name: '  安全基础 Security  ', // input
        course0_due: '2026-11-30 +0800', // date_picker
        course1_nodue: true, // checker: clear the due date
        course1_due: '2026-12-01 +0800',
      },
    });
    expect(res.body.toast?.type).toBe('success');
    expect(await h.db.prisma.course.findUnique({ where: { courseId: 'C-NEW' } })).toMatchObject({
      name: '安全基础 Security',
      dueOn: '2026-11-30',
    });
    expect((await h.db.prisma.course.findUnique({ where: { courseId: 'C-DUE' } }))?.dueOn).toBeNull();

    const long = await submit(h, { openId: ADMIN.open_id, value, form: { course0_name: 'x'.repeat(201) } });
    expect(long.body.toast?.type).toBe('error');
    const stale = await submit(h, {
      openId: ADMIN.open_id,
      value: { ...value, courses: ['C-NEW', 'C-GONE'] },
      form: { course0_name: 'Renamed' },
    });
    expect(stale.body.toast?.type).toBe('error');
    expect(en(stale.body)).toContain('C-GONE no longer exists');
    expect((await h.db.prisma.course.findUnique({ where: { courseId: 'C-NEW' } }))?.name).toBe('安全基础 Security');
  }, 30_000);
});
