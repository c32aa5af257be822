/**
 * The raw body of an inbound webhook: read as bytes (signatures cover the exact bytes sent),
 * capped in size, required to be JSON, and parsed only after the signature verified — into
 * values every later step can store (see storable-json.ts).
 */
import { createHash } from 'node:crypto';
import express, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { auditRefusal, WebhookRejection, type RejectionAuditDeps } from './rejections';
import { unstorableJson } from './storable-json';

/** Reads the body as a Buffer whatever its content type, refusing it above `limit` (e.g. '256kb'). */
export function rawBody(limit: string): RequestHandler {
  return express.raw({ type: () => true, limit });
}

/**
 * Audits the body parser's size refusal (it runs before the handler, so the handler never sees
 * it) as class `size`, then lets the app's error handler answer 413.
 */
export function auditOversizedBody(deps: RejectionAuditDeps, connector: string, webhookIdHeader?: string): ErrorRequestHandler {
  return (err: unknown, req, _res, next) => {
    if ((err as { type?: unknown } | null)?.type !== 'entity.too.large') {
      next(err);
      return;
    }
    const refusal = new WebhookRejection('size', 413, 'payload_too_large', 'body over the size limit');
    const webhookId = webhookIdHeader ? req.get(webhookIdHeader)?.slice(0, 200) ?? null : null;
    void auditRefusal(deps, req, { connector, tenantId: null, webhookId }, refusal).finally(() => next(err));
  };
}

/** The body bytes (empty when there was none). */
export function bodyBytes(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/** Refuses anything but `application/json` (class `schema`, 415). */
export function requireJsonContentType(req: Request): void {
  if (!req.is('application/json')) {
    throw new WebhookRejection('schema', 415, 'unsupported_media_type', 'Content-Type must be application/json');
  }
}

/**
 * Parses the verified body. Refusals, class `schema`: malformed JSON (400 `malformed_json`);
 * text that cannot be stored — a NUL character or an unpaired surrogate in any string or field
 * name — or nesting deeper than storable-json's limit (422 `invalid_payload`, reason
 * `unstorable_json`). Every route that parses a webhook body goes through here.
 */
export function parseJsonBody(raw: Buffer): unknown {
  return parseJsonText(raw.toString('utf8'), 'request body');
}

/** {@link parseJsonBody} for JSON carried inside a body (Slack's form field `payload`); `what` names it in messages. */
export function parseJsonText(text: string, what: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    throw new WebhookRejection('schema', 400, 'malformed_json', `${what} is not valid JSON`);
  }
  const unstorable = unstorableJson(parsed);
  if (unstorable) throw new WebhookRejection('schema', 422, 'invalid_payload', `${what}: ${unstorable}`, { reason: 'unstorable_json' });
  return parsed;
}

/** SHA-256 (hex) of the body: what the delivery record keeps instead of the body. */
export function bodyDigest(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex');
}
