/** Validates request input with a zod schema; failures become a 422 naming every bad field. */
import type { z } from 'zod';
import { HttpError } from './http-error';

export function parseOr422<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new HttpError(422, 'invalid_request', `${what}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, issues);
  }
  return parsed.data;
}
