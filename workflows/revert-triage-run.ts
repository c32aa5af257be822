/**
 * The revert run: undoes one closed triage run's ServiceNow writes, through the same approval
 * as any other write (policy, Slack request, quorum, no self-approval — and not by the person
 * who asked for the revert). Fields changed by someone since the triage are left alone.
 */
import { workflowInfo } from '@temporalio/workflow';
import type { RevertInput, TriageResult } from '../triage/types';
import { seekApprovalAndWrite } from './approval-flow';
import { steps } from './run-activities';
import { recordFailure, startBookkeeping } from './run-bookkeeping';
import { runKey } from './triage-ids';

export async function revertTriageRun(input: RevertInput): Promise<TriageResult> {
  const { workflowId, runId } = workflowInfo();
  const run = startBookkeeping({ tenantId: input.tenantId, tenantSlug: input.tenantSlug, incident: input.sysId });
  try {
    await run.audit('revert.requested', 'pending', {
      triageWorkflowId: input.target.workflowId, triageRunId: input.target.runId, reason: input.target.reason,
    }, input.target.requestedBy);
    run.setStatus('planning');
    const plan = await steps.planRevert({ tenantId: input.tenantId, sysId: input.sysId, target: input.target, runKey: runKey(workflowId, runId) });
    run.state.plan = plan;
    run.setIncident(plan.incident.number);

    if (plan.actions.length === 0) {
      const leftAlone = plan.leftAlone ?? [];
      await run.audit('run.nothing_to_do', 'skipped', { leftAlone });
      const detail = leftAlone.length
        ? `nothing to put back: ${leftAlone.map((f) => `${f.field} ${f.reason === 'already_reverted' ? 'already holds its earlier value' : 'was changed since the triage'}`).join('; ')}`
        : 'nothing to put back: the triage run wrote no fields';
      return run.finish('nothing_to_do', detail);
    }
    return await seekApprovalAndWrite(input.tenantId, plan, run);
  } catch (err) {
    await recordFailure(run, err);
    throw err;
  }
}
