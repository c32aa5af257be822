/**
 * Tenant secrets, sealed before they reach the database under the tenant's data key, which is
 * itself wrapped by the master key (envelope encryption, see tenant-data-keys-repo.ts). Values
 * sealed directly under a master key before data keys existed still open, and
 * `npm run keys:rotate` moves them under the tenant's data key. Values are never logged and
 * never returned by listing; only getSecret opens one, for the code that uses it.
 */
import { isUuid, type Queryable } from './queryable';
import type { SecretBox } from './secret-box';
import { notifyTenantChanged } from './tenant-changes';
import { currentDataKey, dataKeyById, rewrapDataKeys } from './tenant-data-keys-repo';

interface SecretDbRow {
  ciphertext: Buffer;
  iv: Buffer;
  auth_tag: Buffer;
  key_id: string;
}

/**
 * Authenticated context of a secret: binds the ciphertext to its row, so copying it to another
 * tenant or name makes it fail to open rather than become someone else's credential.
 */
function secretContext(tenantId: string, name: string): string {
  return `gatehouse/tenant_secrets/${tenantId.toLowerCase()}/${name}`;
}

/** Stores (or replaces) a tenant's secret. */
export async function putSecret(db: Queryable, box: SecretBox, tenantId: string, name: string, value: string): Promise<void> {
  const sealed = (await currentDataKey(db, box, tenantId)).seal(value, secretContext(tenantId, name));
  await db.query(
    `INSERT INTO tenant_secrets (tenant_id, name, ciphertext, iv, auth_tag, key_id, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, now())
     ON CONFLICT (tenant_id, name) DO UPDATE
       SET ciphertext = EXCLUDED.ciphertext, iv = EXCLUDED.iv, auth_tag = EXCLUDED.auth_tag,
           key_id = EXCLUDED.key_id, updated_at = now()`,
    [tenantId, name, sealed.ciphertext, sealed.iv, sealed.authTag, sealed.keyId],
  );
  notifyTenantChanged(tenantId);
}

/**
 * A tenant's secret in clear, or undefined when it is not set.
 * @throws SecretBoxError when it cannot be opened with this box's key.
 */
export async function getSecret(db: Queryable, box: SecretBox, tenantId: string, name: string): Promise<string | undefined> {
  if (!isUuid(tenantId)) return undefined;
  const { rows } = await db.query<SecretDbRow>(
    'SELECT ciphertext, iv, auth_tag, key_id FROM tenant_secrets WHERE tenant_id = $1 AND name = $2',
    [tenantId, name],
  );
  const row = rows[0];
  if (!row) return undefined;
  return (await sealerOf(db, box, tenantId, row.key_id)).open(
    { ciphertext: row.ciphertext, iv: row.iv, authTag: row.auth_tag, keyId: row.key_id }, secretContext(tenantId, name));
}

/** The box that opens a value sealed under `keyId`: the tenant's data key by that id, else the master key ring (values from before data keys). */
async function sealerOf(db: Queryable, box: SecretBox, tenantId: string, keyId: string): Promise<SecretBox> {
  return (await dataKeyById(db, box, tenantId, keyId)) ?? box;
}

/** Names of the secrets a tenant has, sorted. */
export async function listSecretNames(db: Queryable, tenantId: string): Promise<string[]> {
  if (!isUuid(tenantId)) return [];
  const { rows } = await db.query<{ name: string }>('SELECT name FROM tenant_secrets WHERE tenant_id = $1 ORDER BY name', [tenantId]);
  return rows.map((r) => r.name);
}

/** Deletes a tenant's secret; true when there was one. */
export async function deleteSecret(db: Queryable, tenantId: string, name: string): Promise<boolean> {
  if (!isUuid(tenantId)) return false;
  const { rowCount } = await db.query('DELETE FROM tenant_secrets WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
  notifyTenantChanged(tenantId);
  return (rowCount ?? 0) > 0;
}

/** What a rotation pass did. */
export interface ResealReport {
  /** Data keys that were wrapped under an earlier master key and are now under the current one. */
  rewrappedDataKeys: number;
  /** Data keys already under the current master key. */
  currentDataKeys: number;
  /** Values sealed directly under a master key (before data keys) now under their tenant's data key. */
  resealed: number;
  /** Values already under a data key. */
  current: number;
}

/**
 * The key rotation's second step (`npm run keys:rotate`): re-wraps every data key still under
 * an earlier master key, and moves every value sealed directly under a master key under its
 * tenant's data key. A value is written back only if nobody replaced it meanwhile (same key id
 * and nonce), so it is safe while the product runs: a secret saved concurrently wins.
 * @throws SecretBoxError when a key or value was sealed under a master key the box does not hold.
 */
export async function resealSecrets(db: Queryable, box: SecretBox): Promise<ResealReport> {
  const keys = await rewrapDataKeys(db, box);
  const { rows } = await db.query<SecretDbRow & { tenant_id: string; name: string; data_key: boolean }>(
    `SELECT s.tenant_id, s.name, s.ciphertext, s.iv, s.auth_tag, s.key_id,
            EXISTS (SELECT 1 FROM tenant_data_keys k WHERE k.tenant_id = s.tenant_id AND k.key_id = s.key_id) AS data_key
     FROM tenant_secrets s ORDER BY s.tenant_id, s.name`);
  const report: ResealReport = { rewrappedDataKeys: keys.rewrapped, currentDataKeys: keys.current, resealed: 0, current: 0 };
  for (const row of rows) {
    if (row.data_key) {
      report.current += 1;
      continue;
    }
    const sealed = { ciphertext: row.ciphertext, iv: row.iv, authTag: row.auth_tag, keyId: row.key_id };
    const context = secretContext(row.tenant_id, row.name);
    const fresh = (await currentDataKey(db, box, row.tenant_id)).seal(box.open(sealed, context), context);
    const { rowCount } = await db.query(
      `UPDATE tenant_secrets SET ciphertext = $3, iv = $4, auth_tag = $5, key_id = $6, updated_at = now()
       WHERE tenant_id = $1 AND name = $2 AND key_id = $7 AND iv = $8`,
      [row.tenant_id, row.name, fresh.ciphertext, fresh.iv, fresh.authTag, fresh.keyId, row.key_id, row.iv]);
    if ((rowCount ?? 0) > 0) {
      report.resealed += 1;
      notifyTenantChanged(row.tenant_id);
    }
  }
  return report;
}
