/**
 * Card JSON 2.0 forms, as Feishu treats them. When a card is sent: a `form` sits at the card's root only, holds no
 * form, table or chart, names every interactive component inside (names unique in the card) and has at least one
 * submit button; multi selects exist only inside a form. When a person submits: the client checks required fields
 * (no callback at all while one is empty), then sends `form_value` with the value of every filled component under
 * its name: inputs and single selects as strings, multi selects as arrays of option values, person pickers as
 * open_ids, checkers as booleans, dates as "2024-04-01 +0800", times as "09:30 +0800", date-times as
 * "2024-04-01 09:30 +0800" (the offset of the person's time zone then). Pure.
 */
import { DateTime } from 'luxon';
import { isRecord } from './http.js';

type Json = Record<string, unknown>;

/** Components whose value a form submits. */
const FIELD_TAGS = new Set([
  'input',
  'select_static',
  'multi_select_static',
  'select_person',
  'multi_select_person',
  'date_picker',
  'picker_time',
  'picker_datetime',
  'checker',
  'select_img',
]);
/** Interactive components: inside a form each needs a name. */
const INTERACTIVE_TAGS = new Set([...FIELD_TAGS, 'button', 'overflow']);
/** Components a form cannot hold. */
const NOT_IN_FORM = new Set(['form', 'table', 'chart']);
/** Components that exist only inside a form. */
const FORM_ONLY = new Set(['multi_select_static', 'multi_select_person']);
/** An input holds at most this many characters unless `max_length` says otherwise. */
const INPUT_MAX_LENGTH = 1000;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/;

interface Visit {
  node: Json;
  /** The node sits directly in `body.elements`. */
  atRoot: boolean;
  /** The form it is in, if any. */
  form: Json | undefined;
}

/** Every component (object with a string `tag`) under `elements`, in document order, with where it sits. */
function walk(elements: unknown[], atRoot: boolean, form: Json | undefined, out: Visit[] = []): Visit[] {
  // Without recursion (a card's depth is its sender's choice): a stack of pending arrays with their context.
  const stack: { items: unknown[]; i: number; atRoot: boolean; form: Json | undefined }[] = [
    { items: elements, i: 0, atRoot, form },
  ];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.i >= top.items.length) {
      stack.pop();
      continue;
    }
    const item = top.items[top.i++];
    if (!isRecord(item)) continue;
    const isComponent = typeof item.tag === 'string';
    if (isComponent) out.push({ node: item, atRoot: top.atRoot, form: top.form });
    const inner = isComponent && item.tag === 'form' ? item : top.form;
    const arrays = Object.values(item).filter(Array.isArray);
    for (let k = arrays.length - 1; k >= 0; k--) stack.push({ items: arrays[k]!, i: 0, atRoot: false, form: inner });
  }
  return out;
}

const isSubmit = (c: Json) =>
  c.tag === 'button' && (c.form_action_type === 'submit' || c.action_type === 'form_submit');

/** Why Feishu would refuse the forms of a 2.0 card whose `body.elements` is `elements`; undefined when it would not. */
export function formProblem(elements: unknown[]): string | undefined {
  const visits = walk(elements, true, undefined);
  const names = new Set<string>();
  const submits = new Map<Json, number>();
  for (const { node, atRoot, form } of visits) {
    const tag = node.tag as string;
    if (tag === 'form') {
      if (!atRoot) return form ? 'a form cannot hold another form' : "a form must sit at the card's root";
      submits.set(node, 0);
    }
    if (form && NOT_IN_FORM.has(tag)) return `a form cannot hold a ${tag}`;
    if (!form && FORM_ONLY.has(tag)) return `${tag} is only allowed inside a form`;
    const needsName = tag === 'form' || (form !== undefined && INTERACTIVE_TAGS.has(tag));
    const name = node.name;
    if (needsName && (typeof name !== 'string' || name === '')) return `${tag} in a form needs a name`;
    if (typeof name === 'string' && name !== '' && (needsName || INTERACTIVE_TAGS.has(tag))) {
      if (names.has(name)) return `duplicate name ${name}`;
      names.add(name);
    }
    if (form && isSubmit(node)) submits.set(form, (submits.get(form) ?? 0) + 1);
  }
  for (const [form, count] of submits) {
    if (count === 0) return `form ${String(form.name)} has no button with form_action_type "submit"`;
  }
  return undefined;
}

