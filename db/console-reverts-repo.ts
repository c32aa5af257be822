/**
 * The latest revert asked for a triage run, read from the audit trail alone (no Temporal call):
 * the revert run records `revert.requested` naming the triage run it undoes, then moves through
 * the same statuses as any run. A revert workflow id is reused by later reverts of the same
 * incident, so only the events from that request up to the next one belong to it.
 */
import { STATUS_OF_EVENT } from './console-runs-repo';
import { isUuid, type Queryable } from './queryable';

/** One revert run as its audit events describe it. */
export interface RevertSummary {
  workflowId: string;
  /** The triage run (Temporal run id) it undoes. */
  triageRunId: string | null;
  /** Who asked: a Slack user id, or a console account's e-mail. */
  requestedBy: string | null;
  reason: string | null;
  requestedAt: Date;
  /** Latest run status, as the Runs list names them (`awaiting_approval`, `completed`, `denied`…). */
  status: string;
  updatedAt: Date;
}

/** The most recent revert of `triageWorkflowId` in `revertWorkflowId`, or undefined when none was asked. */
export async function latestRevertOf(db: Queryable, query: { tenantId: string; revertWorkflowId: string; triageWorkflowId: string }): Promise<RevertSummary | undefined> {
  if (!isUuid(query.tenantId)) return undefined;
  const { rows } = await db.query<{
    workflow_id: string; actor: string | null; detail: Record<string, unknown>; requested_at: Date; status: string | null; updated_at: Date;
  }>(
    `WITH asked AS (
       SELECT id, workflow_id, actor, detail, created_at FROM audit_events
        WHERE tenant_id = $1 AND workflow_id = $2 AND type = 'revert.requested' AND detail->>'triageWorkflowId' = $3
        ORDER BY id DESC LIMIT 1
     ), next_asked AS (
       SELECT min(e.id) AS id FROM audit_events e, asked
        WHERE e.tenant_id = $1 AND e.workflow_id = $2 AND e.type = 'revert.requested' AND e.id > asked.id
     ), own AS (
       SELECT e.id, e.type, e.outcome, e.created_at FROM audit_events e, asked, next_asked
        WHERE e.tenant_id = $1 AND e.workflow_id = $2 AND e.id >= asked.id AND (next_asked.id IS NULL OR e.id < next_asked.id)
     )
     SELECT asked.workflow_id, asked.actor, asked.detail, asked.created_at AS requested_at,
            (SELECT (array_agg(${STATUS_OF_EVENT} ORDER BY id DESC) FILTER (WHERE ${STATUS_OF_EVENT} IS NOT NULL))[1] FROM own) AS status,
            (SELECT max(created_at) FROM own) AS updated_at
       FROM asked`,
    [query.tenantId, query.revertWorkflowId, query.triageWorkflowId],
  );
  const r = rows[0];
  if (!r) return undefined;
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  return {
    workflowId: r.workflow_id, triageRunId: text(r.detail['triageRunId']), requestedBy: r.actor, reason: text(r.detail['reason']),
    requestedAt: r.requested_at, status: r.status ?? 'received', updatedAt: r.updated_at,
  };
}
