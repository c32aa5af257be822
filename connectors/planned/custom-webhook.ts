/**
 * Planned: custom webhooks and n8n. Inbound events are accepted only with a valid Standard
 * Webhooks signature; outbound payloads are sent only after an approval, signed the same way.
 * The "scopes" are Gatehouse's own capabilities: a webhook has no provider-side scopes.
 */
import { z } from 'zod';
import { defineAction, defineConnector } from '../framework/define-connector';

const scope = { receive: 'webhook:receive', send: 'webhook:send' } as const;
const eventType = z.string().regex(/^[a-z0-9_.-]{1,100}$/).describe('Event type, e.g. order.created');
const webhookId = z.string().min(1).max(255).describe('webhook-id header: the delivery id used for deduplication');
const payload = z.record(z.string(), z.json()).describe('JSON object payload');

/** The planned custom webhook / n8n connector. */
export const customWebhookConnector = defineConnector({
  connectorId: 'custom_webhook',
  name: 'Custom webhook / n8n',
  description: 'Starts runs from signed events sent by n8n or any system, and sends approved payloads to one configured endpoint.',
  category: 'automation_webhooks',
  version: '0.1.0',
  status: 'planned',
  authType: 'webhook_secret',
  permissionsRequested: ['connector_read', 'connector_external_write', 'connector_secret_management'],
  riskLevel: 'high',
  scopes: [scope.receive, scope.send],
  actions: [
    defineAction({
      actionId: 'custom_webhook.events.receive',
      name: 'Receive signed event',
      description: 'Accepts an inbound event: Standard Webhooks signature and timestamp (5 minute tolerance) checked, payload validated, webhook-id deduplicated. Unsigned or replayed events are rejected and audited.',
      kind: 'read',
      input: z.strictObject({ webhookId, timestamp: z.number().int().describe('webhook-timestamp, Unix seconds'), type: eventType, data: payload }),
      output: z.strictObject({ accepted: z.boolean(), duplicate: z.boolean() }),
      approvalGate: 'read_only',
      riskLevel: 'low',
      auditRequired: true,
      scopes: [scope.receive],
      idempotency: 'not_applicable',
      sampleInput: { webhookId: 'msg_smoke_test', timestamp: 1700000000, type: 'gatehouse.smoke_test', data: {} },
    }),
    defineAction({
      actionId: 'custom_webhook.payloads.send',
      name: 'Send approved payload',
      description: 'POSTs a payload an approver saw to the tenant\'s configured endpoint (https, public address), signed with the outbound secret; the webhook-id lets the receiver drop duplicates.',
      kind: 'write',
      input: z.strictObject({ type: eventType, data: payload, idempotencyKey: webhookId }),
      output: z.strictObject({ status: z.number().int().min(100).max(599), deliveredAt: z.string() }),
      approvalGate: 'external_write',
      riskLevel: 'high',
      auditRequired: true,
      scopes: [scope.send],
      idempotency: 'required',
      reversal: {
        reversible: false,
        compensatingActionId: 'custom_webhook.payloads.send',
        procedure: 'Gatehouse cannot undo what the receiver did: send a correcting payload (approved like the original); the receiving flow must document how it is handled.',
      },
    }),
  ],
  healthcheck: {
    description: 'Sends a signed gatehouse.ping event to the configured endpoint and expects a 2xx; inbound, the tenant sends a signed test event and sees it accepted.',
  },
  disconnectPolicy: {
    revokeAtProvider: false,
    deleteCredentials: true,
    deleteCachedData: true,
    description: 'Gatehouse deletes the inbound and outbound secrets and disables the route token, so further events are rejected. The sender must remove the webhook on its side. Nothing is cached.',
  },
  dataRetentionPolicy: {
    retainedData: ['webhook-ids of received events (replay protection)', 'types and delivery results of sent payloads (audit)'],
    retentionDays: null,
    description: 'Payloads are not stored outside run history. Delivery ids and audit records are kept for the life of the tenant.',
  },
  implementationFiles: ['connectors/planned/custom-webhook.ts'],
});
