/**
 * The tenant-blind front half of every Standard Webhooks route (ServiceNow, custom): content
 * type, headers and timestamp window first (the same for everyone), then route and secrets
 * (decoy work for a route that leads nowhere), then the signature. Only a verified delivery
 * learns its tenant; every refusal before that answers like a bad signature or a bad request.
 */
import type { Request } from 'express';
import type { Pool } from 'pg';
import type { SecretBox } from '../../db/secret-box';
import { resolveInboundRoute } from './inbound-route';
import { invalidSignature, routingRefused, type RejectionContext } from './rejections';
import { bodyBytes, bodyDigest, requireJsonContentType } from './webhook-body';
import { checkTimestamp, readWebhookHeaders, verifyStandardSignature, type WebhookHeaders } from './verify-standard-webhook';

/** Which route this is and how strict the window is. */
export interface StandardIntakeOptions {
  connector: string;
  /** The tenant secret (and its `.previous` during a rotation) that signs this connector's webhooks. */
  secretName: string;
  toleranceSeconds: number;
  /** Wall-clock milliseconds. */
  now: () => number;
}

/** A delivery whose signature verified under one of its tenant's secrets. */
export interface VerifiedStandardDelivery {
  tenantId: string;
  headers: WebhookHeaders;
  rawBody: Buffer;
  /** SHA-256 (hex) of the body, for the replay record. */
  digest: string;
}

/**
 * Verifies the request or throws a classified refusal. Fills `ctx` (webhook id, then tenant)
 * as it goes, for the audit of a refusal thrown later.
 */
export async function verifyStandardDelivery(
  deps: { pool: Pool; secrets: SecretBox }, req: Request, opts: StandardIntakeOptions, ctx: RejectionContext,
): Promise<VerifiedStandardDelivery> {
  requireJsonContentType(req);
  const headers = readWebhookHeaders((name) => req.get(name));
  ctx.webhookId = headers.id;
  checkTimestamp(headers.timestamp, opts.toleranceSeconds, opts.now());

  const route = await resolveInboundRoute(deps, String(req.params.routeToken ?? ''), opts.connector, opts.secretName);
  const rawBody = bodyBytes(req);
  // Verified before the route's fate is looked at, so dead routes pay the same HMAC work.
  const verified = verifyStandardSignature(route.secrets, rawBody, headers);
  ctx.tenantId = route.tenantId;
  if (!route.live) throw routingRefused(route.reason);
  if (!verified) throw invalidSignature(route.secrets.length === 0 ? 'no_secret_configured' : 'signature_mismatch');
  return { tenantId: route.tenantId, headers, rawBody, digest: bodyDigest(rawBody) };
}
