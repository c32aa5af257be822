/**
 * The triage run: validate → plan (read the authoritative incident, propose, check policy) →
 * ask in Slack and wait → write back → report. It returns a status instead of throwing on deny
 * or expiry, so the Temporal UI shows a completed run with a readable result.
 */
import { log, setHandler, workflowInfo } from '@temporalio/workflow';
import type { TriageInput, TriageResult } from '../triage/types';
import { seekApprovalAndWrite } from './approval-flow';
import { incidentChangedSignal } from './messages';
import { steps } from './run-activities';
import { recordFailure, startBookkeeping } from './run-bookkeeping';
import { runKey } from './triage-ids';
import { triggerSchema } from './trigger-schema';

export async function triageIncident(input: TriageInput): Promise<TriageResult> {
  const { workflowId, runId } = workflowInfo();
  const run = startBookkeeping({ tenantId: input.tenantId, tenantSlug: input.tenantSlug, incident: input.trigger.number ?? input.trigger.sysId });
  setHandler(incidentChangedSignal, (trigger) => {
    // The run re-reads the incident before every write, so a change only needs to be visible.
    log.info('incident changed while the run is open', { deliveryId: trigger.deliveryId, source: trigger.source });
  });

  try {
    const trigger = triggerSchema.safeParse(input.trigger);
    if (!trigger.success) {
      const reason = trigger.error.issues.map((i) => `${i.path.join('.') || 'trigger'}: ${i.message}`).join('; ');
      await run.audit('run.rejected', 'invalid_trigger', { reason });
      return run.finish('rejected', `invalid trigger: ${reason}`);
    }

    run.setStatus('planning');
    const plan = await steps.planTriage({ tenantId: input.tenantId, sysId: trigger.data.sysId, runKey: runKey(workflowId, runId) });
    run.state.plan = plan;
    run.setIncident(plan.incident.number);

    if (plan.actions.length === 0) {
      await run.audit('run.nothing_to_do', 'skipped', { rule: plan.ruleName ?? null });
      return run.finish('nothing_to_do', plan.ruleName ? 'the incident already matches its routing rule' : 'no routing rule matches this incident');
    }
    return await seekApprovalAndWrite(input.tenantId, plan, run);
  } catch (err) {
    await recordFailure(run, err);
    throw err;
  }
}
