/**
 * The custom-webhook connector's configuration per tenant, stored as JSON. The repository does
 * not interpret it: the API validates it on the way in and again on the way out.
 */
import { isUuid, type Queryable } from './queryable';

/** Stores (or replaces) a tenant's custom-webhook configuration. */
export async function putCustomWebhookConfig(db: Queryable, tenantId: string, config: Record<string, unknown>): Promise<void> {
  await db.query(
    `INSERT INTO custom_webhook_configs (tenant_id, config, updated_at) VALUES ($1, $2::jsonb, now())
     ON CONFLICT (tenant_id) DO UPDATE SET config = EXCLUDED.config, updated_at = now()`,
    [tenantId, JSON.stringify(config)],
  );
}

/** A tenant's stored configuration as raw JSON, or undefined when it has none. */
export async function getCustomWebhookConfig(db: Queryable, tenantId: string): Promise<unknown> {
  if (!isUuid(tenantId)) return undefined;
  const { rows } = await db.query<{ config: unknown }>('SELECT config FROM custom_webhook_configs WHERE tenant_id = $1', [tenantId]);
  return rows[0]?.config;
}
