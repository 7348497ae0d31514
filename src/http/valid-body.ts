import type { z } from 'zod';
import { badRequest } from './errors.js';

/**
 * The body as `schema` reads it, or a 400 with `code` that names the first thing wrong: where it is (the path in
 * the body) and what zod says about it, after `what` the body should have been ("Not an ALM webhook batch").
 */
export function validBody<S extends z.ZodType>(schema: S, body: unknown, what: string, code: string): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw badRequest(`${what}: ${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid'}.`, code);
}
