/**
 * How the permission model and risk levels follow from what actions do. The validator uses these
 * to refuse manifests whose declared permissions or risk understate (or overstate) the actions.
 */
import type { ActionEffect, ActionKind, ApprovalGate, AuthType, ConnectorPermission, RiskLevel } from './vocabulary';
import { riskLevels } from './vocabulary';

/** The facts about an action these rules need (shared by definitions and manifests). */
export interface ActionRiskFacts {
  kind: ActionKind;
  approvalGate: ApprovalGate;
  effects: readonly ActionEffect[];
}

/** Moves money: charges, refunds, transfers or trades (the `connector_financial_action` permission). */
export function isFinancial(action: ActionRiskFacts): boolean {
  return action.effects.includes('moves_money');
}

/** Position of a risk level in {@link riskLevels} (higher is riskier). */
export function riskRank(level: RiskLevel): number {
  return riskLevels.indexOf(level);
}

/**
 * The least risk level a connector offering this action can honestly declare, from its gate and
 * effects (the marketplace permission model: external writes are high risk, money is blocked).
 */
export function riskForAction(action: ActionRiskFacts): RiskLevel {
  if (isFinancial(action) || action.effects.includes('deletes_customer_data')) return 'blocked_by_default';
  switch (action.approvalGate) {
    case 'read_only': return 'low';
    case 'artifact_generation':
    case 'workspace_write': return 'medium';
    case 'external_write': return 'high';
    case 'blocked_by_default': return 'blocked_by_default';
  }
}

/** The marketplace permission an action needs (a read stays `connector_read` whatever its gate). */
export function permissionForAction(action: ActionRiskFacts): ConnectorPermission {
  if (isFinancial(action)) return 'connector_financial_action';
  if (action.kind === 'read') return 'connector_read';
  if (action.approvalGate === 'artifact_generation' || action.approvalGate === 'workspace_write') return 'connector_write_draft';
  return 'connector_external_write';
}

/**
 * Exactly the permissions a connector needs: one per kind of action, plus secret management for
 * every connector that stores a credential (anything but `local`).
 */
export function requiredPermissions(authType: AuthType, actions: readonly ActionRiskFacts[]): ConnectorPermission[] {
  const needed = new Set<ConnectorPermission>(actions.map(permissionForAction));
  if (authType !== 'local') needed.add('connector_secret_management');
  return [...needed];
}

/** The highest risk among the actions (`low` for a connector without actions). */
export function requiredRiskLevel(actions: readonly ActionRiskFacts[]): RiskLevel {
  return actions.map(riskForAction).reduce<RiskLevel>((max, r) => (riskRank(r) > riskRank(max) ? r : max), 'low');
}
