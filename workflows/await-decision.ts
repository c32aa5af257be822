/**
 * The approval wait: decisions are judged one by one in arrival order until the quorum approves,
 * an eligible approver denies, or the request expires. Reminders and escalation fire on timers
 * from the tenant's policy. Workflow code: deterministic, timers only through `condition`.
 */
import { condition, log } from '@temporalio/workflow';
import type { ApprovalMessageRef, DecisionInput, RunPlan, TriageState } from '../triage/types';
import { judgeDecision } from './judge-decision';

export interface DecisionEffects {
  audit(type: string, outcome: string, detail: Record<string, unknown>, actor?: string): Promise<void>;
  notifyRefused(approver: string, reason: string): Promise<void>;
  nudge(kind: 'reminder' | 'escalation', approvers: string[]): Promise<void>;
}

export async function awaitDecision(input: {
  plan: RunPlan;
  requestId: string;
  state: TriageState;
  pending: DecisionInput[];
  message: ApprovalMessageRef;
  effects: DecisionEffects;
}): Promise<void> {
  const { plan, state, pending, effects } = input;
  const approval = plan.approval;
  const start = Date.now();
  const deadline = start + approval.timeoutSeconds * 1000;
  let reminderAt = approval.reminderAfterSeconds !== undefined ? start + approval.reminderAfterSeconds * 1000 : undefined;
  let escalationAt = approval.escalation ? start + approval.escalation.afterSeconds * 1000 : undefined;

  while (!state.decision) {
    const now = Date.now();
    if (now >= deadline) return;
    if (reminderAt !== undefined && now >= reminderAt) {
      reminderAt = undefined;
      state.remindersSent++;
      const waitingFor = state.eligibleApprovers.filter((a) => !state.approvals.some((x) => x.approver === a));
      await effects.nudge('reminder', waitingFor);
      await effects.audit('approval.reminded', 'pending', { waitingFor });
    }
    if (escalationAt !== undefined && now >= escalationAt && approval.escalation) {
      escalationAt = undefined;
      const added = approval.escalation.approvers.filter((a) => !state.eligibleApprovers.includes(a));
      state.eligibleApprovers.push(...added);
      state.escalated = true;
      await effects.nudge('escalation', added);
      await effects.audit('approval.escalated', 'pending', { group: approval.escalation.group, added });
    }
    const wake = Math.min(deadline, reminderAt ?? Infinity, escalationAt ?? Infinity);
    if (!(await condition(() => pending.length > 0, Math.max(1, wake - Date.now())))) continue;

    const candidate = pending.shift()!;
    const verdict = judgeDecision(candidate, {
      requestId: input.requestId, eligible: state.eligibleApprovers, excluded: plan.excludedApprovers,
      approvedBy: state.approvals.map((a) => a.approver), quorum: approval.quorum,
    });
    if (!verdict.ok) {
      state.refusedDecisions.push({ approver: candidate.approver, channel: candidate.channel, reason: verdict.reason });
      await effects.audit('approval.refused', 'refused', { reason: verdict.reason, channel: candidate.channel }, candidate.approver);
      if (candidate.channel === 'slack') {
        // Telling the person is a courtesy: a failure to do so must not end the run.
        await effects.notifyRefused(candidate.approver, verdict.reason).catch((err: unknown) => log.warn('could not notify a refused approver', { error: String(err) }));
      }
      continue;
    }
    if (candidate.decision === 'deny') {
      state.decision = { approver: candidate.approver, approvers: [candidate.approver], decision: 'deny', channel: candidate.channel, reason: candidate.reason };
      return;
    }
    state.approvals.push({ approver: candidate.approver, channel: candidate.channel });
    if (state.approvals.length < approval.quorum) {
      // The vote that completes the quorum is in the approval event itself (its approvers).
      await effects.audit('approval.vote', 'approve', { approvals: state.approvals.length, quorum: approval.quorum, channel: candidate.channel }, candidate.approver);
    } else {
      state.decision = {
        approver: candidate.approver, approvers: state.approvals.map((a) => a.approver), decision: 'approve',
        channel: candidate.channel, reason: candidate.reason,
      };
    }
  }
}
