/**
 * Slack side effects of a run: post the approval request, answer refused decisions privately,
 * remind approvers, and replace the request with its outcome (which removes the buttons). Each
 * is a call of the Slack connector's action (slack.chat.*), so what is sent is checked against
 * the signed manifest and made by the one implementation of the call.
 */
import { approvalRequestBlocks, approvalRequestText, outcomeBlocks, outcomeText } from '../connectors/slack/approval-message';
import { systemWrite } from '../action-runtime/system-write';
import { loadTenant } from '../tenancy/tenant-context';
import type { ActionWriteResult, ApprovalMessageRef, RunStatus, RunPlan, TriageState } from '../triage/types';
import { Context } from '@temporalio/activity';
import { closeApprovalRequest, openApprovalRequest } from '../db/approval-requests-repo';
import { appendAuditEventsWith, inTransaction } from '../db/audit-repo';
import { approvalRequestRow, closedRequestStatus } from './approval-request-record';
import type { ActivityDeps } from './deps';
import { withFailureMapping } from './failures';
import { toAuditEvents, type RunAuditEvent } from '../audit/run-audit';

export interface PostApprovalRequestInput {
  tenantId: string;
  workflowId: string;
  requestId: string;
  plan: RunPlan;
  expiresAt: string;
  /** Recorded once the message is posted (see run-audit.ts). */
  audit?: RunAuditEvent[];
}

export interface FinishApprovalMessageInput {
  tenantId: string;
  workflowId: string;
  /** The run, for the revert button of a completed triage (absent in runs started before it existed). */
  runId?: string;
  message: ApprovalMessageRef;
  plan: RunPlan;
  status: RunStatus;
  /** The request being answered; absent: the workflow's latest open request. */
  requestId?: string;
  detail: string;
  decision?: TriageState['decision'];
  writes: ActionWriteResult[];
  /** Recorded once the message is updated: the run's outcome. */
  audit?: RunAuditEvent[];
}

export interface NotifyRefusedDecisionInput {
  tenantId: string;
  message: ApprovalMessageRef;
  approver: string;
  reason: string;
}

export interface NudgeApproversInput {
  tenantId: string;
  message: ApprovalMessageRef;
  kind: 'reminder' | 'escalation';
  approvers: string[];
  /** What waits, in words: "triage of INC0010001". */
  about: string;
}

export function createSlackMessageActivities(deps: ActivityDeps) {
  async function postApprovalRequest(input: PostApprovalRequestInput): Promise<ApprovalMessageRef> {
    return withFailureMapping(async () => {
      const tenant = await loadTenant(deps, input.tenantId);
      const posted = await systemWrite(deps, tenant, 'slack.chat.post_approval_request', {
        channel: tenant.settings.slack.channel, text: approvalRequestText(input.plan), blocks: approvalRequestBlocks(input),
      }) as ApprovalMessageRef;
      // The request and its audit events are on record together: the admin API judges decisions from the row.
      const request = approvalRequestRow(input, Context.current().info.workflowExecution?.runId ?? null);
      await inTransaction(deps.pool, async (client) => {
        await appendAuditEventsWith(client, toAuditEvents(input.tenantId, input.workflowId, input.audit));
        await openApprovalRequest(client, request);
      });
      return { channel: posted.channel, ts: posted.ts };
    });
  }

  async function finishApprovalMessage(input: FinishApprovalMessageInput): Promise<void> {
    return withFailureMapping(async () => {
      const tenant = await loadTenant(deps, input.tenantId);
      // chat.update is idempotent: a retry writes the same final text again.
      await systemWrite(deps, tenant, 'slack.chat.update_message', {
        channel: input.message.channel, ts: input.message.ts,
        text: outcomeText(input.plan, input.status, input.detail),
        blocks: outcomeBlocks({ ...input, auditUrl: deps.auditLinks.urlFor(input.workflowId) }),
      });
      await inTransaction(deps.pool, async (client) => {
        await appendAuditEventsWith(client, toAuditEvents(input.tenantId, input.workflowId, input.audit));
        await closeApprovalRequest(client, input.workflowId, input.requestId, closedRequestStatus(input.status));
      });
    });
  }

  async function notifyRefusedDecision(input: NotifyRefusedDecisionInput): Promise<void> {
    return withFailureMapping(async () => {
      const tenant = await loadTenant(deps, input.tenantId);
      await systemWrite(deps, tenant, 'slack.chat.post_ephemeral', {
        channel: input.message.channel, user: input.approver, thread_ts: input.message.ts,
        text: `Your decision was not recorded: ${input.reason}.`,
      });
    });
  }

  /** A thread reply that pings approvers: a reminder, or the escalation group joining in. */
  async function nudgeApprovers(input: NudgeApproversInput): Promise<void> {
    return withFailureMapping(async () => {
      const tenant = await loadTenant(deps, input.tenantId);
      const who = input.approvers.map((a) => `<@${a}>`).join(' ');
      const text = input.kind === 'reminder'
        ? `Reminder: the ${input.about} is still waiting for a decision. ${who}`
        : `Escalated: nobody has decided the ${input.about} yet, so it now also goes to ${who}.`;
      await systemWrite(deps, tenant, 'slack.chat.post_message', { channel: input.message.channel, thread_ts: input.message.ts, text });
    });
  }

  return { postApprovalRequest, finishApprovalMessage, notifyRefusedDecision, nudgeApprovers };
}
