/**
 * The action runtime as activities, for workflow code: plan actions (preview, policy, who may
 * approve), execute an approved plan, and run a read the policy allows without approval.
 */
import { executePlan, type ExecutePlanRequest } from '../action-runtime/execute-plan';
import { preparePlan, type PlanRequest } from '../action-runtime/prepare-plan';
import type { ActionPlan } from '../action-runtime/plan-types';
import { runRead } from '../action-runtime/run-read';
import { ActionContractError } from '../action-runtime/contract-errors';
import { loadTenant } from '../tenancy/tenant-context';
import type { ActivityDeps } from './deps';
import { withFailureMapping } from './failures';

export interface PlanActionsInput extends PlanRequest {
  tenantId: string;
}

export interface ReadActionInput {
  tenantId: string;
  actionId: string;
  input: unknown;
  key: string;
}

/** A contract mismatch is final: retrying cannot make the input or output match. */
async function contracted<T>(body: () => Promise<T>): Promise<T> {
  return withFailureMapping(async () => {
    try {
      return await body();
    } catch (err) {
      if (err instanceof ActionContractError) throw err.toFailure();
      throw err;
    }
  });
}

export function createActionActivities(deps: ActivityDeps) {
  async function planActions(input: PlanActionsInput): Promise<ActionPlan> {
    return contracted(async () => preparePlan(deps, await loadTenant(deps, input.tenantId), input));
  }

  async function executeActions(input: ExecutePlanRequest): Promise<ReturnType<typeof executePlan> extends Promise<infer R> ? R : never> {
    return contracted(async () => executePlan(deps, await loadTenant(deps, input.tenantId), input));
  }

  async function readAction(input: ReadActionInput): Promise<unknown> {
    return contracted(async () => runRead(deps, await loadTenant(deps, input.tenantId), { actionId: input.actionId, input: input.input, key: input.key }));
  }

  return { planActions, executeActions, readAction };
}
