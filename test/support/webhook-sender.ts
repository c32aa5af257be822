/** Sends a ServiceNow-style webhook signed with the Standard Webhooks scheme, as a business rule would. */
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export interface SentWebhook {
  status: number;
  body: Record<string, unknown>;
}

export async function sendWebhook(
  url: string,
  secret: string,
  payload: unknown,
  opts: { webhookId?: string; timestamp?: Date; contentType?: string; rawBody?: string; signatureOverride?: string } = {},
): Promise<SentWebhook> {
  const id = opts.webhookId ?? `msg_${randomUUID()}`;
  const at = opts.timestamp ?? new Date();
  const body = opts.rawBody ?? JSON.stringify(payload);
  const signature = opts.signatureOverride ?? new Webhook(secret).sign(id, at, body);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': opts.contentType ?? 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
    },
    body,
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: response.status, body: parsed };
}
