/**
 * The body a ServiceNow business rule sends (see docs/servicenow-webhook.md). Only `table` and
 * `sys_id` are required; the rest helps dedupe and echo suppression. The workflow never writes
 * from these values: it re-reads the incident.
 */
import { z } from 'zod';

const stringish = z.union([z.string(), z.number()]).transform(String);

export const serviceNowWebhookSchema = z.object({
  table: z.literal('incident', { message: 'only the incident table is supported' }),
  sys_id: z.string().regex(/^[0-9a-f]{32}$/, 'sys_id must be 32 lowercase hex characters'),
  number: z.string().max(40).optional(),
  event: z.enum(['created', 'updated', 'inserted', 'insert', 'update']).optional(),
  sys_updated_on: z.string().max(40).optional(),
  sys_mod_count: stringish.optional(),
  sys_updated_by: z.string().max(200).optional(),
});

export type ServiceNowWebhook = z.infer<typeof serviceNowWebhookSchema>;
