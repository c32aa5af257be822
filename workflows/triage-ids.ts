/**
 * Deterministic business ids: one triage run per tenant and incident, so duplicate webhooks,
 * retries and the reconciliation poller all address the same run.
 */
export function triageWorkflowId(tenantSlug: string, incidentSysId: string): string {
  return `triage-${tenantSlug}-${incidentSysId}`;
}
