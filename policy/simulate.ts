/**
 * Policy simulation: what would be allowed, need approval or be blocked — and why — for a
 * connector's actions or a proposed change set, under the tenant's current or a draft policy.
 * Pure: nothing is stored or sent.
 */
import type { ActionCatalogue } from './action-catalogue';
import { combineApprovals, evaluatePolicy, type PolicyEvaluation } from './evaluate-policy';
import type { PolicyDocument } from './policy-document';

export interface SimulationRequest {
  connectorId: string;
  /** Only these actions (default: all of the connector's). */
  actionIds?: string[];
}

export interface SimulationResult {
  connectorId: string;
  evaluations: PolicyEvaluation[];
  unknownActions: string[];
  summary: { allow: number; needs_approval: number; blocked: number };
  /** The single approval a run taking all the approval-needing actions would ask for. */
  combinedApproval?: ReturnType<typeof combineApprovals>;
}

export class UnknownConnectorError extends Error {
  override readonly name = 'UnknownConnectorError';
  readonly code = 'unknown_connector';
}

export function simulatePolicy(catalogue: ActionCatalogue, policy: PolicyDocument, request: SimulationRequest): SimulationResult {
  const actions = catalogue.actionsOf(request.connectorId);
  if (!actions) throw new UnknownConnectorError(`unknown connector ${request.connectorId}`);
  const wanted = request.actionIds ? new Set(request.actionIds) : undefined;
  const selected = wanted ? actions.filter((a) => wanted.has(a.actionId)) : actions;
  const known = new Set(actions.map((a) => a.actionId));
  const evaluations = selected.map((a) => evaluatePolicy(a, policy));
  const count = (d: PolicyEvaluation['decision']) => evaluations.filter((e) => e.decision === d).length;
  return {
    connectorId: request.connectorId,
    evaluations,
    unknownActions: [...(wanted ?? [])].filter((id) => !known.has(id)),
    summary: { allow: count('allow'), needs_approval: count('needs_approval'), blocked: count('blocked') },
    combinedApproval: combineApprovals(evaluations),
  };
}
