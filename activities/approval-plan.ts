/**
 * The part of a plan every approval run shares: each proposed write through the policy engine,
 * who may approve (the policy's group, minus the incident's own requesters and anyone else the
 * run names), and the incident as the approver will see it.
 */
import { serviceNowActions, serviceNowConnectorId } from '../connectors/servicenow/actions';
import type { ServiceNowClient } from '../connectors/servicenow/client';
import type { Incident } from '../connectors/servicenow/incident';
import { combineApprovals, evaluatePolicy } from '../policy/evaluate-policy';
import { loadTenant, serviceNowClientFor, slackClientFor, type TenantContext } from '../tenancy/tenant-context';
import { loadTenantPolicy } from '../tenancy/tenant-policy';
import type { ProposedWrite } from '../triage/propose-changes';
import type { ExcludedApprover, TriagePlan } from '../triage/types';
import type { ActivityDeps } from './deps';
import { requireVerified } from './failures';
import { findSelfApprovers } from './requester-exclusions';

/**
 * The tenant, its ServiceNow client and the incident as it is now — after checking that the
 * connectors an approval run uses are verified (an unsigned or tampered one stops here).
 */
export async function loadIncidentContext(deps: ActivityDeps, tenantId: string, sysId: string): Promise<{ tenant: TenantContext; serviceNow: ServiceNowClient; incident: Incident }> {
  requireVerified(deps, serviceNowConnectorId);
  requireVerified(deps, 'slack');
  const tenant = await loadTenant(deps, tenantId);
  const serviceNow = await serviceNowClientFor(deps, tenant);
  return { tenant, serviceNow, incident: await serviceNow.getIncident(sysId) };
}

/** A plan without what only triage or only a revert knows. */
export type ApprovalPlan = Omit<TriagePlan, 'ruleName' | 'revertOf' | 'leftAlone'>;

export async function planApproval(input: {
  deps: ActivityDeps;
  tenant: TenantContext;
  serviceNow: ServiceNowClient;
  incident: Incident;
  proposals: ProposedWrite[];
  /** People who may not approve this request besides the incident's requesters, with the reason. */
  alsoExcluded?: ExcludedApprover[];
}): Promise<ApprovalPlan> {
  const { deps, tenant, serviceNow, incident, proposals } = input;
  const policy = await loadTenantPolicy(deps.pool, tenant, deps.tenants);
  const actions = proposals.map((p) => {
    const spec = serviceNowActions[p.actionId];
    const evaluation = evaluatePolicy({ actionId: p.actionId, connectorId: serviceNowConnectorId, gate: spec.gate, risk: spec.risk }, policy.document);
    return { actionId: p.actionId, title: spec.title, changes: p.changes, evaluation };
  });
  const requirement = combineApprovals(actions.map((a) => a.evaluation))
    ?? evaluatePolicy({ actionId: 'none', connectorId: serviceNowConnectorId, gate: 'external_write', risk: 'low' }, policy.document).approval!;

  const candidates = [...new Set([...requirement.approvers, ...(requirement.escalation?.approvers ?? [])])];
  const selfApprovers = actions.length === 0 ? [] : await findSelfApprovers({
    tenantId: tenant.id, serviceNow, slack: await slackClientFor(deps, tenant), approvers: candidates,
    requesters: [{ role: 'caller', sysId: incident.fields.caller_id }, { role: 'opener', sysId: incident.fields.opened_by }],
  });
  const others = (input.alsoExcluded ?? []).filter((e) => candidates.includes(e.approver) && !selfApprovers.some((s) => s.approver === e.approver));
  const excludedApprovers = [...selfApprovers, ...others];
  const excluded = new Set(excludedApprovers.map((e) => e.approver));
  const eligible = (list: readonly string[]) => list.filter((a) => !excluded.has(a));

  return {
    incident: {
      sysId: incident.sysId, number: incident.number, shortDescription: incident.fields.short_description,
      priority: incident.fields.priority, state: incident.fields.state, callerId: incident.fields.caller_id,
      modCount: incident.modCount, updatedBy: incident.fields.sys_updated_by,
    },
    actions: actions.map((a) => ({
      actionId: a.actionId, title: a.title, changes: a.changes,
      policy: { decision: a.evaluation.decision, reason: a.evaluation.reason, rule: a.evaluation.rule, shadow: a.evaluation.shadow },
    })),
    approval: {
      ...requirement,
      approvers: eligible(requirement.approvers),
      ...(requirement.escalation ? { escalation: { ...requirement.escalation, approvers: eligible(requirement.escalation.approvers) } } : {}),
    },
    excludedApprovers,
    policyRevision: policy.revision,
  };
}
