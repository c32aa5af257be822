/**
 * From a plan to done, shared by every approval run (triage, revert, and workflows written on
 * the action runtime): refuse what policy blocks or nobody may approve; run at once what the
 * policy allows without approval; otherwise post the request in Slack, wait for the decision,
 * execute the approved actions (one step, idempotent) and replace the request with the outcome.
 * Workflow code.
 */
import { allHandlersFinished, condition, log, setHandler, uuid4, workflowInfo } from '@temporalio/workflow';
import type { RunAuditEvent } from '../audit/run-audit';
import type { ActionWriteResult, DecisionInput, RunPlan, RunStatus, TriageResult } from '../triage/types';
import { awaitDecision } from './await-decision';
import { decideSignal } from './messages';
import { reads, steps } from './run-activities';
import type { RunBookkeeping } from './run-bookkeeping';

/** Returns the run's result; throws only when an activity gave up (the caller records the failure). */
export async function seekApprovalAndWrite(tenantId: string, plan: RunPlan, run: RunBookkeeping): Promise<TriageResult> {
  const result = await approveAndWrite(tenantId, plan, run);
  // Late clicks being answered (notifyRefusedDecision) are let finish before the run closes.
  await Promise.all(run.sideWork);
  await condition(allHandlersFinished);
  return result;
}

/** What an approved plan did, in words: "ServiceNow updated". */
function doneText(plan: RunPlan): string {
  if (plan.revertOf) return 'the triage changes were reverted in ServiceNow';
  const written = [...new Set(plan.actions.filter((a) => a.kind === 'write').map((a) => a.connectorName ?? a.connectorId))];
  return written.length ? `${written.join(' and ')} updated` : 'done';
}

async function approveAndWrite(tenantId: string, plan: RunPlan, run: RunBookkeeping): Promise<TriageResult> {
  const { workflowId, runId } = workflowInfo();
  const { state, audit } = run;
  const runnable = plan.actions.filter((a) => a.policy.decision !== 'blocked');
  if (runnable.length === 0) {
    await audit('run.blocked', 'blocked', { reasons: plan.actions.map((a) => a.policy.reason) });
    return run.finish('blocked', 'every proposed action is blocked by policy');
  }
  if (runnable.every((a) => a.policy.decision === 'allow')) {
    // Nothing here needs a person (reads, or writes the tenant allowed): run them now.
    run.setStatus('writing');
    const results = await steps.executeActions({ tenantId, workflowId, runId, planKey: plan.planKey, actions: runnable, approver: 'policy' });
    state.writes.push(...results);
    return run.finish('completed', `allowed by policy without approval; ${doneText(plan)}`);
  }
  // A later plan of the same run starts its approval afresh.
  Object.assign(state, { decision: undefined, approvals: [], escalated: false, remindersSent: 0 });
  setHandler(decideSignal, run.receive);

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
  const requested: RunAuditEvent = {
    type: 'approval.requested', outcome: 'pending',
    detail: {
      requestId, approvers: approval.approvers, quorum: approval.quorum, tier: approval.tier,
      excluded: plan.excludedApprovers, policyRevision: plan.policyRevision, actions: runnable.map((a) => a.actionId),
    },
  };
  const message = await steps.postApprovalRequest({ tenantId, workflowId, requestId, plan, expiresAt: state.expiresAt, audit: [requested] });
  state.approvalMessage = message;
  run.setStatus('awaiting_approval');

  await awaitDecision({
    plan, requestId, state, pending: run.pending, message,
    effects: {
      audit: (type, outcome, detail, actor) => audit(type, outcome, detail, actor),
      notifyRefused: (approver, reason) => reads.notifyRefusedDecision({ tenantId, message, approver, reason }),
      nudge: (kind, approvers) => reads.nudgeApprovers({ tenantId, message, kind, approvers, about: `${plan.purpose} of ${plan.subject?.label ?? state.incidentNumber}` }),
    },
  });
  // Clicks after the decision: recorded, and the person is told privately that theirs changed
  // nothing (the Slack handler only relays; the run is the one that knows).
  const answerLate = async (late: DecisionInput) => {
    const reason = state.decision ? `this request was already decided (${state.decision.decision}) by ${state.decision.approver}` : 'the request expired';
    state.refusedDecisions.push({ approver: late.approver, channel: late.channel, reason });
    if (late.channel === 'slack') {
      await reads.notifyRefusedDecision({ tenantId, message, approver: late.approver, reason })
        .catch((err: unknown) => log.warn('could not tell a late approver', { error: String(err) }));
    }
  };
  setHandler(decideSignal, answerLate);
  // Clicks that arrived with the deciding one (same workflow task) were never judged: answer them too.
  for (const late of run.pending.splice(0)) run.sideWork.push(answerLate(late));

  // The outcome message replaces the request (taking its buttons away) and records the run's
  // final audit events in the same activity.
  const report = (status: RunStatus, detail: string, events: RunAuditEvent[], writes: ActionWriteResult[] = []) =>
    steps.finishApprovalMessage({ tenantId, workflowId, runId, requestId, message, plan, status, detail, decision: state.decision, writes, audit: events });

  if (!state.decision) {
    const detail = `no decision within ${approval.timeoutSeconds} s: the request expired and nothing was written`;
    await report('expired', detail, [{ type: 'approval.expired', outcome: 'expired', detail: { requestId } }]);
    return run.finish('expired', detail);
  }
  const decision = state.decision;
  const decided: RunAuditEvent = {
    type: decision.decision === 'approve' ? 'approval.approved' : 'approval.denied', outcome: decision.decision, actor: decision.approver,
    detail: { requestId, channel: decision.channel, approvers: decision.approvers, reason: decision.reason ?? null },
  };
  if (decision.decision === 'deny') {
    const detail = `denied by ${decision.approver}: nothing was written`;
    await report('denied', detail, [decided]);
    return run.finish('denied', detail);
  }

  run.setStatus('writing');
  // One step for every approved action (one PATCH per ServiceNow record); the decision is audited with the writes.
  const results: ActionWriteResult[] = await steps.executeActions({
    tenantId, workflowId, runId, planKey: plan.planKey, actions: runnable, approver: decision.approver, audit: [decided],
  });
  state.writes.push(...results);
  const conflicts = results.flatMap((w) => w.fields.filter((f) => f.outcome === 'skipped_stale'));
  const writes = results.filter((w) => w.fields.length > 0);
  const shadow = writes.length > 0 && writes.every((w) => w.outcome === 'shadow');
  const status: RunStatus = conflicts.length ? 'completed_with_conflicts' : shadow ? 'shadow_completed' : 'completed';
  const approvedBy = decision.approvers.join(', ');
  const done = doneText(plan);
  const detail = conflicts.length
    ? `approved by ${approvedBy}; not overwritten because someone changed them after the approval was requested: ${conflicts.map((c) => c.field).join(', ')}`
    : shadow ? `approved by ${approvedBy}; shadow mode: the writes were recorded, not made`
      : `approved by ${approvedBy}; ${done}`;
  await report(status, detail, [{ type: 'run.completed', outcome: status, detail: { writes: results.map((w) => ({ action: w.actionId, outcome: w.outcome })) } }], results);
  return run.finish(status, detail);
}
