/**
 * Embedded PostgreSQL for development and tests: PGlite (PostgreSQL compiled to WebAssembly)
 * served over the PostgreSQL wire protocol on loopback, so the application talks to it with
 * the same `pg` driver and SQL it uses against a real server.
 *
 * PGlite is a single backend; pglite-wire-server.ts keeps each connection's units of work
 * together on it, so several connections — from several processes: `npm start` runs the API
 * and the worker apart — can share it safely (one query at a time).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGliteWireServer } from './pglite-wire-server';
import type { Logger } from 'pino';
import { acquireDataDirLock } from './data-dir-lock';
import { createInMemoryPGlite } from './pglite-template';

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
  /** Port to serve on (default: any free port). */
  port?: number;
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
  let server: PGliteWireServer | undefined;
  try {
    const started = Date.now();
    db = await createPGlite(opts, pgDir);
    server = new PGliteWireServer(db, (err) => opts.log?.warn({ err }, 'embedded postgres wire server error'));
    const port = await server.listen(opts.port ?? 0, '127.0.0.1');
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
          await running.server.close();
          await running.db.close();
        } finally {
          release();
        }
      },
    };
  } catch (err) {
    await server?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    release();
    const where = pgDir ?? 'memory';
    throw new Error(`could not start embedded PostgreSQL (${where}): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
