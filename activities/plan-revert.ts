/**
 * Plans the revert of one triage run: reads the incident as it is now, pairs it with what the
 * run wrote (write_log), proposes putting back each field still holding the written value, and
 * hands the actions to the action runtime — without the person who asked for the revert among
 * the approvers.
 */
import { listWrites } from '../db/write-log-repo';
import { proposeRevert } from '../triage/propose-revert';
import type { RevertTarget, TriagePlan } from '../triage/types';
import { loadIncidentContext } from './approval-plan';
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
      const context = await loadIncidentContext(deps, input.tenantId, input.sysId, input.runKey);
      const rows = await listWrites(deps.pool, { tenantId: input.tenantId, workflowId: input.target.workflowId, runId: input.target.runId });
      const labels = Object.fromEntries(context.tenant.settings.routing.rules.flatMap((r) =>
        r.set.assignmentGroup && r.set.assignmentGroupName ? [[r.set.assignmentGroup, r.set.assignmentGroupName] as const] : []));
      const { calls, leftAlone } = proposeRevert({ incident: context.incident, rows, target: input.target, labels });
      const plan = await context.plan({
        calls, purpose: 'revert of the triage', reason: input.target.reason,
        alsoExcluded: [input.target.requestedBy, input.target.requesterApproverId]
          .filter((who): who is string => who !== undefined)
          .map((approver) => ({ approver, reason: 'asked for this revert' })),
      });
      return { ...plan, revertOf: input.target, leftAlone };
    });
  };
}