/** A submit Feishu's client would not send: unknown button, a value the component cannot hold. */
export class FormError extends Error {}

export type FormSubmission =
  | { ok: true; formValue: Record<string, unknown>; button: { name: string; value: unknown } }
  | { ok: false; missing: string[] };

export interface SubmitInput {
  /** The card as Feishu shows it (card JSON 2.0). */
  card: Json;
  /** The `name` of the submit button pressed. */
  button: string;
  /** What the person changed, by component name: strings, arrays of strings (multi selects), booleans (checkers). */
  edits: Record<string, unknown>;
  /** The person's IANA time zone: the offsets of dates and times. */
  zone: string;
  /** Now (ms): the day whose offset a bare time carries. */
  now: number;
  /** The people a person picker without options offers (the members of the chat the card is in). */
  people: readonly string[];
  /** Whether an open_id names a person of the tenant; an option naming nobody is not offered. */
  isPerson: (openId: string) => boolean;
}

/** The callback value of a component: `behaviors[{type:'callback', value}]`, else the older `value`. */
export function callbackValue(c: Json): unknown {
  const behaviors = Array.isArray(c.behaviors) ? c.behaviors : [];
  const callback = behaviors.find((b): b is Json => isRecord(b) && b.type === 'callback');
  return callback ? callback.value : c.value;
}

function optionValues(c: Json): string[] {
  const options = Array.isArray(c.options) ? c.options : [];
  return options.flatMap((o) => (isRecord(o) && typeof o.value === 'string' ? [o.value] : []));
}

/**
 * The choices a select offers: its options. A person picker offers the people its options name; with no options
 * naming a person, the members of the chat the card is in.
 */
function choices(c: Json, input: Pick<SubmitInput, 'people' | 'isPerson'>): string[] {
  const values = optionValues(c);
  if (c.tag !== 'select_person' && c.tag !== 'multi_select_person') return values;
  const valid = values.filter((v) => input.isPerson(v));
  return valid.length > 0 ? valid : [...input.people];
}

/** The value a component shows before anyone touches it. */
export function initialValue(c: Json): unknown {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  switch (c.tag) {
    case 'input':
      return str(c.default_value);
    case 'select_static': {
      const values = optionValues(c);
      if (typeof c.initial_option === 'string' && values.includes(c.initial_option)) return c.initial_option;
      const index = typeof c.initial_index === 'number' ? c.initial_index : 0;
      return index >= 1 && index <= values.length ? values[index - 1] : '';
    }
    case 'select_person':
      return str(c.initial_option);
    case 'multi_select_static':
    case 'multi_select_person': {
      const initial = Array.isArray(c.selected_values) ? c.selected_values : c.initial_options;
      return Array.isArray(initial) ? initial.filter((v) => typeof v === 'string') : [];
    }
    case 'date_picker':
      return str(c.initial_date);
    case 'picker_time':
      return str(c.initial_time);
    case 'picker_datetime':
      return str(c.initial_datetime);
    case 'checker':
      return c.checked === true;
    default:
      return '';
  }
}

