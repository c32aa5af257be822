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

/** One revert run per incident at a time; the id is reused by a later revert of a later triage. */
export function revertWorkflowId(tenantSlug: string, incidentSysId: string): string {
  return `revert-${tenantSlug}-${incidentSysId}`;
}

/** What a run id says about itself. */
export interface RunIdParts {
  kind: 'triage' | 'revert';
  tenantSlug: string;
  sysId: string;
}

/**
 * The kind, tenant and incident of a triage or revert workflow id, or undefined for any other
 * id. Unambiguous although slugs contain dashes: a sys_id is exactly 32 hex characters, so
 * tenant "acme" never claims "triage-acme-corp-…".
 */
export function parseRunWorkflowId(workflowId: string): RunIdParts | undefined {
  const match = /^(triage|revert)-([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)-([0-9a-f]{32})$/.exec(workflowId);
  if (!match) return undefined;
  return { kind: match[1] === 'triage' ? 'triage' : 'revert', tenantSlug: match[2]!, sysId: match[3]! };
}
