/** The retention activity behind workflows/prune-webhook-deliveries.ts. */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { pruneDeliveries } from '../db/webhook-deliveries-repo';
import { minimumRetentionSeconds, type PruneDeliveriesInput, type PruneDeliveriesResult } from '../workflows/prune-types';
import type { ActivityDeps } from './deps';

const batchSize = 1000;

export function createPruneDeliveries(deps: Pick<ActivityDeps, 'pool' | 'logger'>) {
  return async function pruneWebhookDeliveries(input: PruneDeliveriesInput): Promise<PruneDeliveriesResult> {
    if (!Number.isInteger(input.retentionSeconds) || input.retentionSeconds < minimumRetentionSeconds) {
      // Shorter would let a captured request be replayed: refuse rather than delete too much.
      throw ApplicationFailure.create({
        type: 'Gatehouse.invalid_retention', nonRetryable: true,
        message: `retention must be a whole number of seconds, at least ${minimumRetentionSeconds} (got ${input.retentionSeconds})`,
      });
    }
    const olderThan = new Date(Date.now() - input.retentionSeconds * 1000);
    let deleted = 0;
    let batches = 0;
    for (;;) {
      const n = await pruneDeliveries(deps.pool, olderThan, batchSize);
      deleted += n;
      batches += 1;
      Context.current().heartbeat({ deleted });
      if (n < batchSize) break;
    }
    deps.logger.info({ deleted, olderThan: olderThan.toISOString() }, 'webhook deliveries pruned');
    return { deleted, olderThan: olderThan.toISOString(), batches };
  };
}
