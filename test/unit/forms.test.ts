import { describe, expect, it } from 'vitest';
import { coursesFormCard, MAX_FORM_COURSES } from '../../cards/courses-form.js';
import { countElements, MAX_CARD_ELEMENTS } from '../../cards/forms.js';
import { cardBytes, MAX_CARD_BYTES, t } from '../../cards/kit.js';
import { peopleFormCard } from '../../cards/people-form.js';
import { settingsFormCard } from '../../cards/settings-form.js';
import { cardActionFromV1, cardActionFromV2 } from '../../src/actions/callback.js';
import { KIND_NAMES, NOTIFICATION_KINDS, ROUTE_KINDS } from '../../src/domain/notifications.js';
import { MAX_FORM_CHATS, MAX_PEOPLE_DESKS, MAX_PICKER_PEOPLE } from '../../src/forms/people.js';
import { MAX_FORM_DAYS, MAX_FORM_DESKS } from '../../src/forms/settings.js';
import { calendarDate, field, FormProblem, intListText, intText, timeOfDay } from '../../src/forms/values.js';
import { galleryCards } from '../../src/sandbox/gallery.js';

type Node = Record<string, unknown>;
const INTERACTIVE = new Set([
  'input',
  'select_static',
  'multi_select_static',
  'select_person',
  'multi_select_person',
  'date_picker',
  'picker_time',
  'picker_datetime',
  'checker',
  'button',
]);

/** Every node under `node` (no recursion: cards are walked with a stack). */
function nodes(node: unknown): Node[] {
  const out: Node[] = [];
  const stack = [node];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === 'object') {
      out.push(v as Node);
      stack.push(...Object.values(v));
    }
  }
  return out;
}

/** Checks what Feishu requires of a form card, and its size. */
function checkFormCard(card: Record<string, unknown>) {
  const body = card.body as { elements: Node[] };
  const forms = nodes(body).filter((n) => n.tag === 'form');
  // A form sits at the card's root only, and holds no form or table.
  for (const f of forms) {
    expect(body.elements).toContain(f);
    expect(nodes(f.elements).filter((n) => n.tag === 'form' || n.tag === 'table')).toEqual([]);
    const inside = nodes(f.elements).filter((n) => typeof n.tag === 'string' && INTERACTIVE.has(n.tag));
    for (const c of inside) expect(typeof c.name).toBe('string');
    expect(inside.some((c) => c.tag === 'button' && c.form_action_type === 'submit')).toBe(true);
  }
  const names = nodes(body)
    .filter((n) => typeof n.tag === 'string' && INTERACTIVE.has(n.tag) && typeof n.name === 'string')
    .map((n) => n.name);
  expect(new Set(names).size).toBe(names.length);
  const title = JSON.stringify((card.header as Node).title);
  expect(countElements(card), title).toBeLessThanOrEqual(MAX_CARD_ELEMENTS);
  expect(cardBytes(card), title).toBeLessThanOrEqual(MAX_CARD_BYTES);
}

const longName = '很长的群名称 A very long chat name indeed'.repeat(2);

