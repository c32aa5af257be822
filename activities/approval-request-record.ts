/**
 * What the approval_requests row of a posted request holds, and which status it closes with, so
 * the Slack activities record requests with a line each. Everyone who may decide at some point
 * is an approver here, escalation approvers included: the API then lets their decisions through
 * and the run judges whether the request had escalated yet.
 */
import type { ApprovalRequestStatus, NewApprovalRequest } from '../db/approval-requests-repo';
import type { RunPlan } from '../triage/types';
import { approvalSummary } from './approval-request-summary';

/** The parts of a posted request the row is made of (structural: any plan with an approval will do). */
export interface PostedRequest {
  tenantId: string;
  workflowId: string;
  requestId: string;
  expiresAt: string;
  plan: {
    approval: { approvers: readonly string[]; quorum: number; escalation?: { approvers: readonly string[] } };
    excludedApprovers: ReadonlyArray<{ approver: string; reason: string }>;
  };
}

export function approvalRequestRow(input: PostedRequest, runId: string | null): NewApprovalRequest {
  const { approval, excludedApprovers } = input.plan;
  return {
    tenantId: input.tenantId, workflowId: input.workflowId, runId, requestId: input.requestId,
    approvers: [...new Set([...approval.approvers, ...(approval.escalation?.approvers ?? [])])],
    excluded: excludedApprovers.map(({ approver, reason }) => ({ approver, reason })),
    quorum: approval.quorum, expiresAt: new Date(input.expiresAt),
    // What the Slack message shows, for the console inbox (only a full run plan has it).
    ...('actions' in input.plan ? { summary: approvalSummary(input.plan as RunPlan, input.expiresAt) } : {}),
  };
}

/** The request's status once the run reports `runStatus` in place of it. */
export function closedRequestStatus(runStatus: string): Exclude<ApprovalRequestStatus, 'open'> {
  if (runStatus === 'expired') return 'expired';
  if (['denied', 'completed', 'completed_with_conflicts', 'shadow_completed'].includes(runStatus)) return 'decided';
  return 'closed';
}