/** A value as the form submits it, or FormError when the component could not hold it. */
function submitted(c: Json, v: unknown, input: SubmitInput): unknown {
  const name = String(c.name);
  const bad = (why: string): never => {
    throw new FormError(`${name}: ${why}`);
  };
  const offsetAt = (iso: string) => {
    const at = DateTime.fromISO(iso, { zone: input.zone });
    if (!at.isValid) bad(`${iso} is not a valid date or time`);
    return at.toFormat('ZZZ');
  };
  switch (c.tag) {
    case 'checker':
      return typeof v === 'boolean' ? v : bad('a checker is true or false');
    case 'input': {
      if (typeof v !== 'string') return bad('an input holds text');
      const max = typeof c.max_length === 'number' ? c.max_length : INPUT_MAX_LENGTH;
      return [...v].length > max ? bad(`longer than ${max} characters`) : v;
    }
    case 'select_static':
    case 'select_person':
      if (typeof v !== 'string') return bad('a single select holds one value');
      return choices(c, input).includes(v) ? v : bad(`${v} is not one of its options`);
    case 'multi_select_static':
    case 'multi_select_person': {
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return bad('a multi select holds a list');
      const allowed = choices(c, input);
      const unknown = v.find((x) => !allowed.includes(x));
      return unknown === undefined ? v : bad(`${unknown} is not one of its options`);
    }
    case 'date_picker':
      if (typeof v !== 'string' || !DATE.test(v)) return bad('a date is YYYY-MM-DD');
      return `${v} ${offsetAt(v)}`;
    case 'picker_time': {
      if (typeof v !== 'string' || !TIME.test(v)) return bad('a time is HH:mm');
      const today = DateTime.fromMillis(input.now, { zone: input.zone }).toISODate()!;
      return `${v} ${offsetAt(`${today}T${v}`)}`;
    }
    case 'picker_datetime':
      if (typeof v !== 'string' || !DATETIME.test(v)) return bad('a date and time is YYYY-MM-DD HH:mm');
      return `${v} ${offsetAt(v.replace(' ', 'T'))}`;
    default:
      return v;
  }
}

/** The initial value as the client shows it: an initial choice that is not among the choices shows nothing. */
function shownInitially(c: Json, input: SubmitInput): unknown {
  const v = initialValue(c);
  if (c.tag !== 'select_static' && !String(c.tag).startsWith('multi_select') && c.tag !== 'select_person') return v;
  const allowed = choices(c, input);
  return Array.isArray(v) ? v.filter((x: string) => allowed.includes(x)) : allowed.includes(v as string) ? v : '';
}

const isEmpty = (v: unknown) => v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/**
 * What a Feishu client does when the submit button `input.button` is pressed: the form's values (initial values,
 * changed by `input.edits`), or the names of the required components left empty (then nothing is sent).
 */
export function submitForm(input: SubmitInput): FormSubmission {
  const body = isRecord(input.card.body) ? input.card.body : {};
  const elements = Array.isArray(body.elements) ? body.elements : [];
  const forms = elements.filter((e): e is Json => isRecord(e) && e.tag === 'form');
  for (const form of forms) {
    const inside = walk(Array.isArray(form.elements) ? form.elements : [], false, form).map((v) => v.node);
    const button = inside.find((c) => isSubmit(c) && c.name === input.button);
    if (!button) continue;
    if (button.disabled === true) throw new FormError(`${input.button} is disabled`);
    const fields = inside.filter(
      (c) => typeof c.tag === 'string' && FIELD_TAGS.has(c.tag) && typeof c.name === 'string',
    );
    const known = new Set(fields.map((c) => c.name as string));
    const stray = Object.keys(input.edits).find((k) => !known.has(k));
    if (stray !== undefined) throw new FormError(`${stray} is not a component of this form`);
    const formValue: Record<string, unknown> = {};
    const missing: string[] = [];
    for (const c of fields) {
      const name = c.name as string;
      // A disabled component keeps its initial value whatever was sent for it.
      const edited = name in input.edits && c.disabled !== true;
      const value = edited ? input.edits[name] : shownInitially(c, input);
      if (isEmpty(value)) {
        if (c.required === true) missing.push(name);
        continue;
      }
      formValue[name] = submitted(c, value, input);
    }
    if (missing.length > 0) return { ok: false, missing };
    return { ok: true, formValue, button: { name: input.button, value: callbackValue(button) } };
  }
  throw new FormError(`no submit button named ${input.button} in a form of this card`);
}
