import type { Request } from 'express';
import { contextOf } from './request-context';

/** A page of a list, as asked for with `page` and `per_page`. */
export interface PageRequest {
  page: number;
  perPage: number;
}

function positiveInt(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 ? n : undefined;
}

/** `per_page` defaults to 30 and is capped at 100; `page` defaults to 1 (wire reference §3). */
export function pageRequest(req: Request): PageRequest {
  return {
    page: positiveInt(req.query['page']) ?? 1,
    perPage: Math.min(100, positiveInt(req.query['per_page']) ?? 30),
  };
}

/** The items of the requested page. */
export function pageOf<T>(items: readonly T[], { page, perPage }: PageRequest): T[] {
  return items.slice((page - 1) * perPage, page * perPage);
}

/**
 * The `link` header, or undefined when everything fits on one page (GitHub omits it then).
 * Order and form follow GitHub: `<url>; rel="prev", <url>; rel="next", <url>; rel="last", <url>; rel="first"`,
 * with `per_page` carried into every URL.
 */
export function linkHeader(req: Request, { page, perPage }: PageRequest, total: number): string | undefined {
  const last = Math.max(1, Math.ceil(total / perPage));
  if (last === 1 && page === 1) return undefined;
  const at = (n: number): string => {
    const url = new URL(`${contextOf(req).apiBase}${req.url}`);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(n));
    return `<${url.href}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${at(Math.min(page - 1, last))}; rel="prev"`);
  if (page < last) links.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`);
  if (page > 1) links.push(`${at(1)}; rel="first"`);
  return links.length > 0 ? links.join(', ') : undefined;
}
