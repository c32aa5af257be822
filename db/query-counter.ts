/**
 * Counts the queries a pool's clients send, for the per-run cost figures (`npm run bench:load`
 * reads them from each process's stats file). Counted on the clients, so `pool.query` (which
 * runs on a client) counts once.
 */
import type pg from 'pg';

/** Queries sent so far, by every client of every counted pool in this process. */
export const queryCount = { total: 0 };

type QueryFn = (...args: unknown[]) => unknown;

/** Starts counting the queries of `pool`'s clients (idempotent per client). */
export function countQueries(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const counted = client as unknown as { query: QueryFn; __gatehouseCounted?: true };
    if (counted.__gatehouseCounted) return;
    counted.__gatehouseCounted = true;
    const query = counted.query.bind(client) as QueryFn;
    counted.query = (...args: unknown[]) => {
      queryCount.total++;
      return query(...args);
    };
  });
}
