/** Revisions of tenants' policy documents (opaque JSON here; the application validates it). */
import { isPgError, type Queryable } from './queryable';
import { notifyTenantChanged } from './tenant-changes';

export interface PolicyRevision {
  tenantId: string;
  revision: number;
  document: unknown;
  createdBy: string | null;
  createdAt: Date;
}

interface PolicyDbRow {
  tenant_id: string;
  revision: number;
  document: unknown;
  created_by: string | null;
  created_at: Date;
}

const toRevision = (row: PolicyDbRow): PolicyRevision => ({
  tenantId: row.tenant_id, revision: row.revision, document: row.document, createdBy: row.created_by, createdAt: row.created_at,
});

/** The revision in force, or undefined when the tenant never stored one. */
export async function getCurrentPolicy(db: Queryable, tenantId: string): Promise<PolicyRevision | undefined> {
  const { rows } = await db.query<PolicyDbRow>(
    'SELECT tenant_id, revision, document, created_by, created_at FROM tenant_policies WHERE tenant_id = $1 ORDER BY revision DESC LIMIT 1',
    [tenantId],
  );
  return rows[0] ? toRevision(rows[0]) : undefined;
}

export async function listPolicyRevisions(db: Queryable, tenantId: string): Promise<PolicyRevision[]> {
  const { rows } = await db.query<PolicyDbRow>(
    'SELECT tenant_id, revision, document, created_by, created_at FROM tenant_policies WHERE tenant_id = $1 ORDER BY revision',
    [tenantId],
  );
  return rows.map(toRevision);
}

/**
 * Stores a new revision (one more than the current). Two admins saving at once: the primary key
 * makes one of them fail, and it retries on top of the other's revision.
 */
export async function putPolicy(db: Queryable, tenantId: string, document: unknown, createdBy: string | null): Promise<PolicyRevision> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const { rows } = await db.query<PolicyDbRow>(
        `INSERT INTO tenant_policies (tenant_id, revision, document, created_by)
         SELECT $1, COALESCE(MAX(revision), 0) + 1, $2::jsonb, $3 FROM tenant_policies WHERE tenant_id = $1
         RETURNING tenant_id, revision, document, created_by, created_at`,
        [tenantId, JSON.stringify(document), createdBy],
      );
      notifyTenantChanged(tenantId);
      return toRevision(rows[0]!);
    } catch (err) {
      if (!isPgError(err, '23505')) throw err;
    }
  }
  throw new Error('could not store the policy revision: too many concurrent updates');
}
