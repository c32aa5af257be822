/**
 * Shapes that cross the workflow boundary (workflow input, activity inputs/outputs, query
 * results). Plain data only: they travel through Temporal payloads, so no secrets, ever.
 */
import type { ApprovalRequirement } from '../policy/evaluate-policy';
import type { PolicyVerdict } from '../policy/verdict';

export type TriageActionId =
  | 'servicenow.incident.update_assignment'
  | 'servicenow.incident.update_classification'
  | 'servicenow.incident.add_work_note';

/** One field a write would change, with the value the approver saw. */
export interface FieldChange {
  field: string;
  from: string;
  to: string;
  /** Human-readable forms for Slack (e.g. a group name for a sys_id), when known. */
  fromLabel?: string;
  toLabel?: string;
  /** Shown to the approver but not written: it follows from other fields (priority from impact × urgency). */
  derived?: boolean;
}

export interface ProposedAction {
  actionId: TriageActionId;
  title: string;
  changes: FieldChange[];
  policy: PolicyVerdict & { rule: string; shadow: boolean };
}

/** An approver the policy names but who may not decide this request, and why. */
export interface ExcludedApprover {
  approver: string;
  reason: string;
}

export interface IncidentSummary {
  sysId: string;
  number: string;
  shortDescription: string;
  priority: string;
  state: string;
  callerId: string;
  modCount: number;
  updatedBy: string;
}

/** What a revert run undoes: one closed triage run, asked for by someone, for a reason. */
export interface RevertTarget {
  /** The triage run's workflow id and run id (the id is reused by later triages of the incident). */
  workflowId: string;
  runId: string;
  /** Slack user id of the person who asked for the revert: they may not approve it themselves. */
  requestedBy: string;
  reason: string;
}

/** A field a revert leaves alone, and why. */
export interface FieldLeftAlone {
  field: string;
  reason: 'changed_since' | 'already_reverted';
  /** The value in ServiceNow now, and the one the triage run wrote. */
  currentValue: string;
  writtenValue: string;
}

export interface TriagePlan {
  incident: IncidentSummary;
  ruleName?: string;
  /** Set when the plan undoes an earlier triage run rather than triaging the incident. */
  revertOf?: RevertTarget;
  /** For a revert: fields the triage run wrote that the revert does not touch. */
  leftAlone?: FieldLeftAlone[];
  actions: ProposedAction[];
  /**
   * Who decides (approvers already exclude the incident's caller and opener), how many must
   * agree, how long the request waits, reminder and escalation — from the tenant's policy.
   */
  approval: ApprovalRequirement;
  excludedApprovers: ExcludedApprover[];
  /** Revision of the tenant policy the plan was made under (0 = the default policy). */
  policyRevision: number;
}

/** What the ServiceNow webhook told us; validated again inside the workflow. */
export interface TriageTrigger {
  table: string;
  sysId: string;
  number?: string;
  event?: string;
  sysUpdatedOn?: string;
  sysModCount?: string;
  sysUpdatedBy?: string;
  /** webhook-id of the delivery, or "reconcile:<…>" when the poller started the run. */
  deliveryId: string;
  source: 'webhook' | 'reconciliation' | 'api';
}

export interface TriageInput {
  tenantId: string;
  tenantSlug: string;
  trigger: TriageTrigger;
}

/** Input of the revert run (`revertTriageRun`). */
export interface RevertInput {
  tenantId: string;
  tenantSlug: string;
  /** The incident whose triage is reverted. */
  sysId: string;
  target: RevertTarget;
}

export type DecisionChannel = 'slack' | 'api' | 'temporal';

/** The `decide` signal's argument. */
export interface DecisionInput {
  /** Slack user id of the person deciding. */
  approver: string;
  decision: 'approve' | 'deny';
  /**
   * The approval request this decision answers (from the Slack button). Absent (API, Temporal
   * signal): the request open when the run receives it — a decision that arrives before any
   * request is open answers none and is refused.
   */
  requestId?: string;
  channel: DecisionChannel;
  /** Optional free text from the approver. */
  reason?: string;
}

export type WriteOutcome = 'applied' | 'already_applied' | 'skipped_stale' | 'shadow' | 'no_change';

export interface FieldWriteResult {
  field: string;
  before: string;
  after: string;
  outcome: Exclude<WriteOutcome, 'no_change'>;
  /** For skipped_stale: the value a human put there after the approval was requested. */
  currentValue?: string;
}

export interface ActionWriteResult {
  actionId: TriageActionId;
  outcome: WriteOutcome;
  fields: FieldWriteResult[];
}

export type RunStatus =
  | 'received'
  | 'planning'
  | 'nothing_to_do'
  | 'blocked'
  | 'awaiting_approval'
  | 'writing'
  | 'completed'
  | 'completed_with_conflicts'
  /** Approved, but the connector is in shadow mode: the writes were recorded, not executed. */
  | 'shadow_completed'
  | 'denied'
  | 'expired'
  | 'rejected'
  | 'failed';

export interface RefusedDecision {
  approver: string;
  channel: DecisionChannel;
  reason: string;
}

export interface ApprovalMessageRef {
  channel: string;
  ts: string;
}

/** The outcome of the approval step: the deciding approver, and everyone whose approval counted. */
export interface Decision {
  approver: string;
  approvers: string[];
  decision: 'approve' | 'deny';
  channel: DecisionChannel;
  reason?: string;
}

/** The `state` query's answer: everything an operator needs to see where a run stands. */
export interface TriageState {
  status: RunStatus;
  tenantSlug: string;
  incidentNumber: string;
  requestId?: string;
  plan?: TriagePlan;
  approvalMessage?: ApprovalMessageRef;
  decision?: Decision;
  /** Distinct approvals so far (quorum counting). */
  approvals: Array<{ approver: string; channel: DecisionChannel }>;
  /** Approvers who may decide right now (grows when the request escalates). */
  eligibleApprovers: string[];
  escalated: boolean;
  remindersSent: number;
  refusedDecisions: RefusedDecision[];
  writes: ActionWriteResult[];
  expiresAt?: string;
  detail?: string;
}

export interface TriageResult {
  status: RunStatus;
  detail: string;
  writes: ActionWriteResult[];
  decision?: Decision;
}
