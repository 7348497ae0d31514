/**
 * Form components of card JSON 2.0, as Feishu documents them. A `form` container sits at the card's root only and
 * holds no other form or table; each interactive component in it has a `name` unique in the card, and its value
 * comes back under that name in the submit callback's `action.form_value`. A form needs a button with
 * `form_action_type: "submit"`. Pure functions.
 */
import { card, markdown, plainText, userText, type I18nText } from './kit.js';

type Element = Record<string, unknown>;

/**
 * A form card: the outcome of the last submit (when there is one) above the given body (the form at the root and
 * notes around it).
 */
export function formCard(title: I18nText, outcome: I18nText | null | undefined, body: Element[]): Element {
  return card({
    title,
    template: 'blue',
    summary: title,
    elements: [...(outcome ? [markdown(outcome, 'outcome')] : []), ...body],
  });
}

/** The `form` container (root level only). */
export function form(name: string, elements: Element[]): Element {
  return { tag: 'form', name, element_id: name, vertical_spacing: '8px', elements };
}

/** A small bold label above a component that has no label of its own (selects, pickers). */
export function fieldLabel(text: I18nText): Element {
  return markdown({ zh: `**${text.zh}**`, en: `**${text.en}**` });
}

/** A chat's heading over its fields: its name (when known) with its id small and grey, else its id. */
export function chatHeading(chat: { chatId: string; name: string | null }): Element {
  const id = userText(chat.chatId, 100);
  const text = chat.name ? `${userText(chat.name, 60)} <font color='grey'>${id}</font>` : id;
  return markdown({ zh: `**${text}**`, en: `**${text}**` });
}

/** A one-line text input with its label (`default_value` is what it shows at first). */
export function textInput(spec: {
  name: string;
  label: I18nText;
  value: string;
  placeholder?: I18nText;
  maxLength?: number;
  required?: boolean;
}): Element {
  return {
    tag: 'input',
    name: spec.name,
    label: plainText(spec.label),
    label_position: 'left',
    default_value: spec.value,
    ...(spec.placeholder && { placeholder: plainText(spec.placeholder) }),
    max_length: spec.maxLength ?? 100,
    required: spec.required ?? false,
    width: 'fill',
  };
}

export interface Option {
  value: string;
  /** Bilingual text, or a ready plain_text (user data such as a chat's name, the same in both languages). */
  text: I18nText | { tag: 'plain_text'; content: string };
}

const options = (list: readonly Option[]) =>
  list.map((o) => ({ text: 'tag' in o.text ? o.text : plainText(o.text), value: o.value }));

/** A single choice; `initial_option` is the value chosen at first. */
export function selectStatic(spec: { name: string; options: readonly Option[]; value: string | null }): Element {
  return {
    tag: 'select_static',
    name: spec.name,
    type: 'default',
    width: 'fill',
    options: options(spec.options),
    ...(spec.value !== null && { initial_option: spec.value }),
  };
}

/** Several choices; `selected_values` are the values chosen at first. */
export function multiSelectStatic(spec: {
  name: string;
  options: readonly Option[];
  values: readonly string[];
  placeholder?: I18nText;
  /** The client refuses to submit the form while nothing is chosen. */
  required?: boolean;
}): Element {
  return {
    tag: 'multi_select_static',
    name: spec.name,
    type: 'default',
    width: 'fill',
    required: spec.required ?? false,
    ...(spec.placeholder && { placeholder: plainText(spec.placeholder) }),
    options: options(spec.options),
    selected_values: [...spec.values],
  };
}

/**
 * Several people by open_id, chosen among `choices` (which should hold the people chosen at first). With options,
 * Feishu offers only the people they name (and shows them by name anywhere); without options, or none naming a
 * person of the tenant, it offers the members of the chat the card is in, which in a direct chat is the reader
 * alone. So the choices are always listed.
 */
export function multiSelectPerson(spec: {
  name: string;
  values: readonly string[];
  choices: readonly string[];
  placeholder?: I18nText;
}): Element {
  return {
    tag: 'multi_select_person',
    name: spec.name,
    type: 'default',
    width: 'fill',
    required: false,
    ...(spec.placeholder && { placeholder: plainText(spec.placeholder) }),
    options: [...new Set([...spec.values, ...spec.choices])].map((value) => ({ value })),
    selected_values: [...spec.values],
  };
}

/** A date (`initial_date` "YYYY-MM-DD"); submitted as "YYYY-MM-DD +0800". */
export function datePicker(spec: { name: string; value: string | null; placeholder: I18nText }): Element {
  return {
    tag: 'date_picker',
    name: spec.name,
    width: 'fill',
    placeholder: plainText(spec.placeholder),
    ...(spec.value && { initial_date: spec.value }),
  };
}

/** A time of day (`initial_time` "HH:mm"); submitted as "HH:mm +0800". */
export function timePicker(spec: { name: string; value: string; placeholder: I18nText }): Element {
  return {
    tag: 'picker_time',
    name: spec.name,
    width: 'fill',
    placeholder: plainText(spec.placeholder),
    initial_time: spec.value,
  };
}

/** A checkbox with its text (`checked` at first); submitted as a boolean. */
export function checker(spec: { name: string; text: I18nText; checked: boolean }): Element {
  return {
    tag: 'checker',
    name: spec.name,
    checked: spec.checked,
    text: plainText(spec.text),
    overall_checkable: true,
  };
}

/**
 * The submit button of a form: the form's values come back with `value` (the button's callback value) and the
 * button's `name`.
 */
export function submitButton(name: string, text: I18nText, value: Record<string, unknown>): Element {
  return {
    tag: 'button',
    name,
    text: plainText(text),
    type: 'primary',
    form_action_type: 'submit',
    behaviors: [{ type: 'callback', value }],
  };
}

/** Counts a card's elements the way Feishu's limit does: every object with a `tag` inside the body. */
export function countElements(card: unknown): number {
  let count = 0;
  const stack: unknown[] = [(card as { body?: unknown }).body];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      if (typeof o.tag === 'string' && o.tag !== 'plain_text' && o.tag !== 'lark_md') count++;
      for (const [k, x] of Object.entries(o)) if (k === 'elements' || k === 'columns') stack.push(x);
    }
  }
  return count;
}

/** Feishu's limit on the elements of a 2.0 card. */
export const MAX_CARD_ELEMENTS = 200;
