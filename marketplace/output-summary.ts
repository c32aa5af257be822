/**
 * A read's output in one short line for a smoke-test report: lists as their lengths, long text
 * cut. A report proves the read worked; it is not the place to copy a file or a user's profile.
 */
const MAX_TEXT = 80;

function brief(value: unknown): unknown {
  if (Array.isArray(value)) return value.length;
  if (typeof value === 'string') return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}… (${value.length} characters)` : value;
  if (value !== null && typeof value === 'object') return '{…}';
  return value;
}

/** `{"pullRequests":3,"nextPage":null}` for `{ pullRequests: [a, b, c], nextPage: null }`. */
export function summarizeOutput(output: unknown): string {
  if (output === null || typeof output !== 'object' || Array.isArray(output)) return JSON.stringify(brief(output)) ?? 'undefined';
  return JSON.stringify(Object.fromEntries(Object.entries(output).map(([key, value]) => [key, brief(value)])));
}
