/**
 * Opens Gatehouse's PostgreSQL: a server named by DATABASE_URL, or an embedded PGlite served
 * over the wire protocol. Either way the application gets a `pg.Pool`, so exactly the same
 * driver and SQL run in development, tests and production. Migrations run before it returns.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { migrate } from './migrate';
import { countQueries } from './query-counter';

/**
 * Pool size on the embedded database. PGlite runs one query at a time whatever the number of
 * connections (the wire server keeps them apart, see pglite-wire-server.ts), so more buys only
 * a shorter wait for a free client while one holds a transaction. Code must still never hold a
 * checked-out client in a transaction while waiting for another query of the same database:
 * the backend is that transaction's until it ends.
 */
export const EMBEDDED_POOL_MAX = 4;

/** An open database. */
export interface Database {
  pool: pg.Pool;
  /** Connection string of the server; may contain a password, so never log it as is (see redactDatabaseUrl). */
  url: string;
  /** True when this is the embedded PGlite. */
  embedded: boolean;
  /** Ends the pool; for the embedded database also stops its server and PGlite. Idempotent. */
  close(): Promise<void>;
}

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** A PostgreSQL connection string (the app passes `process.env.DATABASE_URL`). Empty means unset. */
  databaseUrl?: string;
  /** Without databaseUrl: persist the embedded database under this directory (in memory otherwise). */
  dataDir?: string;
  log?: Logger;
  /**
   * false: the schema is someone else's to migrate (the `npm start` supervisor migrates once,
   * then starts the API and worker processes). Default true.
   */
  migrate?: boolean;
  /** Serve the embedded database on this port (default: any free port). */
  port?: number;
}

/** The URL with any password replaced, for logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable database url)';
  }
}

function watchPool(pool: pg.Pool, log: Logger | undefined): void {
  countQueries(pool);
  // An idle client's connection dying (server restart, network) is emitted on the pool; an
  // 'error' event without a listener would crash the process. pg-pool discards the client.
  pool.on('error', (err) => log?.warn({ err }, 'idle database connection failed; it will be replaced'));
}

async function openOn(pool: pg.Pool, url: string, embedded: EmbeddedPostgres | undefined, log: Logger | undefined, runMigrations = true): Promise<Database> {
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      try {
        await pool.end();
      } finally {
        await embedded?.stop();
      }
    })();
    return closing;
  };
  try {
    const ran = runMigrations ? await migrate(pool, { log, embedded: embedded !== undefined }) : [];
    log?.info({ database: redactDatabaseUrl(url), embedded: embedded !== undefined, migrationsApplied: ran }, 'database ready');
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
  return { pool, url, embedded: embedded !== undefined, close };
}

/**
 * Opens the database named by `databaseUrl`, or else starts the embedded one (persisted in
 * `dataDir` when given), then applies pending migrations.
 */
export async function openDatabase(opts: OpenDatabaseOptions = {}): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl });
    watchPool(pool, opts.log);
    return openOn(pool, opts.databaseUrl, undefined, opts.log, opts.migrate ?? true);
  }
  return openEmbedded({ dataDir: opts.dataDir || undefined, log: opts.log, port: opts.port });
}

async function openEmbedded(opts: { dataDir?: string; log?: Logger; useTemplateCache?: boolean; port?: number }): Promise<Database> {
  const embedded = await startEmbeddedPostgres(opts);
  // PGlite is one backend, so a new connection inherits the previous one's session: its
  // prepared statement names (pg-pool replaces a client after any failed query, and the new
  // client's first named query then fails with "already exists"), SET values and advisory
  // locks. onConnect (awaited by pg-pool before handing the client out) starts each clean.
  const pool = new pg.Pool({
    connectionString: embedded.url,
    max: EMBEDDED_POOL_MAX,
    idleTimeoutMillis: 0, // keep the one connection rather than reconnecting after every pause
    onConnect: async (client) => {
      await client.query('DISCARD ALL');
    },
  });
  watchPool(pool, opts.log);
  return openOn(pool, embedded.url, embedded, opts.log);
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/**
 * A fresh, migrated database for one test suite. With DATABASE_URL set: a new database
 * `gh_test_<random>` on that server (the role needs CREATEDB), dropped again by close().
 * Otherwise an in-memory embedded one.
 */
export async function createTestDatabase(opts: { log?: Logger } = {}): Promise<Database> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return openEmbedded({ ...opts, useTemplateCache: true });

  const name = `gh_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const dropDatabase = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          // FORCE (PostgreSQL 13+): a connection leaked by a failing test must not keep it alive.
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          return;
        } catch (err) {
          // 42501: the database has a backend our role may not terminate — an autovacuum worker
          // that happened to start on it. It finishes a small database in moments: try again.
          if ((err as { code?: string }).code !== '42501' || attempt >= 20) throw err;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    } finally {
      await client.end();
    }
  };

  let db: Database;
  try {
    db = await openDatabase({ databaseUrl: withDatabaseName(serverUrl, name), ...opts });
  } catch (err) {
    await dropDatabase().catch(() => undefined);
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    ...db,
    close: () => {
      closing ??= db.close().finally(dropDatabase);
      return closing;
    },
  };
}
