/** The append-only audit trail (the table's triggers refuse UPDATE, DELETE and TRUNCATE). */
import { isUuid, type Queryable } from './queryable';

/** An audit event as stored. */
export interface AuditEvent {
  /** bigserial, as a string (int8 exceeds Number's safe range in principle). */
  id: string;
  tenantId: string | null;
  workflowId: string | null;
  type: string;
  actor: string | null;
  outcome: string | null;
  detail: Record<string, unknown>;
  createdAt: Date;
}

/** An event to append. `detail` must not carry secrets: the trail is shown to approvers. */
export interface NewAuditEvent {
  tenantId?: string | null;
  workflowId?: string | null;
  type: string;
  actor?: string | null;
  outcome?: string | null;
  detail?: Record<string, unknown>;
}

/** Filter for {@link listAudit}; all given conditions must hold. */
export interface AuditQuery {
  tenantId?: string;
  workflowId?: string;
  type?: string;
  /** Only events with a larger id (paging). */
  afterId?: string;
  /** Default 100, at most 10000. */
  limit?: number;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

interface AuditDbRow {
  id: string;
  tenant_id: string | null;
  workflow_id: string | null;
  type: string;
  actor: string | null;
  outcome: string | null;
  detail: Record<string, unknown>;
  created_at: Date;
}

/** Appends one event; returns its id and timestamp. */
export async function appendAudit(db: Queryable, event: NewAuditEvent): Promise<{ id: string; createdAt: Date }> {
  const { rows } = await db.query<{ id: string; created_at: Date }>(
    `INSERT INTO audit_events (tenant_id, workflow_id, type, actor, outcome, detail)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING id, created_at`,
    [event.tenantId ?? null, event.workflowId ?? null, event.type, event.actor ?? null, event.outcome ?? null, JSON.stringify(event.detail ?? {})],
  );
  const row = rows[0]!;
  return { id: row.id, createdAt: row.created_at };
}

/** Events matching `query`, oldest first (by id). */
export async function listAudit(db: Queryable, query: AuditQuery = {}): Promise<AuditEvent[]> {
  // A malformed tenant id matches nothing (rather than making PostgreSQL raise).
  if (query.tenantId !== undefined && !isUuid(query.tenantId)) return [];
  if (query.afterId !== undefined && !/^\d{1,19}$/.test(query.afterId)) throw new RangeError('afterId must be an audit event id');
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (column: string, value: string | undefined, op = '='): void => {
    if (value === undefined) return;
    values.push(value);
    where.push(`${column} ${op} $${values.length}`);
  };
  add('tenant_id', query.tenantId);
  add('workflow_id', query.workflowId);
  add('type', query.type);
  add('id', query.afterId, '>');
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
  values.push(limit);
  const { rows } = await db.query<AuditDbRow>(
    `SELECT id, tenant_id, workflow_id, type, actor, outcome, detail, created_at FROM audit_events
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT $${values.length}`,
    values,
  );
  return rows.map((r) => ({
    id: r.id, tenantId: r.tenant_id, workflowId: r.workflow_id, type: r.type,
    actor: r.actor, outcome: r.outcome, detail: r.detail, createdAt: r.created_at,
  }));
}
