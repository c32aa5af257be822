/**
 * Deterministic business ids: one triage run per tenant and incident, so duplicate webhooks,
 * retries and the reconciliation poller all address the same run.
 */
export function triageWorkflowId(tenantSlug: string, incidentSysId: string): string {
  return `triage-${tenantSlug}-${incidentSysId}`;
}

/**
 * What tells one run from another: the workflow id alone is reused when an incident is triaged
 * again after its run closed, so the run id is part of it (work-note markers, the write log).
 */
export function runKey(workflowId: string, runId: string): string {
  return `${workflowId}/${runId}`;
}
