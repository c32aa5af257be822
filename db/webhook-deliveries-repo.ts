/** Webhook deliveries seen per tenant: the replay/dedupe record behind "process each webhook once". */
import { isUuid, type Queryable } from './queryable';

/** A recorded delivery. */
export interface WebhookDelivery {
  tenantId: string;
  webhookId: string;
  receivedAt: Date;
  /** The run it started, or null when it started none (e.g. ignored as an echo). */
  workflowId: string | null;
  /**
   * SHA-256 (hex) of the body accepted under this id, so a redelivery of the same body can be
   * told apart from another body reusing the id; null for deliveries recorded without one.
   */
  bodyDigest: string | null;
}

/**
 * Records a delivery. Exactly one of any number of concurrent calls for the same
 * (tenantId, webhookId) gets 'new' (INSERT ... ON CONFLICT DO NOTHING is atomic); the others,
 * and every later call, get 'duplicate'. A duplicate does not change the stored record.
 */
export async function recordDelivery(
  db: Queryable,
  delivery: { tenantId: string; webhookId: string; workflowId: string | null; bodyDigest?: string | null },
): Promise<'new' | 'duplicate'> {
  const { rowCount } = await db.query(
    `INSERT INTO webhook_deliveries (tenant_id, webhook_id, workflow_id, body_sha256) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, webhook_id) DO NOTHING`,
    [delivery.tenantId, delivery.webhookId, delivery.workflowId, delivery.bodyDigest ?? null],
  );
  return rowCount === 1 ? 'new' : 'duplicate';
}

/** The recorded delivery, or undefined. */
export async function getDelivery(db: Queryable, tenantId: string, webhookId: string): Promise<WebhookDelivery | undefined> {
  if (!isUuid(tenantId)) return undefined;
  const { rows } = await db.query<{ tenant_id: string; webhook_id: string; received_at: Date; workflow_id: string | null; body_sha256: string | null }>(
    'SELECT tenant_id, webhook_id, received_at, workflow_id, body_sha256 FROM webhook_deliveries WHERE tenant_id = $1 AND webhook_id = $2',
    [tenantId, webhookId],
  );
  const row = rows[0];
  return row
    ? { tenantId: row.tenant_id, webhookId: row.webhook_id, receivedAt: row.received_at, workflowId: row.workflow_id, bodyDigest: row.body_sha256 }
    : undefined;
}

/**
 * Deletes up to `batchSize` deliveries received before `olderThan`, oldest first; returns how
 * many went. Callers loop until it returns less than the batch, so no single statement holds
 * locks on a large table for long.
 */
export async function pruneDeliveries(db: Queryable, olderThan: Date, batchSize = 1000): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM webhook_deliveries WHERE (tenant_id, webhook_id) IN (
       SELECT tenant_id, webhook_id FROM webhook_deliveries WHERE received_at < $1 ORDER BY received_at LIMIT $2)`,
    [olderThan, batchSize],
  );
  return rowCount ?? 0;
}
