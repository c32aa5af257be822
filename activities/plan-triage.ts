/**
 * Reads the authoritative incident from ServiceNow (never the webhook body), matches the
 * tenant's routing rules, proposes the writes and runs each through the policy engine.
 */
import { serviceNowActions } from '../connectors/servicenow/actions';
import { evaluateAction } from '../policy/evaluate-action';
import { loadTenant, serviceNowClientFor } from '../tenancy/tenant-context';
import { proposeChanges } from '../triage/propose-changes';
import { matchRule } from '../triage/routing-rules';
import type { TriagePlan } from '../triage/types';
import type { ActivityDeps } from './deps';
import { withFailureMapping } from './failures';

export interface PlanTriageInput {
  tenantId: string;
  sysId: string;
  /** Unique per run; embedded in the work note so a retried write can find it. */
  runKey: string;
}

export function createPlanTriage(deps: ActivityDeps) {
  return async function planTriage(input: PlanTriageInput): Promise<TriagePlan> {
    return withFailureMapping(async () => {
      const tenant = await loadTenant(deps, input.tenantId);
      const client = await serviceNowClientFor(deps, tenant);
      const incident = await client.getIncident(input.sysId);
      const rule = matchRule(tenant.settings.routing.rules, incident);
      const proposals = rule ? proposeChanges(incident, rule, input.runKey) : [];
      return {
        incident: {
          sysId: incident.sysId,
          number: incident.number,
          shortDescription: incident.fields.short_description,
          priority: incident.fields.priority,
          state: incident.fields.state,
          callerId: incident.fields.caller_id,
          modCount: incident.modCount,
          updatedBy: incident.fields.sys_updated_by,
        },
        ...(rule ? { ruleName: rule.name } : {}),
        actions: proposals.map((p) => ({
          actionId: p.actionId,
          title: serviceNowActions[p.actionId].title,
          changes: p.changes,
          policy: evaluateAction({ actionId: p.actionId, gate: serviceNowActions[p.actionId].gate }),
        })),
        approvers: tenant.settings.approvals.approvers,
        approvalTimeoutSeconds: tenant.settings.approvals.timeoutSeconds,
      };
    });
  };
}
