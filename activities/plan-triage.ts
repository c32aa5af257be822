/**
 * Reads the authoritative incident from ServiceNow (never the webhook body), matches the
 * tenant's routing rules, and asks the action runtime to plan the actions the rule calls for
 * (each previewed, put through policy, approvers named).
 */
import { proposeChanges } from '../triage/propose-changes';
import { matchRule } from '../triage/routing-rules';
import type { TriagePlan } from '../triage/types';
import { loadIncidentContext } from './approval-plan';
import type { ActivityDeps } from './deps';
import { withFailureMapping } from './failures';

export interface PlanTriageInput {
  tenantId: string;
  sysId: string;
  /** Unique per run (see runKey): the plan's key, embedded in the work note so a retried write can find it. */
  runKey: string;
}

export function createPlanTriage(deps: ActivityDeps) {
  return async function planTriage(input: PlanTriageInput): Promise<TriagePlan> {
    return withFailureMapping(async () => {
      const context = await loadIncidentContext(deps, input.tenantId, input.sysId, input.runKey);
      const rule = matchRule(context.tenant.settings.routing.rules, context.incident);
      const calls = rule ? proposeChanges(context.incident, rule) : [];
      const plan = await context.plan({ calls, purpose: 'triage', ...(rule ? { reason: `routing rule "${rule.name}"` } : {}) });
      return { ...plan, ...(rule ? { ruleName: rule.name } : {}) };
    });
  };
}
