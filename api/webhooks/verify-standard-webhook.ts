/**
 * Standard Webhooks (wire reference §4): `webhook-id`, `webhook-timestamp` and
 * `webhook-signature` (`v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, several
 * space-separated during a key rotation). Verification accepts a LIST of secrets — the current
 * one and, during a rotation overlap, the previous one — and passes if any `v1` entry matches
 * any of them. With no secret (unknown route) it does the same work against a decoy key, so
 * both cases cost the same and answer the same.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { WebhookRejection } from './rejections';

/** The three Standard Webhooks headers. */
export interface WebhookHeaders {
  id: string;
  timestamp: string;
  signature: string;
}

/** Longest webhook-id kept (the sender's retries reuse it; it is our idempotency key). */
const MAX_ID_LENGTH = 200;
/** Signature entries looked at; a sender rotating keys sends two or three, not hundreds. */
const MAX_SIGNATURES = 10;

const decoyKey = randomBytes(32);

/** Reads the headers; missing or oversized ones are a `signature` refusal (400). */
export function readWebhookHeaders(get: (name: string) => string | undefined): WebhookHeaders {
  const id = get('webhook-id');
  const timestamp = get('webhook-timestamp');
  const signature = get('webhook-signature');
  if (!id || !timestamp || !signature) {
    throw new WebhookRejection('signature', 400, 'missing_signature_headers', 'webhook-id, webhook-timestamp and webhook-signature headers are required');
  }
  if (id.length > MAX_ID_LENGTH) throw new WebhookRejection('signature', 400, 'invalid_webhook_id', `webhook-id is longer than ${MAX_ID_LENGTH} characters`);
  return { id, timestamp, signature };
}

/**
 * Refuses a timestamp outside ±`toleranceSeconds` of `nowMs`: a captured request replayed
 * after the window fails here (class `replay`), before any tenant lookup.
 */
export function checkTimestamp(timestamp: string, toleranceSeconds: number, nowMs: number, header = 'webhook-timestamp'): void {
  if (!/^\d{1,12}$/.test(timestamp)) throw new WebhookRejection('signature', 400, 'invalid_timestamp', `${header} must be integer Unix seconds`);
  const skew = Math.abs(nowMs / 1000 - Number(timestamp));
  if (skew > toleranceSeconds) {
    throw new WebhookRejection('replay', 401, 'stale_timestamp', `${header} is more than ${toleranceSeconds} s away from our clock`, { reason: 'outside_tolerance_window' });
  }
}

/** The signing key of a `whsec_<base64>` secret (the prefix is optional, as in the libraries). */
export function standardWebhookKey(secret: string): Buffer {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  if (key.length === 0) throw new Error('Standard Webhooks secret is empty or not base64');
  return key;
}

/** The `v1,<base64>` signature of a message, over the exact body bytes. */
export function signStandardWebhook(key: Buffer, headers: Pick<WebhookHeaders, 'id' | 'timestamp'>, rawBody: Buffer): string {
  const mac = createHmac('sha256', key).update(`${headers.id}.${headers.timestamp}.`, 'utf8').update(rawBody).digest('base64');
  return `v1,${mac}`;
}

/**
 * True when a `v1` entry of the signature header was made with one of `secrets`. An empty list
 * (unknown route) is checked against the decoy key and is always false.
 */
export function verifyStandardSignature(secrets: readonly string[], rawBody: Buffer, headers: WebhookHeaders): boolean {
  const keys = secrets.length > 0 ? secrets.map(standardWebhookKey) : [decoyKey];
  const offered = headers.signature.split(' ').slice(0, MAX_SIGNATURES).filter((s) => s.startsWith('v1,')).map((s) => Buffer.from(s, 'utf8'));
  let matched = false;
  for (const key of keys) {
    const expected = Buffer.from(signStandardWebhook(key, headers, rawBody), 'utf8');
    // No early exit: every candidate is compared, so the time does not depend on which matched.
    for (const candidate of offered) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
    }
  }
  return matched && secrets.length > 0;
}
