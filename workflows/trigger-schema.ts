/** The trigger as the workflow accepts it: checked again here, since signals and starts can come from anywhere. */
import { z } from 'zod';

export const triggerSchema = z.object({
  table: z.literal('incident'),
  sysId: z.string().regex(/^[0-9a-f]{32}$/, 'sys_id must be 32 lowercase hex characters'),
  number: z.string().max(40).optional(),
  event: z.string().max(40).optional(),
  sysUpdatedOn: z.string().max(40).optional(),
  sysModCount: z.string().max(20).optional(),
  sysUpdatedBy: z.string().max(200).optional(),
  deliveryId: z.string().min(1).max(200),
  source: z.enum(['webhook', 'reconciliation', 'api']),
});
