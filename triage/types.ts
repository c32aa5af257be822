/**
 * Shapes that cross the workflow boundary (workflow input, activity inputs/outputs, query
 * results). Plain data only: they travel through Temporal payloads, so no secrets, ever.
 */
import type { ActionPlan, ActionWriteResult, ExcludedApprover, WriteOutcome } from '../action-runtime/plan-types';

export type {
  ActionPlan, ActionWriteResult, ApprovalSubject, ExcludedApprover, FieldChange, FieldWriteResult, FlaggedApprover, ProposedAction, WriteOutcome,
} from '../action-runtime/plan-types';

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
  /** Who asked for the revert (a Slack user id, or a console account's e-mail): they may not approve it themselves. */
  requestedBy: string;
  /**
   * The Slack user id the requester decides approvals as, when they asked from the console (their
   * account's approver id): excluded too, so an admin who is also an approver cannot approve their own revert.
   */
  requesterApproverId?: string;
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

/** A triage or revert plan: the shared action plan, plus what only these runs know. */
export interface TriagePlan extends ActionPlan {
  incident: IncidentSummary;
  ruleName?: string;
  /** Set when the plan undoes an earlier triage run rather than triaging the incident. */
  revertOf?: RevertTarget;
  /** For a revert: fields the triage run wrote that the revert does not touch. */
  leftAlone?: FieldLeftAlone[];
}

/** The plan of any approval run: the action plan, with a triage's or revert's extras when it is one. */
export type RunPlan = ActionPlan & Partial<Pick<TriagePlan, 'incident' | 'ruleName' | 'revertOf' | 'leftAlone'>>;

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

export type DecisionChannel = 'slack' | 'api' | 'temporal' | 'console';

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
  plan?: RunPlan;
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
