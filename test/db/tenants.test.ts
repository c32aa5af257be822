import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type Database } from '../../db/database';
import {
  createTenant, getTenantById, getTenantBySlug, InvalidTenantSlugError, listTenants, TenantExistsError, updateTenantSettings,
} from '../../db/tenants-repo';

describe('tenants repository', () => {
  let db: Database;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db?.close(); });

  it('creates, reads, lists and updates a tenant', async () => {
    const settings = { servicenow: { instanceUrl: 'https://acme.service-now.com' }, approvers: ['U1', 'U2'] };
    const created = await createTenant(db.pool, { slug: 'acme', name: 'Acme Corp', settings });
    assert.match(created.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(created.slug, 'acme');
    assert.equal(created.name, 'Acme Corp');
    assert.deepEqual(created.settings, settings);
    assert.ok(created.createdAt instanceof Date);
    assert.equal(created.updatedAt, null);

    assert.deepEqual(await getTenantById(db.pool, created.id), created);
    assert.deepEqual(await getTenantBySlug(db.pool, 'acme'), created);

    await createTenant(db.pool, { slug: 'beta-co', name: 'Beta', settings: [] });
    assert.deepEqual((await listTenants(db.pool)).map((t) => t.slug), ['acme', 'beta-co']);
    assert.deepEqual((await getTenantBySlug(db.pool, 'beta-co'))?.settings, [], 'a JSON array stays a JSON array');

    const updated = await updateTenantSettings(db.pool, created.id, { changed: true });
    assert.deepEqual(updated?.settings, { changed: true });
    assert.ok(updated?.updatedAt instanceof Date);
    assert.deepEqual((await getTenantById(db.pool, created.id))?.settings, { changed: true });
  });

  it('answers undefined for unknown or malformed ids and slugs', async () => {
    assert.equal(await getTenantById(db.pool, '00000000-0000-4000-8000-000000000000'), undefined);
    assert.equal(await getTenantById(db.pool, 'not-a-uuid'), undefined);
    assert.equal(await getTenantBySlug(db.pool, 'nobody'), undefined);
    assert.equal(await updateTenantSettings(db.pool, '00000000-0000-4000-8000-000000000000', {}), undefined);
  });

  it('refuses a duplicate slug with TenantExistsError', async () => {
    await createTenant(db.pool, { slug: 'dup', name: 'First', settings: {} });
    await assert.rejects(createTenant(db.pool, { slug: 'dup', name: 'Second', settings: {} }), (err: unknown) => {
      assert.ok(err instanceof TenantExistsError);
      assert.equal(err.slug, 'dup');
      return true;
    });
    assert.equal((await getTenantBySlug(db.pool, 'dup'))?.name, 'First');
  });

  it('refuses malformed slugs, in code and in the table', async () => {
    for (const slug of ['Acme', 'has space', '-lead', 'trail-', '', 'a'.repeat(64), 'ünï']) {
      await assert.rejects(createTenant(db.pool, { slug, name: 'x', settings: {} }), InvalidTenantSlugError, slug);
    }
    await assert.rejects(db.pool.query(`INSERT INTO tenants (slug, name, settings) VALUES ('Bad', 'x', '{}')`), /check constraint/);
  });
});
