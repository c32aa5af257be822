/**
 * The workflow a custom-webhook delivery starts (the `customEvent` workflow type of
 * api/webhooks/custom-webhook-config.ts). It records the event in the tenant's audit trail —
 * its shape, not its content — and returns a summary; richer handling builds on it.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';

/** What the API starts the workflow with: the verified, validated payload and where it came from. */
export interface CustomWebhookEventInput {
  tenantId: string;
  tenantSlug: string;
  /** The sender's webhook-id. */
  webhookId: string;
  /** The payload, already checked against the tenant's required fields. */
  payload: Record<string, unknown>;
  requiredFields: string[];
}

/** The run's result. */
export interface CustomWebhookEventSummary {
  webhookId: string;
  fieldCount: number;
  /** Top-level field names (sorted, at most 50). */
  fields: string[];
  requiredFields: string[];
}

const acts = proxyActivities<Pick<Activities, 'recordAudit'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

/** Records a custom-webhook event and returns its summary. */
export async function customWebhookEvent(input: CustomWebhookEventInput): Promise<CustomWebhookEventSummary> {
  const fields = Object.keys(input.payload).sort();
  const summary: CustomWebhookEventSummary = {
    webhookId: input.webhookId,
    fieldCount: fields.length,
    fields: fields.slice(0, 50).map((f) => f.slice(0, 64)),
    requiredFields: input.requiredFields,
  };
  await acts.recordAudit({
    tenantId: input.tenantId, workflowId: workflowInfo().workflowId, type: 'custom_webhook.processed',
    outcome: 'recorded', actor: 'webhook:custom', detail: { ...summary },
  });
  return summary;
}
