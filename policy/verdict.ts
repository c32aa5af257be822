/** What the policy engine says about one proposed action. */
export type PolicyDecision = 'allow' | 'needs_approval' | 'blocked';

export interface PolicyVerdict {
  decision: PolicyDecision;
  /** Why, in words an approver or tenant admin understands. */
  reason: string;
}

/** The approval gates of the marketplace permission model, least to most guarded. */
export type ApprovalGate = 'read_only' | 'artifact_generation' | 'workspace_write' | 'external_write' | 'blocked_by_default';
