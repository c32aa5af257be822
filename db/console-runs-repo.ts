/**
 * Read models for the console's Runs and Audit trail pages, from the audit trail alone (no
 * Temporal call): a tenant's runs with their incident and latest status, and a search over the
 * tenant's audit events by type, actor, connector and time. Always scoped to one tenant.
 */
import { auditEventFromRow, type AuditEventRow } from './audit-chain';
import type { AuditEvent } from './audit-repo';
import { isUuid, type Queryable } from './queryable';

/** A run as its audit events describe it. */
export interface RunSummary {
  workflowId: string;
  incident: string | null;
  status: string;
  startedAt: Date;
  updatedAt: Date;
  events: number;
}

export interface RunFilter {
  tenantId: string;
  /** Latest status, exactly (e.g. `completed`, `awaiting_approval`). */
  status?: string;
  /** Incident number (or sys_id); matches any part of it, case-insensitively. */
  incident?: string;
  /** Default 200, at most 1000. */
  limit?: number;
}

/** Event types that belong to a run (triage or revert), as opposed to installs and webhooks alone. */
const RUN_EVENT_TYPES = `(type LIKE 'webhook.%' OR type LIKE 'run.%' OR type LIKE 'approval.%' OR type LIKE 'action.%' OR type LIKE 'revert.%')`;

/** The run status an event moves its run to; NULL for events that do not change it. */
export const STATUS_OF_EVENT = `CASE type
  WHEN 'webhook.accepted' THEN 'received'
  WHEN 'revert.requested' THEN 'received'
  WHEN 'approval.requested' THEN 'awaiting_approval'
  WHEN 'approval.denied' THEN 'denied'
  WHEN 'approval.expired' THEN 'expired'
  WHEN 'run.completed' THEN COALESCE(outcome, 'completed')
  WHEN 'run.failed' THEN 'failed'
  WHEN 'run.blocked' THEN 'blocked'
  WHEN 'run.rejected' THEN 'rejected'
  WHEN 'run.nothing_to_do' THEN 'nothing_to_do'
  ELSE NULL END`;

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
const likeLiteral = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The tenant's runs, most recently updated first. */
export async function listRuns(db: Queryable, filter: RunFilter): Promise<RunSummary[]> {
  if (!isUuid(filter.tenantId)) return [];
  const values: unknown[] = [filter.tenantId];
  const where: string[] = [];
  if (filter.status !== undefined) {
    values.push(filter.status);
    where.push(`status = $${values.length}`);
  }
  if (filter.incident !== undefined) {
    values.push(`%${likeLiteral(filter.incident)}%`);
    where.push(`incident ILIKE $${values.length}`);
  }
  values.push(Math.min(Math.max(Math.trunc(filter.limit ?? 200), 1), 1000));
  const { rows } = await db.query<{ workflow_id: string; incident: string | null; status: string | null; started_at: Date; updated_at: Date; events: string }>(
    `SELECT * FROM (
       SELECT workflow_id,
         (array_agg(detail->>'incident' ORDER BY id) FILTER (WHERE detail->>'incident' IS NOT NULL AND detail->>'incident' <> ''))[1] AS incident,
         COALESCE((array_agg(${STATUS_OF_EVENT} ORDER BY id DESC) FILTER (WHERE ${STATUS_OF_EVENT} IS NOT NULL))[1], 'received') AS status,
         min(created_at) AS started_at, max(created_at) AS updated_at, count(*) AS events
       FROM audit_events
       WHERE tenant_id = $1 AND workflow_id IS NOT NULL AND ${RUN_EVENT_TYPES}
       GROUP BY workflow_id
     ) runs
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY updated_at DESC, workflow_id LIMIT $${values.length}`,
    values,
  );
  return rows.map((r) => ({
    workflowId: r.workflow_id, incident: r.incident, status: r.status ?? 'received', startedAt: r.started_at, updatedAt: r.updated_at, events: Number(r.events),
  }));
}

export interface AuditSearch {
  tenantId: string;
  /** An exact type (`approval.approved`) or a family (`approval` matches `approval.*`). */
  type?: string;
  /** The actor, exactly (case-insensitive). */
  actor?: string;
  /** A connector id: events naming it (connectorId, an action of it, or its webhook actor). */
  connector?: string;
  since?: Date;
  until?: Date;
  /** Default 200, at most 1000. */
  limit?: number;
}

/** The tenant's audit events matching every given condition, newest first. */
export async function searchAudit(db: Queryable, search: AuditSearch): Promise<AuditEvent[]> {
  if (!isUuid(search.tenantId)) return [];
  const values: unknown[] = [search.tenantId];
  const where = ['tenant_id = $1'];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  if (search.type !== undefined) {
    const exact = param(search.type);
    const family = param(`${likeLiteral(search.type)}.%`);
    where.push(`(type = ${exact} OR type LIKE ${family})`);
  }
  if (search.actor !== undefined) where.push(`lower(actor) = lower(${param(search.actor)})`);
  if (search.connector !== undefined) {
    const id = param(search.connector);
    const prefix = param(`${likeLiteral(search.connector)}.%`);
    where.push(`(detail->>'connectorId' = ${id} OR actor = 'webhook:' || ${id} OR detail->>'action' LIKE ${prefix}
      OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(detail->'actions') = 'array' THEN detail->'actions' ELSE '[]'::jsonb END) AS a(action_id)
                 WHERE a.action_id LIKE ${prefix}))`);
  }
  if (search.since !== undefined) where.push(`created_at >= ${param(search.since)}`);
  if (search.until !== undefined) where.push(`created_at <= ${param(search.until)}`);
  const limit = param(Math.min(Math.max(Math.trunc(search.limit ?? 200), 1), 1000));
  const { rows } = await db.query<AuditEventRow>(
    `SELECT id, tenant_id, workflow_id, type, actor, outcome, detail, created_at FROM audit_events
     WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${limit}`,
    values,
  );
  return rows.map(auditEventFromRow);
}
