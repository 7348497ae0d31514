/**
 * Card JSON 2.0 forms in the Feishu emulator: the cards Feishu accepts and refuses (230099), and the submit a Feishu
 * client makes (required fields, form_value formats).
 */
import { describe, expect, it } from 'vitest';
import { validateCard } from '../../src/emulator/feishu/cards.js';
import { FormError, submitForm, type SubmitInput } from '../../src/emulator/feishu/forms.js';
import { ApiError } from '../../src/emulator/feishu/http.js';
import { everyComponentForm, FORM_BUTTON, FORM_VALUE } from '../helpers/form-card.js';

const PEOPLE = ['ou_alice', 'ou_bob', 'ou_carol'];
const plain = (content: string) => ({ tag: 'plain_text', content });
const submit = { tag: 'button', name: 'go', text: plain('Go'), form_action_type: 'submit' };
const card = (...elements: unknown[]) => ({ schema: '2.0', body: { elements } });
const form = (name: string, ...elements: unknown[]) => ({ tag: 'form', name, elements });
const column = (...elements: unknown[]) => ({ tag: 'column_set', columns: [{ tag: 'column', elements }] });

/** The 230099 refusal's message, or 'accepted'. */
function verdict(c: Record<string, unknown>): string {
  try {
    validateCard(c);
    return 'accepted';
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    expect(err.spec.code).toBe(230099);
    return err.message;
  }
}

describe('forms Feishu accepts and refuses on send', () => {
  it('accepts a form with every component, columns inside it included', () => {
    expect(verdict(everyComponentForm(PEOPLE))).toBe('accepted');
    expect(verdict(card(form('f', { tag: 'input', name: 'a' }, column(submit))))).toBe('accepted');
  });

  it("refuses a form that is not at the card's root", () => {
    expect(verdict(card(column(form('f', submit))))).toContain("a form must sit at the card's root");
  });

  it('refuses a form in a form, and a table in a form', () => {
    expect(verdict(card(form('outer', submit, form('inner', { ...submit, name: 'go2' }))))).toContain(
      'a form cannot hold another form',
    );
    expect(verdict(card(form('f', submit, { tag: 'table', columns: [], rows: [] })))).toContain(
      'a form cannot hold a table',
    );
  });

  it('refuses unnamed and twice-named components, a form without a name', () => {
    expect(verdict(card(form('f', { tag: 'input' }, submit)))).toContain('input in a form needs a name');
    expect(verdict(card(form('f', { tag: 'input', name: 'x' }, { tag: 'checker', name: 'x' }, submit)))).toContain(
      'duplicate name x',
    );
    expect(verdict(card({ tag: 'form', elements: [submit] }))).toContain('form in a form needs a name');
    // Names are unique in the whole card, across forms.
    expect(verdict(card(form('f', submit), form('g', submit)))).toContain('duplicate name go');
  });

  it('refuses a form without a submit button, and a multi select outside a form', () => {
    expect(verdict(card(form('f', { tag: 'input', name: 'a' }, { ...submit, form_action_type: 'reset' })))).toContain(
      'form f has no button with form_action_type "submit"',
    );
    expect(verdict(card({ tag: 'multi_select_static', name: 'm', options: [] }))).toContain(
      'multi_select_static is only allowed inside a form',
    );
  });
});

