/**
 * A tenant's own app registrations with providers (migration 0015). Rows hold only non-secret
 * facts and, per secret, where it is kept (see credentials/app-registration.ts); sealed secret
 * values are in tenant_secrets.
 */
import { isUuid, type Queryable } from './queryable';

export type Provider = 'servicenow' | 'slack' | 'github';

/** Where one secret of a registration is kept. */
export type SecretRef =
  | { kind: 'sealed'; secretName: string }
  | { kind: 'env'; variable: string }
  | { kind: 'file'; path: string };

export interface AppRegistrationRow {
  tenantId: string;
  provider: Provider;
  clientId: string;
  settings: Record<string, unknown>;
  secretRefs: Record<string, SecretRef>;
  createdBy: string;
  updatedAt: Date;
}

interface DbRow {
  tenant_id: string; provider: Provider; client_id: string; settings: Record<string, unknown>;
  secret_refs: Record<string, SecretRef>; created_by: string; updated_at: Date;
}

const toRow = (r: DbRow): AppRegistrationRow => ({
  tenantId: r.tenant_id, provider: r.provider, clientId: r.client_id, settings: r.settings,
  secretRefs: r.secret_refs, createdBy: r.created_by, updatedAt: r.updated_at,
});

export async function upsertAppRegistration(db: Queryable, row: Omit<AppRegistrationRow, 'updatedAt'>): Promise<AppRegistrationRow> {
  const { rows } = await db.query<DbRow>(
    `INSERT INTO app_registrations (tenant_id, provider, client_id, settings, secret_refs, created_by)
     VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6)
     ON CONFLICT (tenant_id, provider) DO UPDATE SET client_id = EXCLUDED.client_id, settings = EXCLUDED.settings,
       secret_refs = EXCLUDED.secret_refs, created_by = EXCLUDED.created_by, updated_at = now()
     RETURNING tenant_id, provider, client_id, settings, secret_refs, created_by, updated_at`,
    [row.tenantId, row.provider, row.clientId, JSON.stringify(row.settings), JSON.stringify(row.secretRefs), row.createdBy]);
  return toRow(rows[0]!);
}

export async function getAppRegistration(db: Queryable, tenantId: string, provider: string): Promise<AppRegistrationRow | undefined> {
  if (!isUuid(tenantId)) return undefined;
  const { rows } = await db.query<DbRow>(
    'SELECT tenant_id, provider, client_id, settings, secret_refs, created_by, updated_at FROM app_registrations WHERE tenant_id = $1 AND provider = $2',
    [tenantId, provider]);
  return rows[0] ? toRow(rows[0]) : undefined;
}

export async function deleteAppRegistration(db: Queryable, tenantId: string, provider: string): Promise<boolean> {
  if (!isUuid(tenantId)) return false;
  const { rowCount } = await db.query('DELETE FROM app_registrations WHERE tenant_id = $1 AND provider = $2', [tenantId, provider]);
  return (rowCount ?? 0) > 0;
}
