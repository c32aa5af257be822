/**
 * Envelope encryption and rotating the master key without downtime: secrets are sealed under
 * each tenant's data key, wrapped by the master key. With the new master key current and the old
 * one among the previous keys every secret still opens; `resealSecrets` re-wraps the data keys
 * (the values stay as they are) and moves values sealed directly under a master key (from
 * before data keys) under their tenant's data key; afterwards the old key is not needed.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type Database } from '../../db/database';
import { keyIdOf, loadPreviousMasterKeys, SecretBox, SecretBoxError } from '../../db/secret-box';
import { getSecret, putSecret, resealSecrets } from '../../db/secrets-repo';
import { createTenant } from '../../db/tenants-repo';

describe('master key rotation', () => {
  let db: Database;
  let tenants: string[];
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  before(async () => {
    db = await createTestDatabase();
    tenants = [
      (await createTenant(db.pool, { slug: 'rot-a', name: 'A', settings: {} })).id,
      (await createTenant(db.pool, { slug: 'rot-b', name: 'B', settings: {} })).id,
    ];
    const old = new SecretBox(oldKey);
    for (const [i, tenant] of tenants.entries()) {
      await putSecret(db.pool, old, tenant, 'slack_bot_token', `xoxb-tenant-${i}`);
      await putSecret(db.pool, old, tenant, 'servicenow_password', `pw-tenant-${i}`);
    }
  });
  after(() => db?.close());

  it('reads old values under the new key while the old one is a previous key, then re-seals them all', async () => {
    const during = new SecretBox(newKey, [oldKey]);
    assert.equal(await getSecret(db.pool, during, tenants[0]!, 'slack_bot_token'), 'xoxb-tenant-0');
    // A value saved during the rotation is sealed under the new key already.
    await putSecret(db.pool, during, tenants[1]!, 'servicenow_password', 'pw-changed-meanwhile');

    // A value stored before data keys existed: sealed directly under the old master key.
    const legacy = new SecretBox(oldKey).seal('whsec-legacy', `gatehouse/tenant_secrets/${tenants[0]!.toLowerCase()}/servicenow_webhook_secret`);
    await db.pool.query('INSERT INTO tenant_secrets (tenant_id, name, ciphertext, iv, auth_tag, key_id) VALUES ($1, $2, $3, $4, $5, $6)',
      [tenants[0], 'servicenow_webhook_secret', legacy.ciphertext, legacy.iv, legacy.authTag, legacy.keyId]);
    assert.equal(await getSecret(db.pool, during, tenants[0]!, 'servicenow_webhook_secret'), 'whsec-legacy');

    const before = (await db.pool.query<{ ciphertext: Buffer }>("SELECT ciphertext FROM tenant_secrets WHERE name = 'slack_bot_token' ORDER BY tenant_id")).rows;
    const report = await resealSecrets(db.pool, during);
    assert.deepEqual(report, { rewrappedDataKeys: 2, currentDataKeys: 0, resealed: 1, current: 4 });
    const wrapped = await db.pool.query<{ master_key_id: string }>('SELECT master_key_id FROM tenant_data_keys');
    assert.ok(wrapped.rows.length === 2 && wrapped.rows.every((r) => r.master_key_id === keyIdOf(newKey)), 'every data key is wrapped under the new master key');
    const afterRows = (await db.pool.query<{ ciphertext: Buffer }>("SELECT ciphertext FROM tenant_secrets WHERE name = 'slack_bot_token' ORDER BY tenant_id")).rows;
    assert.deepEqual(afterRows, before, 'values under data keys are not re-encrypted: only their keys are re-wrapped');

    const after = new SecretBox(newKey);
    assert.equal(await getSecret(db.pool, after, tenants[0]!, 'slack_bot_token'), 'xoxb-tenant-0');
    assert.equal(await getSecret(db.pool, after, tenants[0]!, 'servicenow_password'), 'pw-tenant-0');
    assert.equal(await getSecret(db.pool, after, tenants[1]!, 'slack_bot_token'), 'xoxb-tenant-1');
    assert.equal(await getSecret(db.pool, after, tenants[1]!, 'servicenow_password'), 'pw-changed-meanwhile', 'the value saved meanwhile is kept');
    assert.equal(await getSecret(db.pool, after, tenants[0]!, 'servicenow_webhook_secret'), 'whsec-legacy', 'the legacy value moved under the data key');
    assert.deepEqual(await resealSecrets(db.pool, after), { rewrappedDataKeys: 0, currentDataKeys: 2, resealed: 0, current: 5 }, 'a second pass has nothing to do');
  });

  it('without the master key a tenant\'s data key was wrapped with, rotation stops clearly and names no secret', async () => {
    const stray = randomBytes(32);
    const tenant = (await createTenant(db.pool, { slug: 'rot-c', name: 'C', settings: {} })).id;
    await putSecret(db.pool, new SecretBox(stray), tenant, 'github_app_private_key', 'pem-material');
    await assert.rejects(resealSecrets(db.pool, new SecretBox(newKey)), (err: unknown) => {
      assert.ok(err instanceof SecretBoxError);
      assert.equal(err.code, 'wrong_key');
      assert.match(err.message, /GATEHOUSE_PREVIOUS_MASTER_KEYS/);
      for (const secret of ['pem-material', stray.toString('base64'), newKey.toString('base64')]) assert.ok(!err.message.includes(secret));
      return true;
    });
  });

  it('reads previous keys from the environment strictly', () => {
    const a = randomBytes(32).toString('base64');
    const b = randomBytes(32).toString('base64');
    assert.deepEqual(loadPreviousMasterKeys({ GATEHOUSE_PREVIOUS_MASTER_KEYS: `${a}, ${b}` }).map((k) => k.toString('base64')), [a, b]);
    assert.deepEqual(loadPreviousMasterKeys({}), []);
    assert.throws(() => loadPreviousMasterKeys({ GATEHOUSE_PREVIOUS_MASTER_KEYS: `${a},not-a-key` }), /entry 2 is malformed/);
  });

  it('npm run keys:rotate refuses to run with a malformed previous key, without echoing it', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '../../scripts/keys-rotate.ts')], {
      env: { ...process.env, GATEHOUSE_MASTER_KEY: newKey.toString('base64'), GATEHOUSE_PREVIOUS_MASTER_KEYS: 'hunter2-not-a-key', DATABASE_URL: '' },
      encoding: 'utf8', timeout: 60_000,
    });
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /GATEHOUSE_PREVIOUS_MASTER_KEYS entry 1 is malformed/);
    assert.ok(!result.stderr.includes('hunter2'));
  });
});
