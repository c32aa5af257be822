/**
 * Retention of the replay record (`webhook_deliveries`): started by the
 * `gatehouse-prune-webhook-deliveries` Schedule, it deletes deliveries older than the retention
 * period. Ids that old can no longer be replayed anyway — their timestamps are far outside the
 * tolerance window — so the record only has to outlive that window, with a wide margin.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { PruneDeliveriesInput, PruneDeliveriesResult } from './prune-types';

const acts = proxyActivities<Pick<Activities, 'pruneWebhookDeliveries'>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
});

export async function pruneWebhookDeliveries(input: PruneDeliveriesInput): Promise<PruneDeliveriesResult> {
  return acts.pruneWebhookDeliveries(input);
}
