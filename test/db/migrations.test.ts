import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type Database } from '../../db/database';
import { readdirSync } from 'node:fs';
import { migrate, MIGRATIONS_DIR, MIGRATIONS_TABLE } from '../../db/migrate';

/** Tables the first migration creates; later migrations may add more. */
const coreTables = ['audit_events', 'route_tokens', 'tenant_secrets', 'tenants', 'webhook_deliveries', 'write_log'];
/** Every migration shipped, in order: the runner must apply exactly these. */
const migrations = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, '')).sort();

async function userTables(db: Database): Promise<string[]> {
  const { rows } = await db.pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> $1 ORDER BY table_name`,
    [MIGRATIONS_TABLE],
  );
  return rows.map((r) => r.table_name);
}

describe('migrations', () => {
  let db: Database;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db?.close(); });

  it('creates every table and records the migration', async () => {
    const present = await userTables(db);
    for (const table of coreTables) assert.ok(present.includes(table), table);
    const { rows } = await db.pool.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`);
    assert.deepEqual(rows.map((r) => r.name), migrations);
  });

  it('re-running is a no-op', async () => {
    assert.deepEqual(await migrate(db.pool, { embedded: db.embedded }), []);
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${MIGRATIONS_TABLE}`);
    assert.equal(rows[0]?.n, migrations.length);
  });

  it('generates tenant ids in the database (gen_random_uuid)', async () => {
    const { rows } = await db.pool.query<{ id: string }>(`INSERT INTO tenants (slug, name, settings) VALUES ('m', 'M', '{}') RETURNING id`);
    assert.match(rows[0]?.id ?? '', /^[0-9a-f-]{36}$/);
    await db.pool.query(`DELETE FROM tenants WHERE slug = 'm'`);
  });

  it('reverts and re-applies cleanly', async () => {
    const tablesBefore = await userTables(db);
    assert.deepEqual(await migrate(db.pool, { embedded: db.embedded, direction: 'down', count: migrations.length }), [...migrations].reverse());
    assert.deepEqual(await userTables(db), []);
    assert.deepEqual(await migrate(db.pool, { embedded: db.embedded }), migrations);
    assert.deepEqual(await userTables(db), tablesBefore);
  });
});
