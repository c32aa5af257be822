/** Audit events emitted by the workflow itself (it cannot touch the database directly). */
import { appendAudit } from '../db/audit-repo';
import type { ActivityDeps } from './deps';

export interface RecordAuditInput {
  tenantId: string;
  workflowId: string;
  type: string;
  outcome: string;
  actor?: string;
  detail?: Record<string, unknown>;
}

export function createRecordAudit(deps: ActivityDeps) {
  return async function recordAudit(input: RecordAuditInput): Promise<void> {
    await appendAudit(deps.pool, {
      tenantId: input.tenantId, workflowId: input.workflowId, type: input.type,
      outcome: input.outcome, actor: input.actor ?? null, detail: input.detail ?? {},
    });
  };
}
