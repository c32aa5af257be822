/**
 * Reads the authoritative incident from ServiceNow (never the webhook body), matches the
 * tenant's routing rules, proposes the writes, runs each through the policy engine and works
 * out who may approve (the policy's group, minus the incident's own requesters).
 */
import { serviceNowActions, serviceNowConnectorId } from '../connectors/servicenow/actions';
import { combineApprovals, evaluatePolicy } from '../policy/evaluate-policy';
import { loadTenant, serviceNowClientFor, slackClientFor } from '../tenancy/tenant-context';
import { loadTenantPolicy } from '../tenancy/tenant-policy';
import { proposeChanges } from '../triage/propose-changes';
import { matchRule } from '../triage/routing-rules';
import type { TriagePlan } from '../triage/types';
import type { ActivityDeps } from './deps';
import { requireVerified, withFailureMapping } from './failures';
import { findSelfApprovers } from './requester-exclusions';

export interface PlanTriageInput {
  tenantId: string;
  sysId: string;
  /** Unique per run (see runKey); embedded in the work note so a retried write can find it. */
  runKey: string;
}

export function createPlanTriage(deps: ActivityDeps) {
  return async function planTriage(input: PlanTriageInput): Promise<TriagePlan> {
    return withFailureMapping(async () => {
      // Only verified connectors run: an unsigned or tampered ServiceNow or Slack connector stops here.
      requireVerified(deps, serviceNowConnectorId);
      requireVerified(deps, 'slack');
      const tenant = await loadTenant(deps, input.tenantId);
      const serviceNow = await serviceNowClientFor(deps, tenant);
      const incident = await serviceNow.getIncident(input.sysId);
      const policy = await loadTenantPolicy(deps.pool, tenant);
      const rule = matchRule(tenant.settings.routing.rules, incident);
      const proposals = rule ? proposeChanges(incident, rule, input.runKey) : [];
      const actions = proposals.map((p) => {
        const spec = serviceNowActions[p.actionId];
        const evaluation = evaluatePolicy({ actionId: p.actionId, connectorId: serviceNowConnectorId, gate: spec.gate, risk: spec.risk }, policy.document);
        return { actionId: p.actionId, title: spec.title, changes: p.changes, evaluation };
      });
      const requirement = combineApprovals(actions.map((a) => a.evaluation))
        ?? evaluatePolicy({ actionId: 'none', connectorId: serviceNowConnectorId, gate: 'external_write', risk: 'low' }, policy.document).approval!;

      const candidates = [...new Set([...requirement.approvers, ...(requirement.escalation?.approvers ?? [])])];
      const excludedApprovers = actions.length === 0 ? [] : await findSelfApprovers({
        serviceNow, slack: await slackClientFor(deps, tenant), approvers: candidates,
        requesters: [{ role: 'caller', sysId: incident.fields.caller_id }, { role: 'opener', sysId: incident.fields.opened_by }],
      });
      const excluded = new Set(excludedApprovers.map((e) => e.approver));
      const eligible = (list: readonly string[]) => list.filter((a) => !excluded.has(a));

      return {
        incident: {
          sysId: incident.sysId, number: incident.number, shortDescription: incident.fields.short_description,
          priority: incident.fields.priority, state: incident.fields.state, callerId: incident.fields.caller_id,
          modCount: incident.modCount, updatedBy: incident.fields.sys_updated_by,
        },
        ...(rule ? { ruleName: rule.name } : {}),
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
    });
  };
}
