/**
 * Example approval workflow: resolve a ServiceNow incident once a person agrees. One call does
 * it all — schema check, policy, the Slack approval (context, diff, quorum, no self-approval,
 * expiry), the idempotent write with prior values recorded, the outcome in Slack.
 *
 * Start it with `startApprovalRun(client, { workflowType: 'resolveIncidentAfterApproval', … })`
 * (runs/start-approval-run.ts) or the Temporal CLI with the id `run:<tenant>:resolveIncidentAfterApproval:<key>`.
 */
import type { resolveIncident } from '../../connectors/servicenow/actions/resolve-incident';
import { approvalRun, type ApprovalRunInput, type PlanOutcome } from '../sdk/approval-run';

export interface ResolveIncidentInput extends ApprovalRunInput {
  sysId: string;
  closeCode: string;
  closeNotes: string;
  /** Why it should be resolved, shown to approvers. */
  reason: string;
}

export async function resolveIncidentAfterApproval(input: ResolveIncidentInput): Promise<PlanOutcome> {
  const run = approvalRun(input, input.sysId);
  return run.guard(async () => run.result(await run.action<typeof resolveIncident>('servicenow.incident.resolve',
    { sysId: input.sysId, closeCode: input.closeCode, closeNotes: input.closeNotes },
    { purpose: 'resolution', reason: input.reason })));
}
