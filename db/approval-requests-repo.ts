/**
 * Approval requests as posted: who may decide (escalation approvers included), who may not and
 * why, the quorum and the deadline. Written by the activity that posts the request and closed by
 * the one that replaces it with the outcome, so the admin API can refuse a decision that cannot
 * count without asking the worker. The run remains the judge of every decision it receives.
 */
import type { Queryable } from './queryable';

export type ApprovalRequestStatus = 'open' | 'decided' | 'expired' | 'closed';

export interface NewApprovalRequest {
  tenantId: string;
  workflowId: string;
  runId: string | null;
  requestId: string;
  approvers: readonly string[];
  excluded: ReadonlyArray<{ approver: string; reason: string }>;
  quorum: number;
  expiresAt: Date;
  /** What the Slack message shows (activities/approval-request-summary.ts), for the console inbox; absent on older rows. */
  summary?: unknown;
}

export interface ApprovalRequestRow extends NewApprovalRequest {
  approvers: string[];
  excluded: Array<{ approver: string; reason: string }>;
  status: ApprovalRequestStatus;
  createdAt: Date;
  updatedAt: Date;
}

interface ApprovalRequestDbRow {
  tenant_id: string; workflow_id: string; run_id: string | null; request_id: string; approvers: string[];
  excluded: Array<{ approver: string; reason: string }>; quorum: number; expires_at: Date; status: ApprovalRequestStatus;
  created_at: Date; updated_at: Date;
}

const columns = 'tenant_id, workflow_id, run_id, request_id, approvers, excluded, quorum, expires_at, status, created_at, updated_at';

const toRow = (r: ApprovalRequestDbRow): ApprovalRequestRow => ({
  tenantId: r.tenant_id, workflowId: r.workflow_id, runId: r.run_id, requestId: r.request_id, approvers: r.approvers,
  excluded: r.excluded, quorum: r.quorum, expiresAt: r.expires_at, status: r.status, createdAt: r.created_at, updatedAt: r.updated_at,
});

/** Records a posted request; a retried post of the same request changes nothing. */
export async function openApprovalRequest(db: Queryable, request: NewApprovalRequest): Promise<void> {
  await db.query(
    `INSERT INTO approval_requests (tenant_id, workflow_id, run_id, request_id, approvers, excluded, quorum, expires_at, summary)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9::jsonb)
     ON CONFLICT (workflow_id, request_id) DO NOTHING`,
    [request.tenantId, request.workflowId, request.runId, request.requestId, [...request.approvers],
      JSON.stringify(request.excluded), request.quorum, request.expiresAt, request.summary === undefined ? null : JSON.stringify(request.summary)],
  );
}

/**
 * Marks an open request `status`: the one named, or without `requestId` the workflow's latest
 * open one. A request already closed keeps its first outcome (a retried activity repeats this).
 * @returns whether a request was closed
 */
export async function closeApprovalRequest(db: Queryable, workflowId: string, requestId: string | undefined, status: Exclude<ApprovalRequestStatus, 'open'>): Promise<boolean> {
  const { rowCount } = requestId !== undefined
    ? await db.query(
      `UPDATE approval_requests SET status = $3, updated_at = now() WHERE workflow_id = $1 AND request_id = $2 AND status = 'open'`,
      [workflowId, requestId, status])
    : await db.query(
      `UPDATE approval_requests SET status = $2, updated_at = now()
       WHERE workflow_id = $1 AND request_id = (
         SELECT request_id FROM approval_requests WHERE workflow_id = $1 AND status = 'open' ORDER BY created_at DESC LIMIT 1)`,
      [workflowId, status]);
  return (rowCount ?? 0) > 0;
}

/** The workflow's most recent request, whatever its status (a workflow id is reused by later runs). */
export async function latestApprovalRequest(db: Queryable, workflowId: string): Promise<ApprovalRequestRow | undefined> {
  const { rows } = await db.query<ApprovalRequestDbRow>(
    `SELECT ${columns} FROM approval_requests WHERE workflow_id = $1 ORDER BY created_at DESC, request_id LIMIT 1`, [workflowId]);
  return rows[0] ? toRow(rows[0]) : undefined;
}

/**
 * The tenant's open, unexpired requests that `approver` is named in (the console inbox), newest
 * first, each only when it is its workflow's latest request (a later one replaced it otherwise).
 */
export async function openApprovalRequestsFor(db: Queryable, tenantId: string, approver: string): Promise<Array<ApprovalRequestRow & { summary: unknown }>> {
  const { rows } = await db.query<ApprovalRequestDbRow & { summary: unknown }>(
    `SELECT ${columns}, summary FROM approval_requests r
      WHERE tenant_id = $1 AND status = 'open' AND expires_at > now() AND $2 = ANY (approvers)
        AND NOT EXISTS (SELECT 1 FROM approval_requests l WHERE l.workflow_id = r.workflow_id AND l.created_at > r.created_at)
      ORDER BY created_at DESC LIMIT 200`, [tenantId, approver]);
  return rows.map((r) => ({ ...toRow(r), summary: r.summary ?? null }));
}
