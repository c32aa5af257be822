/**
 * An install review decision, from the admin API or the console: refused at once when the
 * install's row says it cannot be taken (not waiting for review, or the requester approving
 * their own install — on the record), otherwise signalled to the install run, which judges it.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { appendAudit } from '../../db/audit-repo';
import { getInstall } from '../../db/installs-repo';
import type { TenantContext } from '../../tenancy/tenant-context';
import { installWorkflowId, reviewInstallSignal } from '../../workflows/install-messages';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';
import { installReviewRefusal } from './install-review-refusal';
import { checkRequestedActions } from './start-install-review';

/** A decision without its reviewer (the admin API names one; the console's is the signed-in account). */
export const reviewDecisionSchema = z.object({
  decision: z.enum(['approve', 'reject']),
  enableActions: z.array(z.string().min(1).max(200)).max(500).optional(),
  reason: z.string().max(1000).optional(),
  acceptBroaderScopes: z.boolean().optional(),
});
export type ReviewDecision = z.infer<typeof reviewDecisionSchema> & { reviewer: string };

export async function submitInstallReview(deps: ApiDeps, tenant: Pick<TenantContext, 'id' | 'slug'>, connectorId: string, review: ReviewDecision, channel: 'api' | 'console'): Promise<void> {
  const install = await getInstall(deps.pool, tenant.id, connectorId);
  const refusal = installReviewRefusal(connectorId, install, review);
  if (refusal?.code === 'self_review') {
    // A requester approving their own install is a separation-of-duties attempt: on the record.
    await appendAudit(deps.pool, {
      tenantId: tenant.id, workflowId: install?.workflowId ?? null, type: 'connector.install_review_refused', outcome: 'refused',
      actor: review.reviewer, detail: { connectorId, reason: 'self-approval', channel },
    });
  }
  if (refusal) throw refusal;
  checkRequestedActions(deps, connectorId, review.enableActions);
  try {
    await deps.temporal.workflow.getHandle(installWorkflowId(tenant.slug, connectorId)).signal(reviewInstallSignal, review);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new HttpError(404, 'install_not_found', 'no install is waiting for review');
    throw err;
  }
}
