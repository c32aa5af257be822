/**
 * Sends a ServiceNow-style webhook signed with the Standard Webhooks scheme, as a business rule
 * would. The options forge what an attacker or a broken sender would send, for the tests.
 */
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** The route's answer: status and JSON body (`{ raw }` when the body is not JSON). */
export interface SentWebhook {
  status: number;
  body: Record<string, unknown>;
}

/** Signs `payload` with `secret` and POSTs it to `url`. */
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
