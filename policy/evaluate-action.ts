/**
 * Decides allow / needs approval / blocked for one action from its approval gate and the
 * tenant's explicit overrides. Deliberately conservative: an unknown gate is blocked.
 */
import type { ApprovalGate, PolicyVerdict } from './verdict';

export interface ActionPolicyInput {
  actionId: string;
  gate: ApprovalGate;
  /** Action ids the tenant has switched off. */
  tenantBlockedActions?: readonly string[];
}

export function evaluateAction(input: ActionPolicyInput): PolicyVerdict {
  if (input.tenantBlockedActions?.includes(input.actionId)) {
    return { decision: 'blocked', reason: `${input.actionId} is disabled by the tenant's policy` };
  }
  switch (input.gate) {
    case 'read_only':
      return { decision: 'allow', reason: 'read-only actions run without approval' };
    case 'artifact_generation':
    case 'workspace_write':
      return { decision: 'needs_approval', reason: `${input.gate} actions need validation before customer-visible use` };
    case 'external_write':
      return { decision: 'needs_approval', reason: 'external writes need explicit approval' };
    case 'blocked_by_default':
      return { decision: 'blocked', reason: 'this action is blocked by default (e.g. financial or destructive)' };
    default:
      return { decision: 'blocked', reason: 'unknown approval gate' };
  }
}
