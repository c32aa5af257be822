/**
 * From a plan to written changes, shared by triage and revert runs: refuse what policy blocks
 * or nobody may approve, post the request in Slack, wait for the decision, write each approved
 * action (idempotent activities) and replace the request with the outcome. Workflow code.
 */
import { setHandler, uuid4, workflowInfo } from '@temporalio/workflow';
import type { ActionWriteResult, RunStatus, TriagePlan, TriageResult } from '../triage/types';
import { awaitDecision } from './await-decision';
import { decideSignal } from './messages';
import { reads, writes } from './run-activities';
import type { RunBookkeeping } from './run-bookkeeping';

/** Returns the run's result; throws only when an activity gave up (the caller records the failure). */
export async function seekApprovalAndWrite(tenantId: string, plan: TriagePlan, run: RunBookkeeping): Promise<TriageResult> {
  const { workflowId, runId } = workflowInfo();
  const { state, audit } = run;
  const runnable = plan.actions.filter((a) => a.policy.decision !== 'blocked');
  if (runnable.length === 0) {
    await audit('run.blocked', 'blocked', { reasons: plan.actions.map((a) => a.policy.reason) });
    return run.finish('blocked', 'every proposed action is blocked by policy');
  }

  const approval = plan.approval;
  const reachable = new Set([...approval.approvers, ...(approval.escalation?.approvers ?? [])]).size;
  if (reachable < approval.quorum) {
    const excludedWho = plan.revertOf ? "the incident's requesters and the person who asked for the revert" : "the incident's requesters";
    const detail = `${approval.quorum} approval(s) needed but only ${reachable} eligible approver(s) remain after excluding ${excludedWho}`;
    await audit('run.blocked', 'blocked', { reason: detail, excluded: plan.excludedApprovers });
    return run.finish('blocked', detail);
  }

  const requestId = uuid4();
  state.requestId = requestId;
  state.eligibleApprovers = [...approval.approvers];
  state.expiresAt = new Date(Date.now() + approval.timeoutSeconds * 1000).toISOString();
  const message = await reads.postApprovalRequest({ tenantId, workflowId, requestId, plan, expiresAt: state.expiresAt });
  state.approvalMessage = message;
  run.setStatus('awaiting_approval');
  await audit('approval.requested', 'pending', {
    requestId, approvers: approval.approvers, quorum: approval.quorum, tier: approval.tier,
    excluded: plan.excludedApprovers, policyRevision: plan.policyRevision, actions: runnable.map((a) => a.actionId),
  });

  await awaitDecision({
    plan, requestId, state, pending: run.pending, message,
    effects: {
      audit: (type, outcome, detail, actor) => audit(type, outcome, detail, actor),
      notifyRefused: (approver, reason) => reads.notifyRefusedDecision({ tenantId, message, approver, reason }),
      nudge: (kind, approvers) => reads.nudgeApprovers({ tenantId, message, kind, approvers, incidentNumber: plan.incident.number }),
    },
  });
  // Late clicks after the decision are recorded too, while the run is still open.
  setHandler(decideSignal, (late) => {
    state.refusedDecisions.push({ approver: late.approver, channel: late.channel, reason: 'already decided' });
  });

  const report = (status: RunStatus, detail: string) =>
    reads.finishApprovalMessage({ tenantId, workflowId, runId, message, plan, status, detail, decision: state.decision, writes: state.writes });

  if (!state.decision) {
    const detail = `no decision within ${approval.timeoutSeconds} s: the request expired and nothing was written`;
    await audit('approval.expired', 'expired', { requestId });
    await report('expired', detail);
    return run.finish('expired', detail);
  }
  const decision = state.decision;
  await audit(decision.decision === 'approve' ? 'approval.approved' : 'approval.denied', decision.decision,
    { requestId, channel: decision.channel, approvers: decision.approvers, reason: decision.reason ?? null }, decision.approver);
  if (decision.decision === 'deny') {
    const detail = `denied by ${decision.approver}: nothing was written`;
    await report('denied', detail);
    return run.finish('denied', detail);
  }

  run.setStatus('writing');
  // Take the buttons away at once, so nobody clicks while the writes run.
  await report('writing', `approved by ${decision.approver}; writing to ServiceNow…`);
  for (const action of runnable) {
    const result: ActionWriteResult = await writes.applyIncidentWrite({
      tenantId, workflowId, runId, sysId: plan.incident.sysId, action, approver: decision.approver,
    });
    state.writes.push(result);
  }
  const conflicts = state.writes.flatMap((w) => w.fields.filter((f) => f.outcome === 'skipped_stale'));
  const shadow = state.writes.length > 0 && state.writes.every((w) => w.outcome === 'shadow');
  const status: RunStatus = conflicts.length ? 'completed_with_conflicts' : shadow ? 'shadow_completed' : 'completed';
  const approvedBy = decision.approvers.join(', ');
  const done = plan.revertOf ? 'the triage changes were reverted in ServiceNow' : 'ServiceNow updated';
  const detail = conflicts.length
    ? `approved by ${approvedBy}; not overwritten because someone changed them after the approval was requested: ${conflicts.map((c) => c.field).join(', ')}`
    : shadow ? `approved by ${approvedBy}; shadow mode: the writes were recorded, not made`
      : `approved by ${approvedBy}; ${done}`;
  await audit('run.completed', status, { writes: state.writes.map((w) => ({ action: w.actionId, outcome: w.outcome })) });
  await report(status, detail);
  return run.finish(status, detail);
}
