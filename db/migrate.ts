/**
 * Schema migrations, run by node-pg-migrate's programmatic runner over the migration files in
 * db/migrations (plain SQL, `-- Up Migration` / `-- Down Migration` sections). Applied
 * migrations are recorded in the `pgmigrations` table, so re-running is a no-op.
 */
import { join } from 'node:path';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
// node-pg-migrate 9 is ESM-only and its "exports"/"types" are invisible to this project's
// `moduleResolution: node`; take the types from the bundle's declaration file and load the
// module with require(), which Node >= 20.19 supports for ESM without top-level await.
import type * as NodePgMigrate from 'node-pg-migrate/dist/bundle/index';

/** The directory holding the migration files. */
export const MIGRATIONS_DIR = join(__dirname, 'migrations');

/** Table in which node-pg-migrate records applied migrations. */
export const MIGRATIONS_TABLE = 'pgmigrations';

/** Options for {@link migrate}. */
export interface MigrateOptions {
  log?: Logger;
  /**
   * Embedded PGlite: skip node-pg-migrate's session advisory lock. There is one backend for
   * every connection, so a lock left by a failed run would never be released, and a single
   * process owns the data directory anyway.
   */
  embedded?: boolean;
  /** 'up' (default) applies pending migrations; 'down' reverts `count` (default 1). */
  direction?: 'up' | 'down';
  count?: number;
}

function loadNodePgMigrate(): typeof NodePgMigrate {
  return require('node-pg-migrate') as typeof NodePgMigrate;
}

type MigrationLogger = NonNullable<NodePgMigrate.RunnerOption['logger']>;

function migrationLogger(log: Logger | undefined): MigrationLogger {
  const child = log?.child({ component: 'migrations' });
  return {
    debug: (msg: string) => child?.debug(msg),
    info: (msg: string) => child?.info(msg),
    warn: (msg: string) => child?.warn(msg),
    error: (msg: string) => child?.error(msg),
  };
}

/**
 * Applies pending migrations (or reverts some) on one connection checked out of `pool`, in a
 * single transaction. Against a real server, concurrent starters wait on an advisory lock
 * instead of failing. Returns the names of the migrations run, empty when up to date.
 */
export async function migrate(pool: Pool, opts: MigrateOptions = {}): Promise<string[]> {
  const { runner } = loadNodePgMigrate();
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    const ran = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      migrationsTable: MIGRATIONS_TABLE,
      direction: opts.direction ?? 'up',
      count: opts.count,
      singleTransaction: true,
      checkOrder: true,
      noLock: opts.embedded ?? false,
      advisoryLockMode: 'wait',
      logger: migrationLogger(opts.log),
    });
    return ran.map((m) => m.name);
  } catch (err) {
    failure = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    // A connection that failed mid-migration may be in an unknown state: discard it.
    client.release(failure);
  }
}
