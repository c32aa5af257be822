/**
 * Tenants' data keys (migration 0014): random 32-byte keys that seal a tenant's secrets, stored
 * wrapped (sealed) under the master key. A data key is unwrapped only in the process that uses
 * it, with the master key ring, and handed out as a SecretBox over it.
 */
import { randomBytes } from 'node:crypto';
import { isUuid, type Queryable } from './queryable';
import { keyIdOf, SecretBox } from './secret-box';

interface DataKeyRow {
  key_id: string;
  wrapped_key: Buffer;
  iv: Buffer;
  auth_tag: Buffer;
  master_key_id: string;
}

/** Binds a wrapped key to its tenant and id: a row copied elsewhere does not unwrap. */
function wrapContext(tenantId: string, keyId: string): string {
  return `gatehouse/tenant_data_keys/${tenantId.toLowerCase()}/${keyId}`;
}

function unwrap(master: SecretBox, tenantId: string, row: DataKeyRow): SecretBox {
  const key = Buffer.from(master.open({ ciphertext: row.wrapped_key, iv: row.iv, authTag: row.auth_tag, keyId: row.master_key_id }, wrapContext(tenantId, row.key_id)), 'base64');
  return new SecretBox(key);
}

const columns = 'key_id, wrapped_key, iv, auth_tag, master_key_id';

/** The tenant's data key with this id, or undefined when the tenant has none by that id. */
export async function dataKeyById(db: Queryable, master: SecretBox, tenantId: string, keyId: string): Promise<SecretBox | undefined> {
  if (!isUuid(tenantId)) return undefined;
  const { rows } = await db.query<DataKeyRow>(`SELECT ${columns} FROM tenant_data_keys WHERE tenant_id = $1 AND key_id = $2`, [tenantId, keyId]);
  return rows[0] ? unwrap(master, tenantId, rows[0]) : undefined;
}

/** The tenant's newest data key, created (and wrapped under the current master key) when it has none. */
export async function currentDataKey(db: Queryable, master: SecretBox, tenantId: string): Promise<SecretBox> {
  const newest = async () => (await db.query<DataKeyRow>(
    `SELECT ${columns} FROM tenant_data_keys WHERE tenant_id = $1 ORDER BY created_at DESC, key_id LIMIT 1`, [tenantId])).rows[0];
  const existing = await newest();
  if (existing) return unwrap(master, tenantId, existing);
  const key = randomBytes(32);
  const keyId = keyIdOf(key);
  const wrapped = master.seal(key.toString('base64'), wrapContext(tenantId, keyId));
  // Two first secrets saved at once may both create a key: harmless, each value names its key.
  await db.query(
    `INSERT INTO tenant_data_keys (tenant_id, key_id, wrapped_key, iv, auth_tag, master_key_id) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (tenant_id, key_id) DO NOTHING`,
    [tenantId, keyId, wrapped.ciphertext, wrapped.iv, wrapped.authTag, wrapped.keyId]);
  return new SecretBox(key);
}

/**
 * Re-wraps every data key still wrapped under an earlier master key with the current one (the
 * values they seal are untouched). Safe while the product runs: a key is rewritten only if its
 * wrapping is still the one read.
 */
export async function rewrapDataKeys(db: Queryable, master: SecretBox): Promise<{ rewrapped: number; current: number }> {
  const { rows } = await db.query<DataKeyRow & { tenant_id: string }>(`SELECT tenant_id, ${columns} FROM tenant_data_keys ORDER BY tenant_id, key_id`);
  const report = { rewrapped: 0, current: 0 };
  for (const row of rows) {
    if (!master.isStale({ keyId: row.master_key_id })) {
      report.current += 1;
      continue;
    }
    const context = wrapContext(row.tenant_id, row.key_id);
    const wrapped = master.seal(master.open({ ciphertext: row.wrapped_key, iv: row.iv, authTag: row.auth_tag, keyId: row.master_key_id }, context), context);
    const { rowCount } = await db.query(
      `UPDATE tenant_data_keys SET wrapped_key = $3, iv = $4, auth_tag = $5, master_key_id = $6
       WHERE tenant_id = $1 AND key_id = $2 AND master_key_id = $7 AND iv = $8`,
      [row.tenant_id, row.key_id, wrapped.ciphertext, wrapped.iv, wrapped.authTag, wrapped.keyId, row.master_key_id, row.iv]);
    if ((rowCount ?? 0) > 0) report.rewrapped += 1;
  }
  return report;
}
