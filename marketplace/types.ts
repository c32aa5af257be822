/** Shapes of the marketplace flows that cross the workflow boundary (no secrets, ever). */
import type { PolicyDecision } from '../policy/verdict';
import type { ScheduleSyncOutcome } from '../temporal/reconcile-schedule-sync';
import type { ScopeDrift } from '../credentials/scope-drift';

/** What the tenant admin reviews before enabling a connector. */
export interface InstallReview {
  connectorId: string;
  name: string;
  version: string;
  riskLevel: string;
  permissionsRequested: string[];
  scopes: string[];
  signedBy: string;
  actions: Array<{ actionId: string; name: string; approvalGate: string; riskLevel: string; decision: PolicyDecision; reason: string }>;
  /** What the provider granted against the manifest, for installs authorised through OAuth. */
  scopeDrift?: ScopeDrift;
}

export interface InstallInput {
  tenantId: string;
  tenantSlug: string;
  connectorId: string;
  requestedBy: string;
  reviewTimeoutSeconds: number;
  /** What the provider granted against the manifest, when the install was authorised through OAuth. */
  scopeDrift?: ScopeDrift;
  /**
   * The actions the requester chose in the install review (the console's ticked boxes); a
   * reviewer who names none enables these. Absent: every action the policy does not block.
   */
  requestedActions?: string[];
}

export interface InstallReviewDecision {
  reviewer: string;
  decision: 'approve' | 'reject';
  /** Enable only these actions (default: every action the policy does not block). */
  enableActions?: string[];
  reason?: string;
  /** Required to approve when the provider granted more than the manifest declares. */
  acceptBroaderScopes?: boolean;
}

export type InstallStatus = 'describing' | 'pending_review' | 'checking_health' | 'enabled' | 'rejected' | 'expired' | 'healthcheck_failed';

export interface HealthcheckResult {
  ok: boolean;
  detail: string;
  durationMs: number;
}

export interface InstallState {
  status: InstallStatus;
  review?: InstallReview;
  decision?: InstallReviewDecision;
  refusedReviews: Array<{ reviewer: string; reason: string }>;
  healthcheck?: HealthcheckResult;
  enabledActions: string[];
  detail?: string;
  /** ServiceNow only: what became of the tenant's reconciliation Schedule. */
  reconciliation?: ScheduleSyncOutcome;
}

export interface DisconnectInput {
  tenantId: string;
  tenantSlug: string;
  connectorId: string;
  requestedBy: string;
}

export interface DisconnectResult {
  revokedAtProvider: boolean;
  revocationDetail: string;
  deletedCredentials: string[];
  revokedRouteTokens: number;
  /** What became of the connector's OAuth grant (revoked at the provider, or why not), when it had one. */
  grant?: string;
  /** ServiceNow only: the tenant's reconciliation Schedule, paused. */
  reconciliation?: ScheduleSyncOutcome;
}
