/**
 * A cached, freshly initialised PGlite data directory for in-memory instances.
 *
 * Every in-memory PGlite runs initdb on start, which costs 8-14 s of CPU here; loading a tarball
 * of an initialised directory costs about 2 s. The test suite starts one database per test
 * file, so it keeps such a tarball in the OS temp directory, keyed by the PGlite version (the
 * on-disk format belongs to the bundled PostgreSQL build).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

function pgliteVersion(): string {
  // The package's exports map hides package.json; read it next to the resolved entry point.
  const pkgFile = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version.replace(/[^0-9A-Za-z.-]/g, '_') : 'unknown';
}

function templateFile(): string {
  // Per user: another account's file in a shared /tmp must not be trusted or overwritten.
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return join(tmpdir(), `gatehouse-pglite-${pgliteVersion()}-${uid}.tar`);
}

function readTemplate(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

async function writeTemplate(file: string, db: PGlite): Promise<void> {
  const tar = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
  // Write then rename, so a parallel test process never reads a half-written tarball.
  const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(partial, tar, { mode: 0o600 });
  renameSync(partial, file);
}

/**
 * Creates an in-memory PGlite, from the cached template when there is a usable one; otherwise
 * runs initdb and (best effort) stores the result as the template for next time.
 */
export async function createInMemoryPGlite(): Promise<PGlite> {
  const file = templateFile();
  const template = readTemplate(file);
  if (template) {
    try {
      return await PGlite.create({ loadDataDir: new Blob([template]) });
    } catch {
      // A truncated or foreign file: drop it and fall through to a clean initdb.
      try { unlinkSync(file); } catch { /* someone else removed it */ }
    }
  }
  const db = await PGlite.create();
  try {
    await writeTemplate(file, db);
  } catch {
    // Only a cache: a read-only or full temp directory must not stop the database.
  }
  return db;
}
