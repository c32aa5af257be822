/**
 * Starts a connector's install review run and records the pending install: shared by installs
 * with pasted credentials (marketplace-routes.ts) and installs authorised through OAuth
 * (api/oauth/), which add what the provider granted to the install's detail.
 */
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { upsertPendingInstall, updateInstall } from '../../db/installs-repo';
import type { ScopeDrift } from '../../credentials/scope-drift';
import type { TenantContext } from '../../tenancy/tenant-context';
import { installWorkflowId } from '../../workflows/install-messages';
import type { installConnector } from '../../workflows/install-connector';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';

export interface InstallReviewRequest {
  connectorId: string;
  manifestVersion: string;
  requestedBy: string;
  reviewTimeoutSeconds: number;
  config: Record<string, unknown>;
  credentialNames: string[];
  /** What the provider granted against the manifest (installs authorised through OAuth). */
  scopeDrift?: ScopeDrift;
  /** The actions the requester chose to enable (the reviewer's default); absent: all the policy allows. */
  requestedActions?: string[];
}

/** Refuses action ids the connector's verified manifest does not declare, before anything starts. */
export function checkRequestedActions(deps: ApiDeps, connectorId: string, requested: readonly string[] | undefined): void {
  if (!requested) return;
  const declared = new Set(deps.registry.get(connectorId).manifest.actions.map((a) => a.actionId));
  const unknown = requested.filter((a) => !declared.has(a));
  if (unknown.length) throw new HttpError(422, 'unknown_action', `${connectorId} declares no action ${unknown.join(', ')}`);
}

export async function startInstallReview(deps: ApiDeps, tenant: TenantContext, request: InstallReviewRequest): Promise<string> {
  const workflowId = installWorkflowId(tenant.slug, request.connectorId);
  try {
    await deps.temporal.workflow.start<typeof installConnector>('installConnector', {
      workflowId, taskQueue: deps.taskQueue,
      args: [{ tenantId: tenant.id, tenantSlug: tenant.slug, connectorId: request.connectorId, requestedBy: request.requestedBy, reviewTimeoutSeconds: request.reviewTimeoutSeconds,
        ...(request.scopeDrift ? { scopeDrift: request.scopeDrift } : {}),
        ...(request.requestedActions ? { requestedActions: request.requestedActions } : {}) }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new HttpError(409, 'install_in_progress', `an install of ${request.connectorId} is already waiting for review`);
    throw err;
  }
  // After the start: a second request while a review is open must not rewrite who asked.
  await upsertPendingInstall(deps.pool, {
    tenantId: tenant.id, connectorId: request.connectorId, manifestVersion: request.manifestVersion,
    config: request.config, credentialNames: request.credentialNames, requestedBy: request.requestedBy, workflowId,
  });
  if (request.scopeDrift || request.requestedActions) {
    await updateInstall(deps.pool, tenant.id, request.connectorId, { status: 'pending_review', detail: {
      ...(request.scopeDrift ? { scopeDrift: request.scopeDrift } : {}),
      ...(request.requestedActions ? { requestedActions: request.requestedActions } : {}),
    } });
  }
  return workflowId;
}