describe('submitting a form as a Feishu client does', () => {
  const base = (edits: Record<string, unknown>, over: Partial<SubmitInput> = {}): SubmitInput => ({
    card: everyComponentForm(PEOPLE),
    button: FORM_BUTTON,
    edits,
    zone: 'Asia/Shanghai',
    now: Date.parse('2026-12-07T02:00:00Z'),
    people: PEOPLE,
    isPerson: (id) => PEOPLE.includes(id) || id === 'ou_dan',
    ...over,
  });

  it('sends nothing while a required component is empty, and names them', () => {
    expect(submitForm(base({}))).toEqual({ ok: false, missing: ['owner', 'at'] });
    // Clearing a required input with an initial value makes it missing too.
    expect(submitForm(base({ title: '', owner: 'ou_bob', at: '09:30' }))).toEqual({ ok: false, missing: ['title'] });
  });

  it('sends initial values, edits and formats as Feishu does; empty optional components are left out', () => {
    const filled = submitForm(base({ owner: 'ou_bob', at: '09:30' }));
    expect(filled).toEqual({
      ok: true,
      button: { name: FORM_BUTTON, value: FORM_VALUE },
      formValue: {
        title: 'Security basics',
        level: 'basic',
        days: ['mon'],
        owner: 'ou_bob',
        reviewers: ['ou_alice'],
        due: '2026-12-24 +0800',
        at: '09:30 +0800',
        starts: '2026-12-28 09:30 +0800',
        notify: true,
      },
    });
    const edited = submitForm(
      base({
        title: '信息安全',
        notes: 'line 1\nline 2',
        level: 'advanced',
        days: ['wed', 'fri'],
        owner: 'ou_carol',
        reviewers: [],
        due: '2027-01-04',
        at: '18:05',
        starts: '2027-01-05 08:00',
        notify: false,
      }),
    );
    expect(edited.ok && edited.formValue).toEqual({
      title: '信息安全',
      notes: 'line 1\nline 2',
      level: 'advanced',
      days: ['wed', 'fri'],
      owner: 'ou_carol',
      due: '2027-01-04 +0800',
      at: '18:05 +0800',
      starts: '2027-01-05 08:00 +0800',
      notify: false,
    });
  });

  it("stamps the offset of the person's zone on that date", () => {
    const summer = submitForm(
      base(
        { owner: 'ou_bob', at: '09:30', due: '2026-07-01' },
        { zone: 'Europe/Berlin', now: Date.parse('2026-07-01') },
      ),
    );
    expect(summer.ok && summer.formValue).toMatchObject({ due: '2026-07-01 +0200', at: '09:30 +0200' });
    const winter = submitForm(base({ owner: 'ou_bob', at: '09:30' }, { zone: 'Europe/Berlin' }));
    expect(winter.ok && winter.formValue).toMatchObject({ due: '2026-12-24 +0100', starts: '2026-12-28 09:30 +0100' });
  });

  it('refuses what the components cannot hold', () => {
    const refused = (edits: Record<string, unknown>, over?: Partial<SubmitInput>) => {
      try {
        submitForm(base({ owner: 'ou_bob', at: '09:30', ...edits }, over));
        return 'sent';
      } catch (err) {
        expect(err).toBeInstanceOf(FormError);
        return (err as Error).message;
      }
    };
    expect(refused({ level: 'expert' })).toBe('level: expert is not one of its options');
    expect(refused({ owner: 'ou_mallory' })).toBe('owner: ou_mallory is not one of its options');
    expect(refused({ days: 'mon' })).toBe('days: a multi select holds a list');
    expect(refused({ due: '24/12/2026' })).toBe('due: a date is YYYY-MM-DD');
    expect(refused({ due: '2026-02-30' })).toBe('due: 2026-02-30 is not a valid date or time');
    expect(refused({ at: '9:30' })).toBe('at: a time is HH:mm');
    expect(refused({ title: 'x'.repeat(41) })).toBe('title: longer than 40 characters');
    expect(refused({ notify: 'yes' })).toBe('notify: a checker is true or false');
    expect(refused({ nothing: 'x' })).toBe('nothing is not a component of this form');
    expect(refused({}, { button: 'undo' })).toBe('no submit button named undo in a form of this card');
  });

  it('a person picker without options offers the chat members; a disabled component keeps its value', () => {
    const c = card(
      form(
        'f',
        { tag: 'select_person', name: 'who', options: [] },
        { tag: 'input', name: 'fixed', default_value: 'kept', disabled: true },
        submit,
      ),
    );
    const isPerson = (id: string) => ['ou_alice', 'ou_dan'].includes(id);
    const input = { card: c, button: 'go', zone: 'Asia/Shanghai', now: 0, people: ['ou_dan'], isPerson };
    expect(submitForm({ ...input, edits: { who: 'ou_dan', fixed: 'changed' } })).toEqual({
      ok: true,
      button: { name: 'go', value: undefined },
      formValue: { who: 'ou_dan', fixed: 'kept' },
    });
    expect(() => submitForm({ ...input, edits: { who: 'ou_alice' } })).toThrow(
      'who: ou_alice is not one of its options',
    );
    // An initial choice that is not among the choices shows nothing: a required picker is then empty.
    const stale = card(
      form(
        'f',
        { tag: 'select_person', name: 'who', required: true, initial_option: 'ou_zed', options: [{ value: 'ou_dan' }] },
        { tag: 'multi_select_static', name: 'tags', selected_values: ['a', 'gone'], options: [{ value: 'a' }] },
        submit,
      ),
    );
    expect(submitForm({ ...input, card: stale, edits: {} })).toEqual({ ok: false, missing: ['who'] });
    expect(submitForm({ ...input, card: stale, edits: { who: 'ou_dan' } })).toMatchObject({
      formValue: { who: 'ou_dan', tags: ['a'] },
    });
  });
});
