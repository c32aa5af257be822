/** What the console's Runs and Audit trail API answers (dates arrive as ISO strings). */
export interface RunSummary {
  workflowId: string;
  incident: string | null;
  status: string;
  startedAt: string;
  updatedAt: string;
  events: number;
}

/** A page of runs; `next` is the cursor for the older runs after it (null: none left). */
export interface RunsPage {
  runs: RunSummary[];
  next: string | null;
}

export interface AuditEventView {
  id: string;
  workflowId: string | null;
  type: string;
  actor: string | null;
  outcome: string | null;
  detail: Record<string, unknown>;
  createdAt: string;
}

/** A page of audit events, newest first; `next` is the cursor for the older ones (null: none left). */
export interface AuditPage {
  events: AuditEventView[];
  next: string | null;
}

export interface RunChange {
  action: string;
  field: string;
  before: string | null;
  after: string | null;
  status: string;
  incidentSysId: string;
  runId: string;
  at: string;
}

export interface RunDetail {
  workflowId: string;
  incident: string | null;
  status: string;
  startedAt: string;
  updatedAt: string;
  truncated: boolean;
  events: AuditEventView[];
  proposed: { actions: string[]; requestedAt: string; policyRevision: unknown } | null;
  changes: RunChange[];
  approval: {
    requestId: string;
    status: string;
    quorum: number;
    eligible: string[];
    excluded: Array<{ approver: string; reason: string }>;
    expiresAt: string;
    decision: { decision: 'approve' | 'deny'; by: string | null; approvers: string[]; at: string } | null;
    votes: Array<{ approver: string | null; at: string }>;
  } | null;
  temporalUiUrl: string | null;
  /** The console account (e-mail) that decides as each Slack user id shown, where there is one. */
  people: Record<string, string>;
}

export interface Verification {
  ok: boolean;
  checked: number;
  firstBrokenId?: string;
  reason?: string;
  unhashed?: number;
  verifiedAt: string;
  refreshing: boolean;
}

/** Run statuses a person can filter by, as the server names them. */
export const RUN_STATUSES = [
  'received', 'awaiting_approval', 'completed', 'completed_with_conflicts', 'shadow_completed',
  'denied', 'expired', 'blocked', 'rejected', 'nothing_to_do', 'failed',
] as const;

export const statusLabel = (status: string): string => status.replace(/_/g, ' ');

/** A time as people read it, in their own time zone, with the ISO value kept for machines. */
export function timeText(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
