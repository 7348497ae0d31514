/**
 * A form's submitted values (`action.form_value`) read as untrusted input: each value is checked for its type,
 * range, known options and length with zod, and a problem is said in both languages. Feishu sends dates as
 * "2024-04-01 +0800", times as "09:30 +0800", people as open_ids, a multi select as an array of option values and
 * a checker as a boolean. Feishu submits only the fields that hold something, so a field absent here was either not
 * on the card or emptied; it changes nothing, unless the card named it as a list that is read as empty when absent
 * (the routes form does).
 */
import { z } from 'zod';
import { t, type I18nText } from '../../cards/kit.js';
import { isCalendarDate } from '../learning/courses.js';

/** A refusal of a submitted value: what is wrong, in both languages. */
export class FormProblem extends Error {
  constructor(readonly problem: I18nText) {
    super(problem.en);
  }
}

/** A submitted value for an error message: text and numbers as they are (clipped); anything else by its kind. */
const quoted = (v: unknown): string => {
  if (typeof v === 'string') return Array.from(v).length > 24 ? `${Array.from(v).slice(0, 23).join('')}…` : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  // A list or an object is not written out: it comes from the sender, whatever its size or depth.
  return Array.isArray(v) ? '[…]' : '{…}';
};

/** Reads one field with a schema; undefined when the field was not submitted. Throws FormProblem otherwise. */
export function field<T>(
  form: Record<string, unknown>,
  name: string,
  label: I18nText,
  schema: z.ZodType<T>,
  expected: I18nText,
): T | undefined {
  if (!(name in form) || form[name] === undefined || form[name] === null) return undefined;
  const parsed = schema.safeParse(form[name]);
  if (parsed.success) return parsed.data;
  const got = quoted(form[name]);
  throw new FormProblem(
    t(`「${label.zh}」的值「${got}」无效：${expected.zh}。`, `${label.en}: "${got}" is not valid: ${expected.en}.`),
  );
}

/** An integer in [min, max], typed in an input (a string of digits, an optional minus sign). */
export const intText = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d{1,6}$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

export const intExpected = (min: number, max: number) =>
  t(`应为 ${min} 到 ${max} 的整数`, `a whole number ${min}–${max}`);

/** A list of integers typed as "7,3,1,-1" (empty: none), each in [min, max], at most `most`. */
export const intListText = (min: number, max: number, most: number) =>
  z
    .string()
    .max(200)
    .transform((s) =>
      s
        .split(/[,，\s]+/)
        .map((x) => x.trim())
        .filter((x) => x !== ''),
    )
    .pipe(
      z
        .array(
          z
            .string()
            .regex(/^-?\d{1,4}$/)
            .transform(Number)
            .pipe(z.number().int().min(min).max(max)),
        )
        .max(most),
    )
    .transform((days) => [...new Set(days)].sort((a, b) => b - a));

/** A checker's state. */
export const bool = z.boolean();

/** One of the options offered. */
export const oneOf = (values: readonly string[]) => z.string().refine((v) => values.includes(v));

/** Several of the options offered, each once. */
export const someOf = (values: readonly string[], most = values.length) =>
  z
    .array(z.string().refine((v) => values.includes(v)))
    .max(most)
    .transform((v) => [...new Set(v)]);

/** A time of day "HH:mm", as a time picker sends it ("09:30 +0800"); the zone is the picker's, not needed here. */
export const timeOfDay = z
  .string()
  .max(20)
  .regex(/^([01]\d|2[0-3]):[0-5]\d( [+-]\d{4})?$/)
  .transform((v) => v.slice(0, 5));

/** A date "YYYY-MM-DD", as a date picker sends it ("2024-04-01 +0800"), that exists. */
export const calendarDate = z
  .string()
  .max(20)
  .regex(/^\d{4}-\d{2}-\d{2}( [+-]\d{4})?$/)
  .transform((v) => v.slice(0, 10))
  .refine(isCalendarDate);

/** Several people, as a person picker sends them (open_ids). */
export const people = (most: number) =>
  z
    .array(z.string().regex(/^[A-Za-z0-9_-]{1,100}$/))
    .max(most)
    .transform((v) => [...new Set(v)]);

/** Text typed in an input, trimmed, at most `max` characters (code points), without control characters. */
export const text = (max: number) =>
  z
    .string()
    .transform((s) => s.trim())
    .refine((s) => Array.from(s).length <= max && !Array.from(s).some((c) => c < ' ' || c === '\u007f'));
