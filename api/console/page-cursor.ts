/**
 * The `before` cursors of the console's paged lists: the last row's key as base64url JSON. Opaque
 * to clients, which pass back the `next` they were given instead of building keys; checked on the
 * way back in like any other input, so a malformed cursor is a 422 with the reason, never a
 * database error.
 */
import { z } from 'zod';

const NOT_A_CURSOR = 'not a cursor of this list (pass back the "next" value of the previous page)';

/** The cursor a client passes back to get the page after the row `key` stands for. */
export function encodeCursor(key: object): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The key inside a cursor, or undefined when `raw` is not base64url of JSON. */
function decodeCursor(raw: string): unknown {
  // Node's base64url decoder skips characters it does not know; refuse them instead.
  if (!/^[A-Za-z0-9_-]{1,1000}$/.test(raw)) return undefined;
  try {
    return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** A query parameter holding a cursor whose key matches `key`; absent or blank means the first page. */
export function cursorParam<T>(key: z.ZodType<T>): z.ZodType<T | undefined> {
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().transform((raw, ctx): T => {
      const parsed = key.safeParse(decodeCursor(raw.trim()));
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: NOT_A_CURSOR });
        return z.NEVER;
      }
      return parsed.data;
    }).optional(),
  );
}

/** The page size parameter of the paged lists: a whole number from 1 to `max`. */
export function pageLimitParam(max: number): z.ZodType<number | undefined> {
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.coerce.number().int().min(1).max(max).optional(),
  );
}
