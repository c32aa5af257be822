/**
 * Embedded PostgreSQL for development and tests: PGlite (PostgreSQL compiled to WebAssembly)
 * served over the PostgreSQL wire protocol on loopback, so the application talks to it with
 * the same `pg` driver and SQL it uses against a real server.
 *
 * PGlite is a single backend. pglite-socket queues protocol messages from all connections into
 * it one message at a time and only keeps a connection's messages together while an explicit
 * transaction (BEGIN ... COMMIT) is open. Outside of one, the Parse/Bind/Execute/Sync messages
 * of two connections' queries can interleave on the shared backend (observed: a second
 * connection's startup packet processed between another's Parse and Bind). Callers must use a
 * single connection at a time: see `EMBEDDED_POOL_MAX` in database.ts.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Logger } from 'pino';
import { acquireDataDirLock } from './data-dir-lock';
import { createInMemoryPGlite } from './pglite-template';

/**
 * Connections the socket server accepts. The pool uses one, but when pg-pool discards a broken
 * client it connects a new one before the server has processed the old socket's close; with a
 * limit of 1 that new connection is refused ("Too many connections") and the query fails.
 */
const SERVER_MAX_CONNECTIONS = 4;

/** A running embedded server. */
export interface EmbeddedPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres (PGlite trusts every local connection). */
  url: string;
  /** Where the data lives, or undefined when in memory. */
  dataDir: string | undefined;
  /** Stops the socket server and PGlite. Close pools on `url` first. */
  stop(): Promise<void>;
}

/** Options for {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /**
   * Persist in `<dataDir>/pglite` (created if missing; `<dataDir>/pglite.lock` keeps a second
   * process out). In memory when omitted.
   */
  dataDir?: string;
  /** In memory only: start from a cached initdb result (see pglite-template.ts). */
  useTemplateCache?: boolean;
  log?: Logger;
}

async function createPGlite(opts: EmbeddedPostgresOptions, pgDir: string | undefined): Promise<PGlite> {
  if (pgDir) return PGlite.create({ dataDir: pgDir });
  return opts.useTemplateCache ? createInMemoryPGlite() : PGlite.create();
}

/** Starts PGlite and serves it on 127.0.0.1 on a free port. */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const root = opts.dataDir ? resolve(opts.dataDir) : undefined;
  const pgDir = root ? join(root, 'pglite') : undefined;
  let release = (): void => undefined;
  if (root) {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    release = acquireDataDirLock(join(root, 'pglite.lock'));
  }

  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  try {
    const started = Date.now();
    db = await createPGlite(opts, pgDir);
    server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: SERVER_MAX_CONNECTIONS });
    server.addEventListener('error', (event) => {
      opts.log?.warn({ err: (event as CustomEvent<unknown>).detail }, 'embedded postgres socket server error');
    });
    await server.start();
    const port = Number(server.getServerConn().split(':').pop());
    if (!Number.isInteger(port) || port <= 0) throw new Error(`embedded postgres reported an unusable address: ${server.getServerConn()}`);
    opts.log?.info({ dataDir: pgDir ?? 'memory', port, ms: Date.now() - started }, 'embedded postgres (PGlite) started');

    const running = { db, server };
    let stopped = false;
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      dataDir: pgDir,
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          await running.server.stop();
          await running.db.close();
        } finally {
          release();
        }
      },
    };
  } catch (err) {
    await server?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    release();
    const where = pgDir ?? 'memory';
    throw new Error(`could not start embedded PostgreSQL (${where}): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