describe('admin form cards', () => {
  it('every form card in the gallery is a valid form card', () => {
    const forms = galleryCards().filter((c) => /Form/i.test(c.builder));
    expect(forms.map((c) => c.builder)).toEqual(
      expect.arrayContaining(['settingsFormCard', 'peopleFormCard', 'coursesFormCard']),
    );
    for (const c of forms) checkFormCard(c.card);
  });

  it('the fullest settings card stays within 200 elements and 30 KB', () => {
    const card = settingsFormCard({
      notify: NOTIFICATION_KINDS.map((kind) => ({ kind, name: t(KIND_NAMES[kind].zh, KIND_NAMES[kind].en), on: true })),
      reminders: {
        stalledDays: 7,
        repeatDays: 7,
        maxStalled: 3,
        selfEnrolled: true,
        dueDays: [90, 30, 7, 3, 1, -1],
        dailyCap: 2,
      },
      digest: { day: 1, time: '09:30' },
      escalation: { managerDays: 3, skipLevelDays: 10 },
      hours: { start: '09:00', end: '18:00', weekdays: [1, 2, 3, 4, 5], zone: 'Asia/Shanghai' },
      calendar: {
        days: Array.from({ length: MAX_FORM_DAYS }, (_, i) => ({
          date: `2026-0${1 + Math.floor(i / 28)}-${String(1 + (i % 28)).padStart(2, '0')}`,
          kind: i % 2 ? ('holiday' as const) : ('workday' as const),
        })),
        more: 40,
      },
      desks: Array.from({ length: MAX_FORM_DESKS }, (_, i) => ({
        chatId: `oc_${'x'.repeat(30)}${i}`,
        name: longName,
        remindAfter: 15,
        leadAfter: 60,
        clock: 'working' as const,
        urgent: true,
        summary: true,
      })),
      moreDesks: 20,
      lang: 'en',
      outcome: t('已保存 3 项更改。', 'Saved 3 changes.'),
      info: t('**管理员**', '**Admins**'),
    });
    checkFormCard(card);
    const json = JSON.stringify(card);
    // Current values are the initial values.
    expect(json).toContain('"initial_time":"09:30"');
    expect(json).toContain('"initial_option":"en"');
    expect(json).toContain('"selected_values":["1","2","3","4","5"]');
    expect(json).toContain('"default_value":"90,30,7,3,1,-1"');
  });

  it('the fullest routes and courses cards stay within the limits', () => {
    const chats = Array.from({ length: MAX_FORM_CHATS }, (_, i) => ({
      chatId: `oc_${'y'.repeat(30)}${i}`,
      name: longName,
    }));
    checkFormCard(
      peopleFormCard({
        chats,
        routes: ROUTE_KINDS.map((kind) => ({
          kind,
          name: t(KIND_NAMES[kind].zh, KIND_NAMES[kind].en),
          chatIds: chats.slice(0, 10).map((c) => c.chatId),
        })),
        desks: chats.slice(0, MAX_PEOPLE_DESKS).map((c) => ({
          ...c,
          duty: Array.from({ length: 10 }, (_, i) => `ou_${'d'.repeat(30)}${i}`),
          leads: Array.from({ length: 10 }, (_, i) => `ou_${'l'.repeat(30)}${i}`),
          rota: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, people: [`ou_${'r'.repeat(30)}${day}`] })),
        })),
        moreDesks: 3,
        people: Array.from(
          { length: MAX_PICKER_PEOPLE },
          (_, i) => `ou_${'o'.repeat(29)}${String(i).padStart(3, '0')}`,
        ),
      }),
    );
    checkFormCard(
      coursesFormCard({
        courses: Array.from({ length: MAX_FORM_COURSES }, (_, i) => ({
          courseId: `${'c'.repeat(40)}${i}`,
          name: i % 2 ? '课程'.repeat(40) : null,
          dueOn: i % 3 ? '2026-05-01' : null,
          learners: i,
        })),
        more: 100,
      }),
    );
  });
});

describe('submitted values', () => {
  const label = t('字段', 'Field');
  const read = <T>(value: unknown, schema: Parameters<typeof field<T>>[3]) =>
    field({ f: value }, 'f', label, schema, t('应为', 'expected'));

  it('reads times, dates, numbers and lists as Feishu sends them', () => {
    expect(read('09:30 +0800', timeOfDay)).toBe('09:30');
    expect(read('2026-04-01 +0800', calendarDate)).toBe('2026-04-01');
    expect(read(' 12 ', intText(1, 365))).toBe(12);
    expect(read('7, 3，1 -1', intListText(-30, 90, 10))).toEqual([7, 3, 1, -1]);
    expect(read('', intListText(-30, 90, 10))).toEqual([]);
    expect(field({}, 'f', label, timeOfDay, label)).toBeUndefined();
  });

  it('refuses what does not fit, saying which field and what it got', () => {
    for (const [value, schema] of [
      ['25:00 +0800', timeOfDay],
      ['9:30', timeOfDay],
      ['2026-02-30 +0800', calendarDate],
      ['0', intText(1, 365)],
      ['1e3', intText(1, 365)],
      [12, intText(1, 365)],
      ['7,abc', intListText(-30, 90, 10)],
      ['1,2,3,4,5,6,7,8,9,10,11', intListText(-30, 90, 10)],
      [{ nested: { deep: true } }, timeOfDay],
    ] as const) {
      expect(() => read(value, schema as never)).toThrow(FormProblem);
    }
    // A value 10,000 deep is refused like any other, without walking it.
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(() => read(deep, intListText(-30, 90, 10))).toThrow(/"\[…\]" is not valid/);
    try {
      read('0', intText(1, 365));
    } catch (err) {
      expect((err as FormProblem).problem.en).toContain('Field: "0"');
    }
  });

  it('the callback keeps form_value, the button name and the zone, made storable', () => {
    const action = cardActionFromV2('ev1', {
      event: {
        operator: { open_id: 'ou_a' },
        action: {
          value: { action: 'form', form: 'settings' },
          form_value: { a: 'x\u0000y', b: ['1', '2'], c: true },
          name: 'settings_submit',
          timezone: 'Asia/Shanghai',
        },
      },
    });
    expect(action.formValue).toEqual({ a: 'x\uFFFDy', b: ['1', '2'], c: true });
    expect(action.name).toBe('settings_submit');
    expect(action.timeZone).toBe('Asia/Shanghai');
    expect(cardActionFromV1({ open_id: 'ou_a', token: 't', action: { value: {} } }).formValue).toEqual({});
  });
});
