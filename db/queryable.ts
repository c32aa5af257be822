/**
 * The one thing the repositories need from a connection: parameterised queries. A `pg.Pool`,
 * a checked-out `pg.PoolClient` (to run several repository calls in one transaction) and a
 * `pg.Client` all satisfy it.
 */
import type { QueryResult, QueryResultRow } from 'pg';

/** Anything that can run a parameterised query: `pg.Pool`, `pg.PoolClient` or `pg.Client`. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

/** PostgreSQL error fields the repositories inspect (node-postgres attaches them to `Error`). */
export interface PgErrorFields {
  code?: string;
  constraint?: string;
}

/** True when `err` is a PostgreSQL error with SQLSTATE `code` (and, if given, on `constraint`). */
export function isPgError(err: unknown, code: string, constraint?: string): boolean {
  if (!(err instanceof Error)) return false;
  const fields = err as Error & PgErrorFields;
  return fields.code === code && (constraint === undefined || fields.constraint === constraint);
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True for a syntactically valid UUID. Lookups use it to answer "not found" for garbage ids
 * instead of letting PostgreSQL raise `invalid input syntax for type uuid`.
 */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}
