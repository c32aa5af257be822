/** Connector installations per tenant (status, enabled actions, credential references). */
import type { Queryable } from './queryable';

export type InstallStatus = 'awaiting_authorization' | 'pending_review' | 'checking_health' | 'rejected' | 'expired' | 'healthcheck_failed' | 'enabled' | 'held_scope_review' | 'disconnected';

export interface ConnectorInstall {
  tenantId: string;
  connectorId: string;
  status: InstallStatus;
  manifestVersion: string;
  config: Record<string, unknown>;
  credentialNames: string[];
  enabledActions: string[];
  requestedBy: string | null;
  reviewedBy: string | null;
  workflowId: string | null;
  detail: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

interface InstallDbRow {
  tenant_id: string; connector_id: string; status: InstallStatus; manifest_version: string;
  config: Record<string, unknown>; credential_names: string[]; enabled_actions: string[];
  requested_by: string | null; reviewed_by: string | null; workflow_id: string | null;
  detail: Record<string, unknown>; created_at: Date; updated_at: Date;
}

const columns = 'tenant_id, connector_id, status, manifest_version, config, credential_names, enabled_actions, requested_by, reviewed_by, workflow_id, detail, created_at, updated_at';

const toInstall = (r: InstallDbRow): ConnectorInstall => ({
  tenantId: r.tenant_id, connectorId: r.connector_id, status: r.status, manifestVersion: r.manifest_version,
  config: r.config, credentialNames: r.credential_names, enabledActions: r.enabled_actions,
  requestedBy: r.requested_by, reviewedBy: r.reviewed_by, workflowId: r.workflow_id, detail: r.detail,
  createdAt: r.created_at, updatedAt: r.updated_at,
});

/** Starts (or restarts, after a rejection or disconnect) an installation in `pending_review`. */
export async function upsertPendingInstall(db: Queryable, row: {
  tenantId: string; connectorId: string; manifestVersion: string; config: Record<string, unknown>;
  credentialNames: string[]; requestedBy: string; workflowId: string;
}): Promise<ConnectorInstall> {
  const { rows } = await db.query<InstallDbRow>(
    `INSERT INTO connector_installs (tenant_id, connector_id, status, manifest_version, config, credential_names, requested_by, workflow_id)
     VALUES ($1, $2, 'pending_review', $3, $4::jsonb, $5, $6, $7)
     ON CONFLICT (tenant_id, connector_id) DO UPDATE SET status = 'pending_review', manifest_version = $3, config = $4::jsonb,
       credential_names = $5, requested_by = $6, workflow_id = $7, reviewed_by = NULL, enabled_actions = '{}', detail = '{}', updated_at = now()
     RETURNING ${columns}`,
    [row.tenantId, row.connectorId, row.manifestVersion, JSON.stringify(row.config), row.credentialNames, row.requestedBy, row.workflowId],
  );
  return toInstall(rows[0]!);
}

export async function updateInstall(db: Queryable, tenantId: string, connectorId: string, change: {
  status: InstallStatus; enabledActions?: string[]; reviewedBy?: string | null; detail?: Record<string, unknown>; credentialNames?: string[];
}): Promise<ConnectorInstall | undefined> {
  const { rows } = await db.query<InstallDbRow>(
    `UPDATE connector_installs SET status = $3,
       enabled_actions = COALESCE($4, enabled_actions), reviewed_by = COALESCE($5, reviewed_by),
       detail = COALESCE(detail || $6::jsonb, detail), credential_names = COALESCE($7, credential_names), updated_at = now()
     WHERE tenant_id = $1 AND connector_id = $2 RETURNING ${columns}`,
    [tenantId, connectorId, change.status, change.enabledActions ?? null, change.reviewedBy ?? null,
      change.detail ? JSON.stringify(change.detail) : null, change.credentialNames ?? null],
  );
  return rows[0] ? toInstall(rows[0]) : undefined;
}

/**
 * Marks a connector disconnected, creating the record when the connection never went through
 * the marketplace (ServiceNow and Slack configured at tenant creation): afterwards the tenant
 * counts as not connected either way.
 */
export async function recordDisconnected(db: Queryable, tenantId: string, connectorId: string, manifestVersion: string): Promise<ConnectorInstall> {
  const { rows } = await db.query<InstallDbRow>(
    `INSERT INTO connector_installs (tenant_id, connector_id, status, manifest_version)
     VALUES ($1, $2, 'disconnected', $3)
     ON CONFLICT (tenant_id, connector_id) DO UPDATE SET status = 'disconnected', enabled_actions = '{}', credential_names = '{}', updated_at = now()
     RETURNING ${columns}`,
    [tenantId, connectorId, manifestVersion],
  );
  return toInstall(rows[0]!);
}

export async function getInstall(db: Queryable, tenantId: string, connectorId: string): Promise<ConnectorInstall | undefined> {
  const { rows } = await db.query<InstallDbRow>(`SELECT ${columns} FROM connector_installs WHERE tenant_id = $1 AND connector_id = $2`, [tenantId, connectorId]);
  return rows[0] ? toInstall(rows[0]) : undefined;
}

export async function listInstalls(db: Queryable, tenantId: string): Promise<ConnectorInstall[]> {
  const { rows } = await db.query<InstallDbRow>(`SELECT ${columns} FROM connector_installs WHERE tenant_id = $1 ORDER BY connector_id`, [tenantId]);
  return rows.map(toInstall);
}
