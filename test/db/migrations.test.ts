import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type Database } from '../../db/database';
import { migrate, MIGRATIONS_TABLE } from '../../db/migrate';

const tables = ['audit_events', 'route_tokens', 'tenant_secrets', 'tenants', 'webhook_deliveries', 'write_log'];

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
    assert.deepEqual(await userTables(db), tables);
    const { rows } = await db.pool.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`);
    assert.deepEqual(rows.map((r) => r.name), ['0001_initial-schema']);
  });

  it('re-running is a no-op', async () => {
    assert.deepEqual(await migrate(db.pool, { embedded: db.embedded }), []);
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${MIGRATIONS_TABLE}`);
    assert.equal(rows[0]?.n, 1);
  });

  it('generates tenant ids in the database (gen_random_uuid)', async () => {
    const { rows } = await db.pool.query<{ id: string }>(`INSERT INTO tenants (slug, name, settings) VALUES ('m', 'M', '{}') RETURNING id`);
    assert.match(rows[0]?.id ?? '', /^[0-9a-f-]{36}$/);
    await db.pool.query(`DELETE FROM tenants WHERE slug = 'm'`);
  });

  it('reverts and re-applies cleanly', async () => {
    assert.deepEqual(await migrate(db.pool, { embedded: db.embedded, direction: 'down' }), ['0001_initial-schema']);
    assert.deepEqual(await userTables(db), []);
    assert.deepEqual(await migrate(db.pool, { embedded: db.embedded }), ['0001_initial-schema']);
    assert.deepEqual(await userTables(db), tables);
  });
});
