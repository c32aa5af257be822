import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type Database } from '../../db/database';
import { SecretBox, SecretBoxError } from '../../db/secret-box';
import { deleteSecret, getSecret, listSecretNames, putSecret } from '../../db/secrets-repo';
import { createTenant } from '../../db/tenants-repo';

describe('secrets repository', () => {
  let db: Database;
  let tenantA: string;
  let tenantB: string;
  const key = randomBytes(32);
  const box = new SecretBox(key);

  before(async () => {
    db = await createTestDatabase();
    tenantA = (await createTenant(db.pool, { slug: 'tenant-a', name: 'A', settings: {} })).id;
    tenantB = (await createTenant(db.pool, { slug: 'tenant-b', name: 'B', settings: {} })).id;
  });
  after(async () => { await db?.close(); });

  it('round-trips, replaces and deletes a secret', async () => {
    await putSecret(db.pool, box, tenantA, 'slack_bot_token', 'xoxb-first');
    assert.equal(await getSecret(db.pool, box, tenantA, 'slack_bot_token'), 'xoxb-first');
    await putSecret(db.pool, box, tenantA, 'slack_bot_token', 'xoxb-second');
    assert.equal(await getSecret(db.pool, box, tenantA, 'slack_bot_token'), 'xoxb-second');
    await putSecret(db.pool, box, tenantA, 'servicenow_password', 'pw');
    assert.deepEqual(await listSecretNames(db.pool, tenantA), ['servicenow_password', 'slack_bot_token']);
    assert.deepEqual(await listSecretNames(db.pool, tenantB), []);
    assert.equal(await getSecret(db.pool, box, tenantB, 'slack_bot_token'), undefined);
    assert.equal(await deleteSecret(db.pool, tenantA, 'servicenow_password'), true);
    assert.equal(await deleteSecret(db.pool, tenantA, 'servicenow_password'), false);
    assert.equal(await getSecret(db.pool, box, tenantA, 'servicenow_password'), undefined);
    assert.equal(await getSecret(db.pool, box, 'not-a-uuid', 'slack_bot_token'), undefined);
  });

  it('stores no plaintext in the table', async () => {
    const plaintext = `sn-password-${randomBytes(12).toString('hex')}`;
    await putSecret(db.pool, box, tenantA, 'probe', plaintext);
    const { rows } = await db.pool.query<{ ciphertext: Buffer; iv: Buffer; auth_tag: Buffer; key_id: string; whole: string }>(
      `SELECT ciphertext, iv, auth_tag, key_id, t::text AS whole FROM tenant_secrets t WHERE tenant_id = $1 AND name = 'probe'`,
      [tenantA],
    );
    const row = rows[0];
    assert.ok(row);
    // Sealed under the tenant's data key (envelope encryption), not directly under the master key.
    assert.notEqual(row.key_id, box.keyId);
    const dataKeys = await db.pool.query<{ master_key_id: string }>('SELECT master_key_id FROM tenant_data_keys WHERE tenant_id = $1 AND key_id = $2', [tenantA, row.key_id]);
    assert.equal(dataKeys.rows[0]?.master_key_id, box.keyId, 'the data key is wrapped under the master key');
    assert.ok(!row.ciphertext.includes(Buffer.from(plaintext)));
    for (const form of [plaintext, Buffer.from(plaintext).toString('hex'), Buffer.from(plaintext).toString('base64')]) {
      assert.ok(!row.whole.includes(form), 'row text contains the plaintext');
    }
  });

  it('fails clearly under a wrong master key', async () => {
    await putSecret(db.pool, box, tenantA, 'webhook_secret', 'whsec_value');
    const otherKey = randomBytes(32);
    await assert.rejects(getSecret(db.pool, new SecretBox(otherKey), tenantA, 'webhook_secret'), (err: unknown) => {
      assert.ok(err instanceof SecretBoxError);
      assert.equal(err.code, 'wrong_key');
      for (const secret of ['whsec_value', key.toString('base64'), otherKey.toString('base64')]) assert.ok(!err.message.includes(secret));
      return true;
    });
  });

  it('refuses a ciphertext copied to another tenant', async () => {
    await putSecret(db.pool, box, tenantA, 'slack_signing_secret', 'tenant-a-signing');
    await db.pool.query(
      `INSERT INTO tenant_secrets (tenant_id, name, ciphertext, iv, auth_tag, key_id)
       SELECT $2, name, ciphertext, iv, auth_tag, key_id FROM tenant_secrets WHERE tenant_id = $1 AND name = 'slack_signing_secret'`,
      [tenantA, tenantB],
    );
    // Tenant B has no data key by that id, and no master key sealed it: refused, never opened.
    await assert.rejects(getSecret(db.pool, box, tenantB, 'slack_signing_secret'), (err: unknown) => err instanceof SecretBoxError && (err.code === 'decrypt_failed' || err.code === 'wrong_key'));
  });
});
