/**
 * Audit events a workflow hands to the activity that does the matching work, so they are
 * recorded where the work happens (in the same transaction as its write-log rows, or right after
 * the Slack call) instead of costing an activity each. Plain data: travels in Temporal payloads.
 */
import type { NewAuditEvent } from '../db/audit-repo';

/** An audit event of a run, without the tenant and workflow the activity already knows. */
export interface RunAuditEvent {
  type: string;
  outcome: string;
  detail?: Record<string, unknown>;
  actor?: string;
}

/** The events as the audit repository takes them. */
export function toAuditEvents(tenantId: string, workflowId: string, events: readonly RunAuditEvent[] = []): NewAuditEvent[] {
  return events.map((e) => ({ tenantId, workflowId, type: e.type, outcome: e.outcome, actor: e.actor ?? null, detail: e.detail ?? {} }));
}
