/**
 * Starts the revert of one closed triage run, after checking there is something to revert.
 * One revert per incident at a time (deterministic id); a later revert of a later triage
 * reuses the id once the earlier revert has closed.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { getTenantBySlug } from '../db/tenants-repo';
import type { Queryable } from '../db/queryable';
import { listWrites } from '../db/write-log-repo';
import { incidentKey, statusKey, tenantKey } from '../temporal/search-attributes';
import { revertibleWrites } from '../triage/propose-revert';
import type { RevertInput } from '../triage/types';
import { revertWorkflowType } from '../workflows/messages';
import type { revertTriageRun } from '../workflows/revert-triage-run';
import { parseRunWorkflowId, revertWorkflowId } from '../workflows/triage-ids';
import { RunRefusedError } from './errors';

/** What to revert, and who asks why. */
export interface RevertRequest {
  triageWorkflowId: string;
  /** A particular run of that id; the latest run when absent. */
  triageRunId?: string;
  requestedBy: string;
  /** The requester's approver id (Slack user id) when `requestedBy` is not one (console accounts). */
  requesterApproverId?: string;
  reason: string;
}

/**
 * Starts the revert run of `request.triageWorkflowId`.
 * @throws RunRefusedError when there is no such run, it is not a triage run, it is still open,
 * it wrote nothing revertible, or a revert of the incident is already open.
 */
export async function startRevert(
  deps: { temporal: Client; taskQueue: string; pool: Queryable },
  request: RevertRequest,
): Promise<{ workflowId: string; triageRunId: string }> {
  const notFound = new RunRefusedError('run_not_found', `no run with id ${request.triageWorkflowId}`);
  const parts = parseRunWorkflowId(request.triageWorkflowId);
  if (!parts) throw notFound;
  if (parts.kind !== 'triage') throw new RunRefusedError('not_a_triage_run', 'only a triage run can be reverted; to undo a revert, triage the incident again');
  const tenant = await getTenantBySlug(deps.pool, parts.tenantSlug);
  if (!tenant) throw notFound;

  let description;
  try {
    description = await deps.temporal.workflow.getHandle(request.triageWorkflowId, request.triageRunId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notFound;
    throw err;
  }
  if (description.status.name === 'RUNNING') {
    throw new RunRefusedError('run_open', 'this triage run is still open: decide it or let it expire, then revert what it wrote');
  }
  const triageRunId = description.runId;
  const written = revertibleWrites(await listWrites(deps.pool, { tenantId: tenant.id, workflowId: request.triageWorkflowId, runId: triageRunId }));
  if (written.length === 0) {
    throw new RunRefusedError('nothing_to_revert', 'this triage run changed no incident fields (denied, expired, shadow mode or nothing to do)');
  }

  const workflowId = revertWorkflowId(tenant.slug, parts.sysId);
  const input: RevertInput = {
    tenantId: tenant.id, tenantSlug: tenant.slug, sysId: parts.sysId,
    target: {
      workflowId: request.triageWorkflowId, runId: triageRunId, requestedBy: request.requestedBy, reason: request.reason,
      ...(request.requesterApproverId ? { requesterApproverId: request.requesterApproverId } : {}),
    },
  };
  try {
    await deps.temporal.workflow.start<typeof revertTriageRun>(revertWorkflowType, {
      workflowId, taskQueue: deps.taskQueue, args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      typedSearchAttributes: [
        { key: tenantKey, value: tenant.slug },
        { key: incidentKey, value: parts.sysId },
        { key: statusKey, value: 'received' },
      ],
      memo: { incidentSysId: parts.sysId, reverts: `${request.triageWorkflowId}/${triageRunId}` },
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new RunRefusedError('revert_in_progress', `a revert of this incident is already open: ${workflowId}`);
    }
    throw err;
  }
  return { workflowId, triageRunId };
}
