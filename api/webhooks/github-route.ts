/**
 * POST /webhooks/github/:routeToken — a GitHub App's webhook deliveries for one tenant.
 * Rate limit → X-Hub-Signature-256 under the tenant's `github_webhook_secret` (and its
 * predecessor during a rotation overlap; a decoy for a route that leads nowhere) → replay
 * check by X-GitHub-Delivery → 202. For now a delivery is only recorded, audited and
 * acknowledged: no workflow consumes GitHub events yet.
 */
import { randomBytes } from 'node:crypto';
import { Router, type Request } from 'express';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, verifyGitHubWebhookSignature, type WebhookSignatureCheck } from '../../connectors/github/webhook-signature';
import { appendAudit } from '../../db/audit-repo';
import { recordDelivery } from '../../db/webhook-deliveries-repo';
import { secretNames } from '../../tenancy/tenant-settings';
import type { ApiDeps } from '../deps';
import { refuseMalformedRouteToken } from './malformed-route-token';
import { auditRedelivery, findRedelivery } from './delivery-replay';
import { resolveInboundRoute } from './inbound-route';
import { invalidSignature, refuse, routingRefused, WebhookRejection, type RejectionContext } from './rejections';
import { limitPerRoute } from './route-rate-limit';
import { auditOversizedBody, bodyBytes, bodyDigest, parseJsonBody, rawBody, requireJsonContentType } from './webhook-body';
import { routeLimiter, type WebhookRouteOptions } from './webhook-route-options';

const PATH = '/webhooks/github/:routeToken';
const CONNECTOR = 'github';
/** What a route that leads nowhere is verified against, so it costs what a live one does. */
const decoySecret = randomBytes(32).toString('hex');

interface GitHubHeaders {
  event: string;
  deliveryId: string;
  signature: string;
}

function readGitHubHeaders(req: Request): GitHubHeaders {
  const event = req.get(EVENT_HEADER);
  const deliveryId = req.get(DELIVERY_HEADER);
  const signature = req.get(SIGNATURE_HEADER);
  if (!event || !deliveryId || !signature) {
    throw new WebhookRejection('signature', 400, 'missing_signature_headers', 'X-GitHub-Event, X-GitHub-Delivery and X-Hub-Signature-256 headers are required');
  }
  if (deliveryId.length > 200 || !/^[a-z_]{1,64}$/.test(event)) {
    throw new WebhookRejection('signature', 400, 'invalid_github_headers', 'X-GitHub-Delivery must be at most 200 characters and X-GitHub-Event an event name');
  }
  return { event, deliveryId, signature };
}

/** Checks the signature under every candidate secret (no early exit); the first failure reason otherwise. */
async function checkSignature(secrets: readonly string[], raw: Buffer, header: string): Promise<WebhookSignatureCheck> {
  const checks = await Promise.all((secrets.length > 0 ? secrets : [decoySecret]).map((s) => verifyGitHubWebhookSignature(s, raw, header)));
  if (secrets.length > 0 && checks.some((c) => c.ok)) return { ok: true };
  return checks.find((c) => !c.ok) ?? { ok: false, reason: 'signature_mismatch' };
}

/** What the audit trail keeps of a delivery: its kind and where it came from, not its content. */
function summarise(payload: unknown): Record<string, unknown> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new WebhookRejection('schema', 422, 'invalid_payload', 'a GitHub webhook body is a JSON object');
  }
  const body = payload as { action?: unknown; installation?: { id?: unknown }; repository?: { full_name?: unknown } };
  return {
    action: typeof body.action === 'string' ? body.action.slice(0, 100) : null,
    installationId: typeof body.installation?.id === 'number' ? body.installation.id : null,
    repository: typeof body.repository?.full_name === 'string' ? body.repository.full_name.slice(0, 200) : null,
  };
}

/** The GitHub webhook route. */
export function githubWebhookRouter(deps: ApiDeps, options: WebhookRouteOptions = {}): Router {
  const router = Router();
  router.post(
    PATH,
    limitPerRoute(deps, routeLimiter(options), CONNECTOR, DELIVERY_HEADER),
    // GitHub sends up to 25 MB; nothing consumes the content yet, so a modest cap will do.
    rawBody(options.bodyLimit ?? deps.webhookBodyLimit ?? '1mb'),
    async (req, res, next) => {
      const ctx: RejectionContext = { connector: CONNECTOR, tenantId: null, webhookId: null };
      try {
        requireJsonContentType(req);
        const headers = readGitHubHeaders(req);
        ctx.webhookId = headers.deliveryId;
        const route = await resolveInboundRoute(deps, String(req.params.routeToken ?? ''), CONNECTOR, secretNames.githubWebhookSecret);
        const raw = bodyBytes(req);
        const check = await checkSignature(route.secrets, raw, headers.signature);
        ctx.tenantId = route.tenantId;
        if (!route.live) throw routingRefused(route.reason);
        if (!check.ok) throw invalidSignature(route.secrets.length === 0 ? 'no_secret_configured' : check.reason);

        const digest = bodyDigest(raw);
        const redelivery = await findRedelivery(deps.pool, route.tenantId, headers.deliveryId, digest);
        if (redelivery) {
          await auditRedelivery(deps, req, ctx);
          res.status(200).json({ status: 'duplicate', deliveryId: headers.deliveryId });
          return;
        }
        const summary = summarise(parseJsonBody(raw));
        await recordDelivery(deps.pool, { tenantId: route.tenantId, webhookId: headers.deliveryId, workflowId: null, bodyDigest: digest });
        await appendAudit(deps.pool, {
          tenantId: route.tenantId, type: 'webhook.accepted', outcome: 'recorded', actor: `webhook:${CONNECTOR}`,
          detail: { connector: CONNECTOR, deliveryId: headers.deliveryId, event: headers.event, ...summary, bodyBytes: raw.length },
        });
        res.status(202).json({
          status: 'recorded', deliveryId: headers.deliveryId,
          note: 'GitHub events are verified, recorded and acknowledged; no workflow handles them yet',
        });
      } catch (err) {
        next(await refuse(deps, req, ctx, err));
      }
    },
  );
  router.use(PATH, auditOversizedBody(deps, CONNECTOR, DELIVERY_HEADER));
  router.use(refuseMalformedRouteToken(deps, CONNECTOR, '/webhooks/github/'));
  return router;
}
