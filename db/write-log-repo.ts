/**
 * The write log: every field Gatehouse wrote (or decided not to write) in ServiceNow, with the
 * value it replaced, so an approved change can be audited and reverted.
 */
import { isUuid, type Queryable } from './queryable';

/** What happened to one field. */
export type WriteStatus = 'applied' | 'already_applied' | 'skipped_stale' | 'shadow';

/** A write to record. */
export interface NewWrite {
  tenantId: string;
  workflowId: string;
  /** The Temporal run: a workflow id is reused when an incident is triaged again later. */
  runId: string;
  incidentSysId: string;
  action: string;
  field: string;
  beforeValue?: string | null;
  afterValue?: string | null;
  status: WriteStatus;
  detail?: Record<string, unknown>;
}

/** A write-log row. */
export interface WriteLogRow {
  id: string;
  tenantId: string;
  workflowId: string;
  runId: string;
  incidentSysId: string;
  action: string;
  field: string;
  beforeValue: string | null;
  afterValue: string | null;
  status: WriteStatus;
  detail: Record<string, unknown>;
  createdAt: Date;
}

interface WriteLogDbRow {
  id: string;
  tenant_id: string;
  workflow_id: string;
  run_id: string;
  incident_sys_id: string;
  action: string;
  field: string;
  before_value: string | null;
  after_value: string | null;
  status: WriteStatus;
  detail: Record<string, unknown>;
  created_at: Date;
}

/**
 * Records a write once per (workflowId, runId, action, field), so a retried activity does not add
 * rows. On a repeat the FIRST before_value is kept (a retry reads the value the first attempt
 * wrote, which is no use for reverting), as is an 'applied' status (a retry that finds its own
 * write reports 'already_applied', but the change was still ours); after_value, detail and any
 * other status take the latest values. Returns the row id and whether this call inserted it.
 */
export async function recordWrite(db: Queryable, write: NewWrite): Promise<{ id: string; inserted: boolean }> {
  const { rows } = await db.query<{ id: string; inserted: boolean }>(
    `INSERT INTO write_log (tenant_id, workflow_id, run_id, incident_sys_id, action, field, before_value, after_value, status, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)
     ON CONFLICT (workflow_id, run_id, action, field) DO UPDATE SET
       after_value = EXCLUDED.after_value,
       status = CASE WHEN write_log.status = 'applied' THEN write_log.status ELSE EXCLUDED.status END,
       detail = EXCLUDED.detail
     RETURNING id, (xmax = 0) AS inserted`,
    [
      write.tenantId, write.workflowId, write.runId, write.incidentSysId, write.action, write.field,
      write.beforeValue ?? null, write.afterValue ?? null, write.status, JSON.stringify(write.detail ?? {}),
    ],
  );
  const row = rows[0]!;
  return { id: row.id, inserted: row.inserted };
}

/** Write-log rows matching the filter (all given conditions), oldest first. */
export async function listWrites(db: Queryable, filter: { workflowId?: string; runId?: string; tenantId?: string } = {}): Promise<WriteLogRow[]> {
  if (filter.tenantId !== undefined && !isUuid(filter.tenantId)) return [];
  const where: string[] = [];
  const values: unknown[] = [];
  if (filter.workflowId !== undefined) {
    values.push(filter.workflowId);
    where.push(`workflow_id = $${values.length}`);
  }
  if (filter.runId !== undefined) {
    values.push(filter.runId);
    where.push(`run_id = $${values.length}`);
  }
  if (filter.tenantId !== undefined) {
    values.push(filter.tenantId);
    where.push(`tenant_id = $${values.length}`);
  }
  const { rows } = await db.query<WriteLogDbRow>(
    `SELECT id, tenant_id, workflow_id, run_id, incident_sys_id, action, field, before_value, after_value, status, detail, created_at
     FROM write_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`,
    values,
  );
  return rows.map((r) => ({
    id: r.id, tenantId: r.tenant_id, workflowId: r.workflow_id, runId: r.run_id, incidentSysId: r.incident_sys_id, action: r.action,
    field: r.field, beforeValue: r.before_value, afterValue: r.after_value, status: r.status, detail: r.detail, createdAt: r.created_at,
  }));
}
