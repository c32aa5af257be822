import type { Request } from 'express';
import type { IssueRecord } from './store';

/** A parsed list filter, or the name of the query parameter that was invalid. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; field: string };

function oneOf<T extends string>(req: Request, name: string, allowed: readonly T[], fallback: T): Parsed<T> {
  const raw = req.query[name];
  if (raw === undefined) return { ok: true, value: fallback };
  const found = allowed.find((a) => a === raw);
  return found === undefined ? { ok: false, field: name } : { ok: true, value: found };
}

/** Sorting shared by both lists: `created` (default) or `updated`, plus `comments` for issues. */
export interface ListFilter {
  state: 'open' | 'closed' | 'all';
  sort: 'created' | 'updated' | 'comments' | 'popularity' | 'long-running';
  direction: 'asc' | 'desc';
}

/** Parses `state`, `sort` and `direction` for a list with the given sort keys. */
export function listFilter(req: Request, sorts: readonly ListFilter['sort'][]): Parsed<ListFilter> {
  const state = oneOf(req, 'state', ['open', 'closed', 'all'] as const, 'open');
  if (!state.ok) return state;
  const sort = oneOf(req, 'sort', sorts, 'created');
  if (!sort.ok) return sort;
  const direction = oneOf(req, 'direction', ['asc', 'desc'] as const, 'desc');
  if (!direction.ok) return direction;
  return { ok: true, value: { state: state.value, sort: sort.value, direction: direction.value } };
}

/** Applies state and order. Ties (same second) fall back to the number, so order is total. */
export function filterAndSort(items: IssueRecord[], filter: ListFilter): IssueRecord[] {
  const key = (i: IssueRecord): string | number =>
    filter.sort === 'updated' ? i.updatedAt : filter.sort === 'comments' ? i.comments : i.createdAt;
  const sign = filter.direction === 'asc' ? 1 : -1;
  return items
    .filter((i) => filter.state === 'all' || i.state === filter.state)
    .sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const primary = ka < kb ? -1 : ka > kb ? 1 : 0;
      return sign * (primary !== 0 ? primary : a.number - b.number);
    });
}
