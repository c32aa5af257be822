/**
 * Replay protection beyond the timestamp window: every accepted delivery id is recorded with
 * the SHA-256 of its body. The same id with the same body again is a sender's retry (answered
 * 200 "duplicate", processed no further); the same id with another body is refused (409).
 */
import type { Request } from 'express';
import type { Pool } from 'pg';
import { getDelivery } from '../../db/webhook-deliveries-repo';
import { auditRefusal, WebhookRejection, type RejectionAuditDeps, type RejectionContext } from './rejections';

/** An earlier acceptance of the same delivery. */
export interface Redelivery {
  workflowId: string | null;
}

/**
 * The earlier acceptance when this is a redelivery of the same body, undefined when the id is
 * new. Throws a `replay` refusal (409) when the id was accepted for a different body.
 * Deliveries recorded before bodies were digested (null digest) count as the same body.
 */
export async function findRedelivery(pool: Pool, tenantId: string, webhookId: string, digest: string): Promise<Redelivery | undefined> {
  const previous = await getDelivery(pool, tenantId, webhookId);
  if (!previous) return undefined;
  if (previous.bodyDigest !== null && previous.bodyDigest !== digest) {
    throw new WebhookRejection('replay', 409, 'webhook_id_reused', 'this webhook id was already accepted with a different body; send a new id for a new event', { reason: 'id_reused_with_other_body' });
  }
  return { workflowId: previous.workflowId };
}

/** Audits a redelivery as class `replay` (it is answered 200, but not processed again). */
export function auditRedelivery(deps: RejectionAuditDeps, req: Request, ctx: RejectionContext): Promise<void> {
  return auditRefusal(deps, req, ctx, {
    rejectionClass: 'replay', reason: 'redelivery', status: 200,
    message: 'redelivery of an accepted webhook id with the same body: acknowledged, not processed again',
  });
}
