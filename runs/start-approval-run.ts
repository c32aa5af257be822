/**
 * Starts a workflow written on the action runtime (workflows/approvals/) for a tenant, under the
 * run id its kind registers (`run:<tenant>:<workflow type>:<key>`), so its Slack buttons are
 * accepted for that tenant and a second start with the same key joins the first.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { approvalRunWorkflowId } from '../workflows/run-kinds';
import type { ApprovalRunInput } from '../workflows/sdk/approval-run';

export interface StartApprovalRunRequest<I extends ApprovalRunInput> {
  taskQueue: string;
  /** The exported workflow function's name. */
  workflowType: string;
  /** Tells this workflow's runs apart for the tenant (an incident number, a request id). */
  key: string;
  input: I;
}

export async function startApprovalRun<I extends ApprovalRunInput>(client: Client, request: StartApprovalRunRequest<I>): Promise<{ workflowId: string; started: boolean }> {
  const workflowId = approvalRunWorkflowId(request.input.tenantSlug, request.workflowType, request.key);
  try {
    await client.workflow.start(request.workflowType, { workflowId, taskQueue: request.taskQueue, args: [request.input] });
    return { workflowId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
    throw err;
  }
}
