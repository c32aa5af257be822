/**
 * The policy engine: for one action a run wants to take, allow / needs approval (who, how many,
 * how long) / blocked, and the rule that decided it. Pure, so simulations and runs agree.
 *
 * The marketplace's blocked actions hold by default: moving money and deleting customer data
 * are refused unless the tenant enabled the action with a recorded owner approval and safety
 * review; messaging outsiders needs approval unless the owner explicitly allowed it; publishing
 * public content always needs review; external writes always need the approval their gate names.
 */
import { riskTiers, type PolicyDocument, type RiskTier } from './policy-document';
import type { ApprovalGate, PolicyVerdict } from './verdict';

export type ActionEffect = 'moves_money' | 'deletes_customer_data' | 'sends_external_message' | 'publishes_public_content';

/** What the engine needs to know about an action (from its connector's manifest). */
export interface ActionFacts {
  actionId: string;
  connectorId: string;
  gate: ApprovalGate;
  risk: RiskTier | 'blocked_by_default';
  effects?: readonly ActionEffect[];
}

export interface ApprovalRequirement {
  tier: RiskTier;
  group: string;
  approvers: string[];
  quorum: number;
  timeoutSeconds: number;
  reminderAfterSeconds?: number;
  escalation?: { afterSeconds: number; group: string; approvers: string[] };
}

export interface PolicyEvaluation extends PolicyVerdict {
  actionId: string;
  /** Stable id of the rule that decided, for explanations and tests. */
  rule: string;
  approval?: ApprovalRequirement;
  /** The connector is in shadow mode: the write is recorded, not executed. */
  shadow: boolean;
}

function requirementFor(policy: PolicyDocument, tier: RiskTier): ApprovalRequirement {
  const rule = policy.tiers[tier];
  const members = (group: string) => [...(policy.approverGroups[group]?.members ?? [])];
  return {
    tier, group: rule.group, approvers: members(rule.group), quorum: rule.quorum, timeoutSeconds: rule.timeoutSeconds,
    ...(rule.reminderAfterSeconds ? { reminderAfterSeconds: rule.reminderAfterSeconds } : {}),
    ...(rule.escalation ? { escalation: { ...rule.escalation, approvers: members(rule.escalation.group) } } : {}),
  };
}

export function evaluatePolicy(action: ActionFacts, policy: PolicyDocument): PolicyEvaluation {
  const override = policy.actions[action.actionId];
  const effects = new Set(action.effects ?? []);
  const tier: RiskTier = action.risk === 'blocked_by_default' ? 'high' : action.risk;
  const shadow = policy.shadowConnectors.includes(action.connectorId);
  const verdict = (decision: PolicyEvaluation['decision'], rule: string, reason: string, approvalTier?: RiskTier): PolicyEvaluation => ({
    actionId: action.actionId, decision, rule, reason, shadow,
    ...(decision === 'needs_approval' ? { approval: requirementFor(policy, approvalTier ?? tier) } : {}),
  });

  if (override?.mode === 'block') return verdict('blocked', 'tenant_block', `the tenant's policy blocks ${action.actionId}`);

  const blockedByDefault = action.gate === 'blocked_by_default' || action.risk === 'blocked_by_default'
    || effects.has('moves_money') || effects.has('deletes_customer_data');
  if (blockedByDefault) {
    const what = effects.has('moves_money') ? 'moving money' : effects.has('deletes_customer_data') ? 'deleting customer data' : 'this action';
    if (override?.ownerApproval) {
      return verdict('needs_approval', 'owner_enabled', `${what} is blocked by default; enabled by ${override.ownerApproval.approvedBy} after safety review ${override.ownerApproval.safetyReview}, and every use still needs approval`, 'high');
    }
    return verdict('blocked', 'blocked_by_default', `${what} is blocked by default; a tenant owner must enable it with a safety review`);
  }
  if (effects.has('publishes_public_content')) {
    return verdict('needs_approval', 'public_content_review', 'publishing public content always needs review');
  }
  if (effects.has('sends_external_message')) {
    if (override?.mode === 'allow' && override.ownerApproval) {
      return verdict('allow', 'owner_allowed_external_message', `sending external messages without approval was explicitly allowed by ${override.ownerApproval.approvedBy}`);
    }
    return verdict('needs_approval', 'external_message', 'sending external messages needs approval unless the owner explicitly allows it');
  }
  switch (action.gate) {
    case 'external_write':
      return verdict('needs_approval', 'external_write', override?.mode === 'allow'
        ? 'external writes always need approval (the tenant override "allow" does not apply to them)'
        : 'external writes need explicit approval');
    case 'workspace_write':
    case 'artifact_generation':
      if (override?.mode === 'allow') return verdict('allow', 'tenant_allow', `the tenant's policy allows ${action.gate} actions of ${action.actionId}`);
      return verdict('needs_approval', action.gate, `${action.gate.replace('_', ' ')} needs validation before customer-visible use`);
    case 'read_only':
      if (override?.mode === 'require_approval') return verdict('needs_approval', 'tenant_require_approval', `the tenant's policy requires approval for ${action.actionId}`);
      return verdict('allow', 'read_only', 'read-only actions run without approval');
    default:
      return verdict('blocked', 'unknown_gate', 'unknown approval gate');
  }
}

/** One approval request covers several actions: it takes the strictest tier among them. */
export function combineApprovals(evaluations: readonly PolicyEvaluation[]): ApprovalRequirement | undefined {
  const needing = evaluations.filter((e) => e.decision === 'needs_approval' && e.approval);
  if (needing.length === 0) return undefined;
  return needing.map((e) => e.approval!).reduce((a, b) => (riskTiers.indexOf(b.tier) > riskTiers.indexOf(a.tier) ? b : a));
}
