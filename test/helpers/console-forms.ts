/**
 * Driving a card form in the sandbox console (a real browser, playwright-core) the way a person does: controls
 * found by their accessible labels, options chosen by what they show (people by name), buttons by their text.
 *
 *   const card = messageCard(page, await latestFormMessageId(page));   // e.g. after typing a command
 *   await fillForm(card, { 'Reminder time': '10:00', Owner: '王芳', 'Notify managers': true });
 *   await pressFormButton(card, 'Save');
 *   await card.locator('form.card-form').waitFor({ state: 'detached' });   // the answer's card replaced the form
 */
import type { Locator, Page } from 'playwright-core';

/** A bot message in the open chat, by message id: its card is replaced in place when a callback answers one. */
export const messageCard = (page: Page, messageId: string): Locator =>
  page.locator(`#messages .msg[data-message-id="${messageId}"]`);

/** The message id of the newest card with a form in the open chat, once one is shown. */
export async function latestFormMessageId(page: Page, timeout = 30_000): Promise<string> {
  const message = page.locator('#messages .msg.from-bot:has(form.card-form)').last();
  await message.waitFor({ timeout });
  return (await message.getAttribute('data-message-id')) ?? '';
}

/**
 * What to put in each field, by the field's accessible label: text for inputs, date (YYYY-MM-DD), time (HH:mm) and
 * date-time ("YYYY-MM-DD HH:mm") pickers; the shown option (a person's name) or several for selects; true/false for
 * checkers.
 */
export type FormInput = Record<string, string | string[] | boolean>;

export async function fillForm(card: Locator, input: FormInput): Promise<void> {
  for (const [label, value] of Object.entries(input)) {
    const control = card.getByLabel(label, { exact: true });
    const kind = await control.evaluate((node) => {
      const c = node as unknown as Control;
      return c.tagName === 'SELECT' ? 'select' : c.tagName === 'INPUT' ? c.type : 'text';
    });
    if (kind === 'checkbox') await control.setChecked(value === true);
    else if (kind === 'select') {
      const labels = Array.isArray(value) ? value : [String(value)];
      await control.selectOption(labels.map((l) => ({ label: l })));
    } else if (kind === 'datetime-local') await control.fill(String(value).replace(' ', 'T'));
    else await control.fill(String(value));
  }
}

/** The form's values as they stand, by component name, in the shapes a submit sends. */
export function readForm(card: Locator): Promise<Record<string, unknown>> {
  return card.locator('form.card-form .form-control').evaluateAll((nodes) => {
    const out: Record<string, unknown> = {};
    for (const node of nodes) {
      const c = node as unknown as Control;
      if (c.tagName === 'SELECT') out[c.name] = c.multiple ? Array.from(c.selectedOptions, (o) => o.value) : c.value;
      else if (c.type === 'checkbox') out[c.name] = c.checked;
      else out[c.name] = c.type === 'datetime-local' ? c.value.replace('T', ' ') : c.value;
    }
    return out;
  });
}

/** Presses a form button by its text (submit or reset). */
export const pressFormButton = (card: Locator, text: string): Promise<void> =>
  card.locator('form.card-form button').filter({ hasText: text }).click();

/** The names of the fields marked as missing after a blocked submit. */
export const missingFields = (card: Locator): Promise<string[]> =>
  card
    .locator('.form-field.missing')
    .evaluateAll((nodes) => nodes.map((n) => (n as unknown as Control).dataset.name ?? ''));

/** The parts of a form control (input, textarea, select) and its field read here. */
interface Control {
  tagName: string;
  type: string;
  name: string;
  value: string;
  checked: boolean;
  multiple: boolean;
  selectedOptions: ArrayLike<{ value: string }>;
  dataset: Record<string, string | undefined>;
}
