/** One field a form submit changes: its value before and after, and how it is written. */
import type { Config } from '../config.js';
import type { Tx } from '../db/tx.js';

/** A form submit as the functions that read it take it, inside the transaction that writes its changes. */
export interface FormSubmit {
  tx: Tx;
  config: Config;
  /** Who submitted it. */
  openId: string;
  now: Date;
  /** `action.form_value`, untrusted. */
  form: Record<string, unknown>;
  /** The submit button's value: what the submitted card offered. */
  button: Record<string, unknown>;
}

export interface FormChange {
  /** The form field (or the thing it names, e.g. a date or a chat's setting). */
  field: string;
  before: unknown;
  after: unknown;
  write: (tx: Tx) => Promise<void>;
}

/** The audit detail of a submit: the form, and before and after of each changed field (never how they are written). */
export function changesDetail(form: string, changes: readonly FormChange[]) {
  return {
    form,
    changes: changes.map((c) => ({ field: c.field, before: c.before ?? null, after: c.after ?? null })),
  };
}
