/**
 * The action runtime as activities, for workflow code: plan actions (preview, policy, who may
 * approve) and execute an approved plan (reads the policy allows run there too, without asking).
 */
import { executePlan, type ExecutePlanRequest } from '../action-runtime/execute-plan';
import { preparePlan, type PlanRequest } from '../action-runtime/prepare-plan';
import type { ActionPlan, ActionWriteResult } from '../action-runtime/plan-types';
import { loadTenant } from '../tenancy/tenant-context';
import type { ActivityDeps } from './deps';
import { withFailureMapping } from './failures';

export interface PlanActionsInput extends PlanRequest {
  tenantId: string;
}

export function createActionActivities(deps: ActivityDeps) {
  async function planActions(input: PlanActionsInput): Promise<ActionPlan> {
    return withFailureMapping(async () => preparePlan(deps, await loadTenant(deps, input.tenantId), input));
  }

  async function executeActions(input: ExecutePlanRequest): Promise<ActionWriteResult[]> {
    return withFailureMapping(async () => executePlan(deps, await loadTenant(deps, input.tenantId), input));
  }

  return { planActions, executeActions };
}
