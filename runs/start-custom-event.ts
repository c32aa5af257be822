/**
 * Starts the workflow a custom-webhook delivery asks for, exactly once per webhook id: the
 * workflow id is derived from tenant and webhook id and may never be reused, so concurrent
 * duplicates, and a retry after a crash between start and delivery record, coalesce.
 */
import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { tenantKey } from '../temporal/search-attributes';
import type { customWebhookEvent, CustomWebhookEventInput } from '../workflows/custom-webhook-event';

/** The workflows a custom webhook may start, by the name a tenant configures. */
export type CustomEventWorkflowType = 'customEvent';

/** Temporal workflow type per configured `workflowType`. */
const workflowTypes: Record<CustomEventWorkflowType, string> = { customEvent: 'customWebhookEvent' };

/** `custom-<tenant>-<webhook id>`, readable when the id is tame, else a digest of it. */
export function customEventWorkflowId(tenantSlug: string, webhookId: string): string {
  const part = /^[A-Za-z0-9_.:-]{1,100}$/.test(webhookId) ? webhookId : `h${createHash('sha256').update(webhookId).digest('hex').slice(0, 32)}`;
  return `custom-${tenantSlug}-${part}`;
}

/** Starts the run; `already_started` when this webhook id already has one. */
export async function startCustomEvent(
  temporal: Client, taskQueue: string, config: { workflowType: CustomEventWorkflowType }, input: CustomWebhookEventInput,
): Promise<{ workflowId: string; outcome: 'started' | 'already_started' }> {
  const workflowId = customEventWorkflowId(input.tenantSlug, input.webhookId);
  try {
    await temporal.workflow.start<typeof customWebhookEvent>(workflowTypes[config.workflowType], {
      workflowId, taskQueue, args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [{ key: tenantKey, value: input.tenantSlug }],
      memo: { webhookId: input.webhookId, source: 'custom-webhook' },
    });
    return { workflowId, outcome: 'started' };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, outcome: 'already_started' };
    throw err;
  }
}
