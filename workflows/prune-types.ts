/** What the delivery-retention run and its activity exchange (types only, workflow-safe). */

/** The workflow type the retention Schedule starts. */
export const pruneDeliveriesWorkflowType = 'pruneWebhookDeliveries';

/** Shortest retention accepted: a day, far beyond any webhook timestamp tolerance window. */
export const minimumRetentionSeconds = 86_400;

export interface PruneDeliveriesInput {
  /** Deliveries received longer ago than this are deleted. */
  retentionSeconds: number;
}

export interface PruneDeliveriesResult {
  deleted: number;
  /** ISO time: deliveries received before it were deleted. */
  olderThan: string;
  batches: number;
}
