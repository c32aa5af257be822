import { readdirSync } from 'node:fs';
import { MIGRATIONS_DIR } from '../../db/migrate';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DataDirLockedError } from '../../db/data-dir-lock';
import { openDatabase, redactDatabaseUrl } from '../../db/database';
import { createTenant, getTenantBySlug } from '../../db/tenants-repo';

// Always the embedded database, whatever DATABASE_URL says: this is about PGlite itself.
describe('embedded PostgreSQL (PGlite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-pglite-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('persists in dataDir across restarts and keeps a second opener out', async () => {
    const first = await openDatabase({ dataDir });
    try {
      assert.equal(first.embedded, true);
      assert.match(first.url, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      await createTenant(first.pool, { slug: 'persisted', name: 'Persisted', settings: { kept: true } });
      await assert.rejects(openDatabase({ dataDir }), DataDirLockedError);
    } finally {
      await first.close();
      await first.close(); // idempotent
    }

    const second = await openDatabase({ dataDir });
    try {
      assert.deepEqual((await getTenantBySlug(second.pool, 'persisted'))?.settings, { kept: true });
      const { rows } = await second.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pgmigrations');
      const shipped = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length;
      assert.equal(rows[0]?.n, shipped, 'migrations are not re-applied');
    } finally {
      await second.close();
    }
  });

  it('recovers the connection after failed queries and failed transactions', async () => {
    const db = await openDatabase({});
    try {
      // pg-pool discards a client whose query failed and connects a new one at once.
      const named = { name: 'probe', text: 'SELECT $1::int AS v', values: [2] };
      assert.equal((await db.pool.query<{ v: number }>(named)).rows[0]?.v, 2);
      await db.pool.query("SET application_name = 'leaky'");
      await assert.rejects(db.pool.query('SELECT 1/0'), /division by zero/);
      // PGlite has one backend: the new connection must not inherit the old session.
      assert.equal((await db.pool.query<{ v: number }>(named)).rows[0]?.v, 2);
      assert.equal((await db.pool.query<{ application_name: string }>('SHOW application_name')).rows[0]?.application_name, '');

      const client = await db.pool.connect();
      await client.query('BEGIN');
      await client.query(`INSERT INTO tenants (slug, name, settings) VALUES ('rolled-back', 'x', '{}')`);
      await assert.rejects(client.query('SELECT 1/0'));
      client.release(new Error('discard'));
      assert.equal(await getTenantBySlug(db.pool, 'rolled-back'), undefined);

      // Transactions from concurrent callers stay whole (they queue for the one connection).
      await Promise.all(Array.from({ length: 5 }, async (_, i) => {
        const c = await db.pool.connect();
        try {
          await c.query('BEGIN');
          await c.query(`INSERT INTO tenants (slug, name, settings) VALUES ($1, 'x', '{}')`, [`tx-${i}`]);
          await c.query(i % 2 ? 'ROLLBACK' : 'COMMIT');
        } finally {
          c.release();
        }
      }));
      const { rows } = await db.pool.query<{ slug: string }>(`SELECT slug FROM tenants WHERE slug LIKE 'tx-%' ORDER BY slug`);
      assert.deepEqual(rows.map((r) => r.slug), ['tx-0', 'tx-2', 'tx-4']);
    } finally {
      await db.close();
    }
  });

  it('redacts passwords from database URLs', () => {
    assert.equal(redactDatabaseUrl('postgres://gatehouse:s3cret@db:5432/app'), 'postgres://gatehouse:***@db:5432/app');
    assert.equal(redactDatabaseUrl('::'), '(unparseable database url)');
  });
});
