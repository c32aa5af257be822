/**
 * Pieces of GitHub's REST answers that several actions read. Provider schemas list only the
 * fields Gatehouse uses and let the rest through, so GitHub adding fields breaks nothing.
 */
import { z } from 'zod';

/** A "simple user"; GitHub sends null for deleted accounts ("ghost"). */
export const rawUserSchema = z.object({ login: z.string() }).nullable();

/** A label: an object, or (in some older answers) just its name. */
export const rawLabelSchema = z.union([z.object({ name: z.string() }), z.string()]);

/** A label's name, whichever form it came in. */
export function labelName(label: z.infer<typeof rawLabelSchema>): string {
  return typeof label === 'string' ? label : label.name;
}

/** ISO 8601 timestamps as GitHub writes them, kept as strings. */
export const timestampSchema = z.string().min(1);
