/**
 * Starts the triage run for an incident, or signals it when it is already open. Idempotent by
 * the deterministic workflow id, so concurrent duplicates and the poller coalesce into one run.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { incidentKey, statusKey, tenantKey } from '../temporal/search-attributes';
import type { TriageTrigger } from '../triage/types';
import { incidentChangedSignal } from '../workflows/messages';
import { triageWorkflowId } from '../workflows/triage-ids';
import type { triageIncident } from '../workflows/triage-incident';

/** Whether the event reached a run (new or open), or the incident's run had already finished. */
export type StartOutcome = 'started_or_signalled' | 'already_handled';

/** Starts the incident's triage run with `trigger`, or hands `trigger` to the open one. */
export async function startOrSignalTriage(
  temporal: Client,
  taskQueue: string,
  tenant: { id: string; slug: string },
  trigger: TriageTrigger,
): Promise<{ workflowId: string; outcome: StartOutcome }> {
  const workflowId = triageWorkflowId(tenant.slug, trigger.sysId);
  try {
    await temporal.workflow.signalWithStart<typeof triageIncident, [TriageTrigger]>('triageIncident', {
      workflowId,
      taskQueue,
      args: [{ tenantId: tenant.id, tenantSlug: tenant.slug, trigger }],
      signal: incidentChangedSignal,
      signalArgs: [trigger],
      // A failed run may be retried by a later event; a finished triage is not redone.
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      typedSearchAttributes: [
        { key: tenantKey, value: tenant.slug },
        { key: incidentKey, value: trigger.number ?? trigger.sysId },
        { key: statusKey, value: 'received' },
      ],
      memo: { incidentSysId: trigger.sysId, source: trigger.source },
    });
    return { workflowId, outcome: 'started_or_signalled' };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, outcome: 'already_handled' };
    throw err;
  }
}
