/**
 * The generic custom-webhook connector's per-tenant configuration — which workflow a verified
 * delivery starts and which top-level payload fields it must carry — and the payload schema
 * built from it. Deliberately small: anything that can send a signed JSON POST (n8n, Zapier,
 * Make, a script) can drive it.
 */
import type { Pool } from 'pg';
import { z } from 'zod';
import { getCustomWebhookConfig } from '../../db/custom-webhook-configs-repo';

/** A top-level JSON field name the payload must carry. */
const fieldNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'a field name: a letter or underscore, then up to 63 letters, digits, "_" or "-"');

/** The stored configuration, validated on every write and read. */
export const customWebhookConfigSchema = z.strictObject({
  /** The workflow a delivery starts; `customEvent` is the only one so far (workflows/custom-webhook-event.ts). */
  workflowType: z.literal('customEvent'),
  /** Top-level fields that must be present and not null. */
  requiredFields: z.array(fieldNameSchema).max(50).refine((f) => new Set(f).size === f.length, 'requiredFields must not repeat a name').default([]),
});

/** A tenant's custom-webhook configuration. */
export type CustomWebhookConfig = z.infer<typeof customWebhookConfigSchema>;

/** What a tenant without a stored configuration gets: any JSON object starts `customEvent`. */
export const DEFAULT_CUSTOM_WEBHOOK_CONFIG: Readonly<CustomWebhookConfig> = Object.freeze({ workflowType: 'customEvent', requiredFields: [] });

/** The tenant's configuration, or the default. Throws if the stored one no longer validates (a bug, answered 500). */
export async function loadCustomWebhookConfig(pool: Pool, tenantId: string): Promise<CustomWebhookConfig> {
  const stored = await getCustomWebhookConfig(pool, tenantId);
  return stored === undefined ? { ...DEFAULT_CUSTOM_WEBHOOK_CONFIG, requiredFields: [] } : customWebhookConfigSchema.parse(stored);
}

const present = z.custom<unknown>((value) => value !== undefined && value !== null, { message: 'required field is missing or null' });

/** A JSON object carrying every required field (other fields pass through unchanged). */
export function customPayloadSchema(config: CustomWebhookConfig): z.ZodType<Record<string, unknown>> {
  return z.looseObject(Object.fromEntries(config.requiredFields.map((field) => [field, present])));
}
