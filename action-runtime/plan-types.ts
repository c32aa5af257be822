/**
 * A plan as it crosses the workflow boundary: the actions a run wants to take, what each will
 * change, what the tenant's policy says about each, and who may approve. Plain data only (it
 * travels in Temporal payloads): no connections, no secrets.
 */
import type { ApprovalSubject, FieldChange, FieldOutcome, FieldWriteResult } from '../connectors/framework/action-contract';
import type { ApprovalRequirement } from '../policy/evaluate-policy';
import type { PolicyVerdict } from '../policy/verdict';

/** What workflow code asks for: an action by id, with its input (validated against the action's schema). */
export interface ActionCall {
  actionId: string;
  input: unknown;
}

/** One action of a plan, as the approver sees it. */
export interface ProposedAction {
  actionId: string;
  connectorId: string;
  /** The connector's display name (from its signed manifest); absent in plans made before it was recorded. */
  connectorName?: string;
  kind: 'read' | 'write';
  /** The action's display name (from the signed manifest). */
  title: string;
  /** The validated input. */
  input: unknown;
  /** The action's idempotency key: the same on every retry of this plan, different in any other. */
  key: string;
  /** The record the action changes (writes), see {@link ActionPlan.subject}. */
  subjectId?: string;
  /** The record's version when planned (ServiceNow sys_mod_count): a batch tells from it whether anything changed since. */
  subjectVersion?: number;
  /** Exactly what a write will change, each with the value it replaces; empty for reads. */
  changes: FieldChange[];
  policy: PolicyVerdict & { rule: string; shadow: boolean };
}

/** An approver the policy names but who may not decide this request, and why. */
export interface ExcludedApprover {
  approver: string;
  reason: string;
}

/** An approver who may decide but whose identity could not be checked (tenant policy "flag"), and why. */
export interface FlaggedApprover {
  approver: string;
  reason: string;
}

export interface ActionPlan {
  /** Unique per run and plan: the actions' idempotency keys and markers derive from it. */
  planKey: string;
  /** What the run does, in a few words ("triage", "resolve"): "Approval needed: triage of INC0010001". */
  purpose: string;
  /** Why the workflow asks, shown to approvers. */
  reason?: string;
  /** What the approval is about: the record the writes change. */
  subject?: ApprovalSubject;
  actions: ProposedAction[];
  /**
   * Who decides (approvers already exclude the record's requesters and anyone the run names), how
   * many must agree, how long the request waits, reminder and escalation — from the tenant's policy.
   */
  approval: ApprovalRequirement;
  excludedApprovers: ExcludedApprover[];
  /** Eligible approvers whose identity could not be checked, shown as a warning in the request. */
  flaggedApprovers?: FlaggedApprover[];
  /** Things about the request approvers should know (a requester who could not be identified). */
  warnings?: string[];
  /** Revision of the tenant policy the plan was made under (0 = the default policy). */
  policyRevision: number;
}

export type WriteOutcome = FieldOutcome | 'no_change';

/** What one action of an approved plan did. */
export interface ActionWriteResult {
  actionId: string;
  outcome: WriteOutcome;
  fields: FieldWriteResult[];
  /** The action's output, validated against its manifest schema (absent in shadow mode). */
  output?: unknown;
}

export type { ApprovalSubject, FieldChange, FieldWriteResult };
