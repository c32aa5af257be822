import type { Request } from 'express';
import { compareValues, matchesQuery, parseEncodedQuery, queryFromFilters, type EncodedQuery } from './encoded-query';
import { NEGATIVE_OFFSET, type ErrorSpec } from './errors';
import { isValidFieldPath, readFieldPath } from './field-path';
import type { TableSchema } from './schema';
import type { Store } from './store';
import { integerParam, queryParam } from './sysparm';
import type { Row } from './types';

/** Default and ceiling of `sysparm_limit` on a base instance. */
export const DEFAULT_LIMIT = 10000;

/** One page of a list query plus what the pagination headers need. */
export interface ListPage {
  rows: Row[];
  total: number;
  offset: number;
  limit: number;
}

/**
 * The filter of a list request: `sysparm_query`, or else the bare `field=value` parameters
 * (the two are exclusive; bare filters naming unknown fields are ignored).
 */
function filterOf(req: Request, table: TableSchema): EncodedQuery {
  const isValid = (path: string): boolean => isValidFieldPath(table, path);
  const encoded = queryParam(req, 'sysparm_query');
  if (encoded !== undefined && encoded !== '') return parseEncodedQuery(encoded, isValid);
  const filters = Object.keys(req.query)
    .filter((name) => !name.startsWith('sysparm_') && isValid(name))
    .map((name) => [name, queryParam(req, name) ?? ''] as const);
  return queryFromFilters(filters);
}

/**
 * Filters, sorts and pages a table. Ties keep insertion order in the direction of the last sort
 * key, so `ORDERBYDESCsys_created_on` lists same-second journal rows newest first (real
 * timestamps have sub-second order the string form hides).
 */
export function runListQuery(store: Store, table: TableSchema, req: Request): ListPage | ErrorSpec {
  const offset = integerParam(req, 'sysparm_offset') ?? 0;
  if (offset < 0) return NEGATIVE_OFFSET;
  const requestedLimit = integerParam(req, 'sysparm_limit');
  const limit = requestedLimit !== undefined && requestedLimit > 0 ? requestedLimit : DEFAULT_LIMIT;

  const query = filterOf(req, table);
  const read = (row: Row) => (path: string): string => readFieldPath(store, table, row, path);
  const matching = store
    .list(table.name)
    .map((row, index) => ({ row, index }))
    .filter(({ row }) => matchesQuery(query, read(row)));

  const lastKey = query.orderBy[query.orderBy.length - 1];
  const tieDirection = lastKey?.descending ? -1 : 1;
  matching.sort((a, b) => {
    for (const key of query.orderBy) {
      const order = compareValues(read(a.row)(key.field), read(b.row)(key.field));
      if (order !== 0) return key.descending ? -order : order;
    }
    return (a.index - b.index) * tieDirection;
  });

  return {
    rows: matching.slice(offset, offset + limit).map(({ row }) => row),
    total: matching.length,
    offset,
    limit,
  };
}
