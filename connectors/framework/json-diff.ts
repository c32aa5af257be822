/** Where two JSON values differ, as paths: enough for a drift message to say what changed. */
import { formatPath } from './problem';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walk(a: unknown, b: unknown, path: PropertyKey[], out: string[], limit: number): void {
  if (out.length >= limit) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      out.push(`${formatPath(path)} (length ${a.length} ≠ ${b.length})`);
      return;
    }
    a.forEach((item, i) => walk(item, b[i], [...path, i], out, limit));
    return;
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) {
      if (!(key in a) || !(key in b)) out.push(`${formatPath([...path, key])} (${key in a ? 'only in the file' : 'missing from the file'})`);
      else walk(a[key], b[key], [...path, key], out, limit);
      if (out.length >= limit) return;
    }
    return;
  }
  if (!Object.is(a, b)) out.push(formatPath(path));
}

/** Paths at which `a` and `b` differ, at most `limit` of them (empty when equal). */
export function differingPaths(a: unknown, b: unknown, limit = 10): string[] {
  const out: string[] = [];
  walk(a, b, [], out, limit);
  return out;
}
