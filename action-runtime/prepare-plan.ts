/**
 * From the actions a workflow asks for to a plan an approver can decide: each input validated
 * against its action's schema, the connector verified, gate and risk read from the signed
 * manifest and put through the tenant's policy and what its marketplace install enabled, each
 * write previewed (what it will change, from what), and the approvers named — without the record's requesters and anyone the run excludes.
 * Reads only: nothing is written while planning.
 */
import type { ApprovalSubject } from '../connectors/framework/action-contract';
import { combineApprovals, evaluatePolicy, type PolicyEvaluation } from '../policy/evaluate-policy';
import { slackClientFor, type TenantContext } from '../tenancy/tenant-context';
import { loadTenantPolicy } from '../tenancy/tenant-policy';
import { listInstalls } from '../db/installs-repo';
import { actionFacts } from '../connectors/registry-catalogue';
import { findAction, verifiedAction } from './action-catalog';
import { actionKeyOf } from './action-keys';
import { contextFactory } from './connections';
import { installRefusal } from './install-gate';
import { parseContract, UnknownActionError } from './contract-errors';
import type { ActionCall, ActionPlan, ExcludedApprover, ProposedAction } from './plan-types';
import type { ActionRuntimeDeps } from './runtime-deps';
import { checkSelfApproval } from './self-approval';

export interface PlanRequest {
  calls: readonly ActionCall[];
  planKey: string;
  purpose: string;
  reason?: string;
  /** People who may not approve this plan besides the subject's requesters, with the reason. */
  alsoExcluded?: readonly ExcludedApprover[];
}

/**
 * Plans `request.calls`. `contextFor` may be handed in by a caller that already read through
 * it (the triage plan reads the incident first), so previews reuse those reads.
 */
export async function preparePlan(
  deps: ActionRuntimeDeps, tenant: TenantContext, request: PlanRequest, contextFor = contextFactory(deps, tenant, request.planKey),
): Promise<ActionPlan> {
  const [policy, installs] = await Promise.all([
    loadTenantPolicy(deps.pool, tenant, deps.tenants),
    listInstalls(deps.pool, tenant.id).then((rows) => new Map(rows.map((row) => [row.connectorId, row]))),
  ]);
  const actions: ProposedAction[] = [];
  const evaluations: PolicyEvaluation[] = [];
  let subject: ApprovalSubject | undefined;

  for (const [index, call] of request.calls.entries()) {
    const entry = findAction(call.actionId);
    if (!entry) throw new UnknownActionError(`unknown action ${call.actionId}: no connector declares it`);
    // Throws the registry's refusal (unsigned, tampered, unknown): such a connector's actions never run.
    const { manifest, declared } = verifiedAction(deps.registry, entry);
    const { action, connector } = entry;
    const input = parseContract(action.input, call.input, action.actionId, 'input');
    const refusal = installRefusal(installs.get(connector.connectorId), action.actionId);
    const evaluation: PolicyEvaluation = refusal
      ? { actionId: action.actionId, decision: 'blocked', rule: refusal.rule, reason: refusal.reason, shadow: false }
      : evaluatePolicy(actionFacts(connector.connectorId, declared), policy.document);
    const key = actionKeyOf(request.planKey, index, action.actionId);
    const proposed: ProposedAction = {
      actionId: action.actionId, connectorId: connector.connectorId, connectorName: manifest.name, kind: action.kind, title: declared.name,
      input, changes: [], key,
      policy: { decision: evaluation.decision, reason: evaluation.reason, rule: evaluation.rule, shadow: evaluation.shadow },
    };
    if (action.kind === 'write') {
      if (!action.preview) throw new UnknownActionError(`${action.actionId} has no preview: it cannot be planned`);
      const preview = await action.preview(await contextFor(connector, key), input);
      // A write that would change nothing is not proposed (the record already says so).
      if (preview.changes.every((c) => c.derived)) continue;
      proposed.changes = preview.changes;
      proposed.subjectId = preview.subject.id;
      if (preview.subject.version !== undefined) proposed.subjectVersion = preview.subject.version;
      subject ??= preview.subject;
    }
    actions.push(proposed);
    evaluations.push(evaluation);
  }

  // One request covers the plan: the strictest tier among its actions (the low tier's group when none needs one).
  const requirement = combineApprovals(evaluations)
    ?? evaluatePolicy({ actionId: 'none', connectorId: 'none', gate: 'external_write', risk: 'low' }, policy.document).approval!;
  const candidates = [...new Set([...requirement.approvers, ...(requirement.escalation?.approvers ?? [])])];
  const needsApproval = actions.some((a) => a.policy.decision === 'needs_approval');
  const identity = needsApproval && subject && subject.requesters.length > 0
    ? await checkSelfApproval({
        tenantId: tenant.id, slack: await slackClientFor(deps, tenant), approvers: candidates, requesters: subject.requesters,
        unverifiedApprovers: policy.document.identityCheck.unverifiedApprovers,
      })
    : { excluded: [], flagged: [], unverifiedRequesters: [] };
  const warnings = identity.unverifiedRequesters.map((r) => r.reason);
  const others = (request.alsoExcluded ?? []).filter((e) => candidates.includes(e.approver) && !identity.excluded.some((s) => s.approver === e.approver));
  const excludedApprovers = [...identity.excluded, ...others];
  const excluded = new Set(excludedApprovers.map((e) => e.approver));
  const eligible = (list: readonly string[]) => list.filter((a) => !excluded.has(a));

  return {
    planKey: request.planKey, purpose: request.purpose, ...(request.reason ? { reason: request.reason } : {}), ...(subject ? { subject } : {}),
    actions,
    approval: {
      ...requirement,
      approvers: eligible(requirement.approvers),
      ...(requirement.escalation ? { escalation: { ...requirement.escalation, approvers: eligible(requirement.escalation.approvers) } } : {}),
    },
    excludedApprovers,
    ...(identity.flagged.length ? { flaggedApprovers: identity.flagged } : {}),
    ...(warnings.length ? { warnings } : {}),
    policyRevision: policy.revision,
  };
}
