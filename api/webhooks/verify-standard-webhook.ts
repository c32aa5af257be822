/**
 * Standard Webhooks verification in a fixed order that reveals nothing about tenants: header
 * presence and timestamp tolerance are checked first (the same for everyone), then the
 * signature — against the tenant's secret, or a throwaway one for an unknown route, so both
 * cases cost the same and answer the same.
 */
import { randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { HttpError } from '../http-error';

export interface WebhookHeaders {
  id: string;
  timestamp: string;
  signature: string;
}

const decoySecret = `whsec_${randomBytes(32).toString('base64')}`;

export function readWebhookHeaders(get: (name: string) => string | undefined): WebhookHeaders {
  const id = get('webhook-id');
  const timestamp = get('webhook-timestamp');
  const signature = get('webhook-signature');
  if (!id || !timestamp || !signature) {
    throw new HttpError(400, 'missing_signature_headers', 'webhook-id, webhook-timestamp and webhook-signature headers are required');
  }
  if (id.length > 200) throw new HttpError(400, 'invalid_webhook_id', 'webhook-id is too long');
  return { id, timestamp, signature };
}

export function checkTimestamp(timestamp: string, toleranceSeconds: number, nowMs: number): void {
  if (!/^\d{1,12}$/.test(timestamp)) throw new HttpError(400, 'invalid_timestamp', 'webhook-timestamp must be integer Unix seconds');
  const skew = Math.abs(nowMs / 1000 - Number(timestamp));
  if (skew > toleranceSeconds) {
    throw new HttpError(401, 'stale_timestamp', `webhook-timestamp is more than ${toleranceSeconds} s away from our clock`);
  }
}

export const invalidSignature = () => new HttpError(401, 'invalid_signature', 'signature verification failed');

/** Throws the uniform invalid_signature error unless `secret` signed the body. */
export function verifySignature(secret: string | undefined, rawBody: Buffer, headers: WebhookHeaders): void {
  try {
    new Webhook(secret ?? decoySecret).verify(rawBody.toString('utf8'), {
      'webhook-id': headers.id, 'webhook-timestamp': headers.timestamp, 'webhook-signature': headers.signature,
    });
  } catch (err) {
    // The library parses the body after the signature matched: a SyntaxError means signed but not JSON.
    if (err instanceof SyntaxError && secret !== undefined) {
      throw new HttpError(400, 'malformed_json', 'request body is not valid JSON');
    }
    if (err instanceof WebhookVerificationError || err instanceof Error) throw invalidSignature();
    throw err;
  }
  if (secret === undefined) throw invalidSignature();
}
