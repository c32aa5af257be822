/**
 * Slack's v0 request signing (wire reference: `X-Slack-Signature: v0=<hex HMAC-SHA256(signing
 * secret, "v0:<timestamp>:<body>")>`, `X-Slack-Request-Timestamp`), checked in the same
 * tenant-blind order as every other inbound route: headers and the timestamp window first (the
 * same for everyone), then the route and its signing secrets (a decoy for a route that leads
 * nowhere), then the signature, with Bolt's own verifier, under each secret that is live (the
 * current one, and the one a rotation replaced while its overlap lasts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { isValidSlackRequest } from '@slack/bolt';
import type { Request } from 'express';
import type { Pool } from 'pg';
import type { SecretBox } from '../../db/secret-box';
import { secretNames } from '../../tenancy/tenant-settings';
import { resolveInboundRoute } from '../webhooks/inbound-route';
import { invalidSignature, routingRefused, WebhookRejection, type RejectionContext } from '../webhooks/rejections';
import { checkTimestamp } from '../webhooks/verify-standard-webhook';
import { bodyBytes, bodyDigest } from '../webhooks/webhook-body';

export const SLACK_SIGNATURE_HEADER = 'x-slack-signature';
export const SLACK_TIMESTAMP_HEADER = 'x-slack-request-timestamp';
/** What a route that leads nowhere is verified against, so it costs what a live one does. */
const decoySecret = randomBytes(32).toString('hex');

/** A Slack request whose signature verified under one of its tenant's signing secrets. */
export interface VerifiedSlackRequest {
  tenantId: string;
  rawBody: Buffer;
  /**
   * The replay record's id: Slack sends no delivery id, but a signature names exactly one
   * (timestamp, body) pair, so a second request carrying it is a copy of the first.
   */
  replayId: string;
  digest: string;
}

export async function verifySlackRequest(
  deps: { pool: Pool; secrets: SecretBox }, req: Request, opts: { toleranceSeconds: number; now: () => number }, ctx: RejectionContext,
): Promise<VerifiedSlackRequest> {
  const signature = req.get(SLACK_SIGNATURE_HEADER);
  const timestamp = req.get(SLACK_TIMESTAMP_HEADER);
  if (!signature || !timestamp) {
    throw new WebhookRejection('signature', 400, 'missing_signature_headers', 'X-Slack-Signature and X-Slack-Request-Timestamp headers are required');
  }
  if (!/^v0=[0-9a-f]{64}$/.test(signature)) throw invalidSignature('malformed_signature');
  checkTimestamp(timestamp, opts.toleranceSeconds, opts.now(), 'X-Slack-Request-Timestamp');
  const replayId = `slack:${timestamp}:${createHash('sha256').update(signature).digest('hex').slice(0, 32)}`;
  ctx.webhookId = replayId;

  const route = await resolveInboundRoute(deps, String(req.params.routeToken ?? ''), 'slack', secretNames.slackSigningSecret);
  const rawBody = bodyBytes(req);
  const body = rawBody.toString('utf8');
  const headers = { [SLACK_SIGNATURE_HEADER]: signature, [SLACK_TIMESTAMP_HEADER]: Number(timestamp) };
  // Every candidate is checked (no early exit), and dead routes check a decoy: equal work either way.
  const checks = (route.secrets.length > 0 ? route.secrets : [decoySecret])
    .map((signingSecret) => isValidSlackRequest({ signingSecret, body, headers, nowMilliseconds: opts.now() }));
  ctx.tenantId = route.tenantId;
  if (!route.live) throw routingRefused(route.reason);
  if (route.secrets.length === 0) throw invalidSignature('no_secret_configured');
  if (!checks.some(Boolean)) throw invalidSignature('signature_mismatch');
  return { tenantId: route.tenantId, rawBody, replayId, digest: bodyDigest(rawBody) };
}
