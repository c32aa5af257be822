/**
 * Reads the authoritative incident from ServiceNow (never the webhook body), matches the
 * tenant's routing rules, proposes the writes, and hands them to the shared approval planning
 * (policy per action, who may approve).
 */
import { proposeChanges } from '../triage/propose-changes';
import { matchRule } from '../triage/routing-rules';
import type { TriagePlan } from '../triage/types';
import { loadIncidentContext, planApproval } from './approval-plan';
import type { ActivityDeps } from './deps';
import { withFailureMapping } from './failures';

export interface PlanTriageInput {
  tenantId: string;
  sysId: string;
  /** Unique per run (see runKey); embedded in the work note so a retried write can find it. */
  runKey: string;
}

export function createPlanTriage(deps: ActivityDeps) {
  return async function planTriage(input: PlanTriageInput): Promise<TriagePlan> {
    return withFailureMapping(async () => {
      const { tenant, serviceNow, incident } = await loadIncidentContext(deps, input.tenantId, input.sysId);
      const rule = matchRule(tenant.settings.routing.rules, incident);
      const proposals = rule ? proposeChanges(incident, rule, input.runKey) : [];
      const plan = await planApproval({ deps, tenant, serviceNow, incident, proposals });
      return { ...plan, ...(rule ? { ruleName: rule.name } : {}) };
    });
  };
}
