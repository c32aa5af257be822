/**
 * Tenant secrets, sealed with the SecretBox before they reach the database. Values are never
 * logged and never returned by listing; only getSecret opens one, for the code that uses it.
 */
import { isUuid, type Queryable } from './queryable';
import type { SecretBox } from './secret-box';
import { notifyTenantChanged } from './tenant-changes';

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
  const sealed = box.seal(value, secretContext(tenantId, name));
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
  return box.open({ ciphertext: row.ciphertext, iv: row.iv, authTag: row.auth_tag, keyId: row.key_id }, secretContext(tenantId, name));
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

/** What a re-seal pass did. */
export interface ResealReport {
  /** Values that were sealed under an earlier master key and are now under the current one. */
  resealed: number;
  /** Values already under the current master key. */
  current: number;
}

/**
 * Re-seals every tenant secret still sealed under an earlier master key with the current one
 * (the key rotation's second step; see `npm run keys:rotate`). Each value is opened with the
 * box's key ring and written back only if nobody replaced it meanwhile (same key id and nonce),
 * so it is safe while the product runs: a secret a tenant admin saves concurrently wins.
 * @throws SecretBoxError when a value was sealed under a key the box does not hold.
 */
export async function resealSecrets(db: Queryable, box: SecretBox): Promise<ResealReport> {
  const { rows } = await db.query<SecretDbRow & { tenant_id: string; name: string }>(
    'SELECT tenant_id, name, ciphertext, iv, auth_tag, key_id FROM tenant_secrets ORDER BY tenant_id, name');
  const report: ResealReport = { resealed: 0, current: 0 };
  for (const row of rows) {
    const sealed = { ciphertext: row.ciphertext, iv: row.iv, authTag: row.auth_tag, keyId: row.key_id };
    if (!box.isStale(sealed)) {
      report.current += 1;
      continue;
    }
    const context = secretContext(row.tenant_id, row.name);
    const fresh = box.seal(box.open(sealed, context), context);
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
