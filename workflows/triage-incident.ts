/**
 * The triage run: validate → plan (read the authoritative incident, propose, check policy) →
 * ask in Slack and wait → write back → report. It returns a status instead of throwing on deny
 * or expiry, so the Temporal UI shows a completed run with a readable result.
 */
import {
  log, proxyActivities, setHandler, upsertSearchAttributes, uuid4, workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { incidentKey, statusKey, tenantKey } from '../temporal/search-attributes';
import type {
  ActionWriteResult, DecisionInput, RunStatus, TriageInput, TriageResult, TriageState,
} from '../triage/types';
import { awaitDecision } from './await-decision';
import { decideSignal, incidentChangedSignal, stateQuery } from './messages';
import { runKey } from './triage-ids';
import { triggerSchema } from './trigger-schema';

// An attempt's duration is bounded by the clients' own timeouts (15 s per HTTP call, at most a
// 2 s wait for a rate-limit slot, a handful of calls): these timeouts sit well above that bound,
// so a slow attempt is never overtaken by its own retry (two attempts writing at once).
const reads = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});
// Writes retry too: each write activity is idempotent, so a retry after a lost response is safe.
const writes = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

export async function triageIncident(input: TriageInput): Promise<TriageResult> {
  const { workflowId, runId } = workflowInfo();
  const state: TriageState = {
    status: 'received', tenantSlug: input.tenantSlug,
    incidentNumber: input.trigger.number ?? input.trigger.sysId, refusedDecisions: [], writes: [],
    approvals: [], eligibleApprovers: [], escalated: false, remindersSent: 0,
  };
  const pendingDecisions: DecisionInput[] = [];
  setHandler(stateQuery, () => state);
  setHandler(decideSignal, (decision) => void pendingDecisions.push(decision));
  setHandler(incidentChangedSignal, (trigger) => {
    // The run re-reads the incident before every write, so a change only needs to be visible.
    log.info('incident changed while the run is open', { deliveryId: trigger.deliveryId, source: trigger.source });
  });

  const audit = (type: string, outcome: string, detail: Record<string, unknown> = {}, actor?: string) =>
    reads.recordAudit({ tenantId: input.tenantId, workflowId, type, outcome, detail, actor });
  const setStatus = (status: RunStatus, detail?: string) => {
    state.status = status;
    if (detail !== undefined) state.detail = detail;
    upsertSearchAttributes([{ key: statusKey, value: status }]);
  };
  const finish = (status: RunStatus, detail: string): TriageResult => {
    setStatus(status, detail);
    return { status, detail, writes: state.writes, decision: state.decision };
  };

  upsertSearchAttributes([
    { key: tenantKey, value: input.tenantSlug },
    { key: incidentKey, value: state.incidentNumber },
    { key: statusKey, value: state.status },
  ]);

  try {
    const trigger = triggerSchema.safeParse(input.trigger);
    if (!trigger.success) {
      const reason = trigger.error.issues.map((i) => `${i.path.join('.') || 'trigger'}: ${i.message}`).join('; ');
      await audit('run.rejected', 'invalid_trigger', { reason });
      return finish('rejected', `invalid trigger: ${reason}`);
    }

    setStatus('planning');
    const plan = await reads.planTriage({ tenantId: input.tenantId, sysId: trigger.data.sysId, runKey: runKey(workflowId, runId) });
    state.plan = plan;
    state.incidentNumber = plan.incident.number;
    upsertSearchAttributes([{ key: incidentKey, value: plan.incident.number }]);

    const runnable = plan.actions.filter((a) => a.policy.decision !== 'blocked');
    if (plan.actions.length === 0) {
      await audit('run.nothing_to_do', 'skipped', { rule: plan.ruleName ?? null });
      return finish('nothing_to_do', plan.ruleName ? 'the incident already matches its routing rule' : 'no routing rule matches this incident');
    }
    if (runnable.length === 0) {
      await audit('run.blocked', 'blocked', { reasons: plan.actions.map((a) => a.policy.reason) });
      return finish('blocked', 'every proposed action is blocked by policy');
    }

    const approval = plan.approval;
    const reachable = new Set([...approval.approvers, ...(approval.escalation?.approvers ?? [])]).size;
    if (reachable < approval.quorum) {
      const detail = `${approval.quorum} approval(s) needed but only ${reachable} eligible approver(s) remain after excluding the incident's requesters`;
      await audit('run.blocked', 'blocked', { reason: detail, excluded: plan.excludedApprovers });
      return finish('blocked', detail);
    }

    const requestId = uuid4();
    state.requestId = requestId;
    state.eligibleApprovers = [...approval.approvers];
    state.expiresAt = new Date(Date.now() + approval.timeoutSeconds * 1000).toISOString();
    const message = await reads.postApprovalRequest({
      tenantId: input.tenantId, workflowId, requestId, plan, expiresAt: state.expiresAt,
    });
    state.approvalMessage = message;
    setStatus('awaiting_approval');
    await audit('approval.requested', 'pending', {
      requestId, approvers: approval.approvers, quorum: approval.quorum, tier: approval.tier,
      excluded: plan.excludedApprovers, policyRevision: plan.policyRevision, actions: runnable.map((a) => a.actionId),
    });

    await awaitDecision({
      plan, requestId, state, pending: pendingDecisions, message,
      effects: {
        audit: (type, outcome, detail, actor) => audit(type, outcome, detail, actor),
        notifyRefused: (approver, reason) => reads.notifyRefusedDecision({ tenantId: input.tenantId, message, approver, reason }),
        nudge: (kind, approvers) => reads.nudgeApprovers({ tenantId: input.tenantId, message, kind, approvers, incidentNumber: plan.incident.number }),
      },
    });
    // Late clicks after the decision are recorded too, while the run is still open.
    setHandler(decideSignal, (late) => {
      state.refusedDecisions.push({ approver: late.approver, channel: late.channel, reason: 'already decided' });
    });

    const report = (status: RunStatus, detail: string) =>
      reads.finishApprovalMessage({ tenantId: input.tenantId, workflowId, message, plan, status, detail, decision: state.decision, writes: state.writes });

    if (!state.decision) {
      const detail = `no decision within ${approval.timeoutSeconds} s: the request expired and nothing was written`;
      await audit('approval.expired', 'expired', { requestId });
      await report('expired', detail);
      return finish('expired', detail);
    }
    const decision = state.decision;
    await audit(decision.decision === 'approve' ? 'approval.approved' : 'approval.denied', decision.decision,
      { requestId, channel: decision.channel, approvers: decision.approvers, reason: decision.reason ?? null }, decision.approver);
    if (decision.decision === 'deny') {
      const detail = `denied by ${decision.approver}: nothing was written`;
      await report('denied', detail);
      return finish('denied', detail);
    }

    setStatus('writing');
    // Take the buttons away at once, so nobody clicks while the writes run.
    await report('writing', `approved by ${decision.approver}; writing to ServiceNow…`);
    for (const action of runnable) {
      const result: ActionWriteResult = await writes.applyIncidentWrite({
        tenantId: input.tenantId, workflowId, runId, sysId: plan.incident.sysId, action, approver: decision.approver,
      });
      state.writes.push(result);
    }
    const conflicts = state.writes.flatMap((w) => w.fields.filter((f) => f.outcome === 'skipped_stale'));
    const shadow = state.writes.length > 0 && state.writes.every((w) => w.outcome === 'shadow');
    const status: RunStatus = conflicts.length ? 'completed_with_conflicts' : shadow ? 'shadow_completed' : 'completed';
    const approvedBy = decision.approvers.join(', ');
    const detail = conflicts.length
      ? `approved by ${approvedBy}; not overwritten because someone changed them after the approval was requested: ${conflicts.map((c) => c.field).join(', ')}`
      : shadow ? `approved by ${approvedBy}; shadow mode: the writes were recorded, not made`
        : `approved by ${approvedBy}; ServiceNow updated`;
    await audit('run.completed', status, { writes: state.writes.map((w) => ({ action: w.actionId, outcome: w.outcome })) });
    await report(status, detail);
    return finish(status, detail);
  } catch (err) {
    // Operators filter on GatehouseStatus = "failed"; the failure itself stays in the history.
    setStatus('failed', err instanceof Error ? err.message : String(err));
    await audit('run.failed', 'failed', { reason: state.detail ?? 'unknown' }).catch(() => undefined);
    throw err;
  }
}
