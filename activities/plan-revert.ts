/**
 * Plans the revert of one triage run: reads the incident as it is now, pairs it with what the
 * run wrote (write_log), proposes putting back each field still holding the written value, and
 * hands the proposal to the shared approval planning — without the person who asked for the
 * revert among the approvers.
 */
import { listWrites } from '../db/write-log-repo';
import { proposeRevert } from '../triage/propose-revert';
import type { RevertTarget, TriagePlan } from '../triage/types';
import { loadIncidentContext, planApproval } from './approval-plan';
import type { ActivityDeps } from './deps';
import { withFailureMapping } from './failures';

export interface PlanRevertInput {
  tenantId: string;
  sysId: string;
  target: RevertTarget;
  /** The revert run's key, for its work-note marker. */
  runKey: string;
}

export function createPlanRevert(deps: ActivityDeps) {
  return async function planRevert(input: PlanRevertInput): Promise<TriagePlan> {
    return withFailureMapping(async () => {
      const { tenant, serviceNow, incident } = await loadIncidentContext(deps, input.tenantId, input.sysId);
      const rows = await listWrites(deps.pool, { tenantId: input.tenantId, workflowId: input.target.workflowId, runId: input.target.runId });
      const groupNames = new Map(tenant.settings.routing.rules.flatMap((r) =>
        r.set.assignmentGroup && r.set.assignmentGroupName ? [[r.set.assignmentGroup, r.set.assignmentGroupName] as const] : []));
      const { proposals, leftAlone } = proposeRevert({
        incident, rows, target: input.target, key: input.runKey,
        labelFor: (field, value) => (field === 'assignment_group' ? groupNames.get(value) : undefined),
      });
      const plan = await planApproval({
        deps, tenant, serviceNow, incident, proposals,
        alsoExcluded: [{ approver: input.target.requestedBy, reason: 'asked for this revert' }],
      });
      return { ...plan, revertOf: input.target, leftAlone };
    });
  };
}
