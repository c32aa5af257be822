/**
 * The body a ServiceNow business rule sends (see docs/servicenow-webhook.md). Only `table` and
 * `sys_id` are required; the rest helps dedupe and echo suppression. The workflow never writes
 * from these values: it re-reads the incident. Text that cannot be stored (NUL, unpaired
 * surrogates) never gets this far: parseJsonBody refuses it for every route.
 */
import { z } from 'zod';

/** A modification count: ServiceNow sends it as a string, a hand-written rule may send a number. */
const modCount = z.union([
  z.string().regex(/^\d{1,12}$/, 'sys_mod_count must be a whole number'),
  z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
]).transform(String);

/** An incident event as Gatehouse reads it; unknown fields are dropped. */
export const serviceNowWebhookSchema = z.object({
  table: z.literal('incident', { message: 'only the incident table is supported' }),
  sys_id: z.string().regex(/^[0-9a-f]{32}$/, 'sys_id must be 32 lowercase hex characters'),
  number: z.string().max(40).optional(),
  event: z.enum(['created', 'updated', 'inserted', 'insert', 'update']).optional(),
  sys_updated_on: z.string().max(40).optional(),
  sys_mod_count: modCount.optional(),
  sys_updated_by: z.string().max(200).optional(),
});

/** A validated incident event. */
export type ServiceNowWebhook = z.infer<typeof serviceNowWebhookSchema>;
