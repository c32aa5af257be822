/**
 * Schedules that keep Gatehouse's own tables in shape, one per namespace (not per tenant),
 * created or updated on every start: `gatehouse-prune-webhook-deliveries`, hourly, deletes replay
 * records past their retention. Visible and pausable in the Temporal UI like any Schedule.
 */
import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { pruneWebhookDeliveries } from '../workflows/prune-webhook-deliveries';
import { minimumRetentionSeconds, pruneDeliveriesWorkflowType } from '../workflows/prune-types';
import { upsertSchedule } from './upsert-schedule';

export const pruneDeliveriesScheduleId = 'gatehouse-prune-webhook-deliveries';
/** Default retention of the replay record: a week. */
export const defaultDeliveryRetentionSeconds = 7 * 86_400;

export function ensurePruneDeliveriesSchedule(client: Client, opts: { taskQueue: string; retentionSeconds: number }): Promise<'created' | 'updated'> {
  if (!Number.isInteger(opts.retentionSeconds) || opts.retentionSeconds < minimumRetentionSeconds) {
    throw new RangeError(`webhook delivery retention must be at least ${minimumRetentionSeconds} s (got ${opts.retentionSeconds})`);
  }
  return upsertSchedule<typeof pruneWebhookDeliveries>(client, pruneDeliveriesScheduleId, {
    spec: { intervals: [{ every: '1h' }] },
    action: {
      type: 'startWorkflow', workflowType: pruneDeliveriesWorkflowType, workflowId: pruneDeliveriesScheduleId,
      taskQueue: opts.taskQueue, args: [{ retentionSeconds: opts.retentionSeconds }],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
  }, { paused: false, note: `deletes webhook delivery records older than ${opts.retentionSeconds / 86_400} day(s)` }, { purpose: 'webhook replay-record retention' });
}
