/**
 * POST /webhooks/custom/:routeToken — the generic custom-webhook connector: any sender that can
 * make a Standard Webhooks signed JSON POST (n8n, Zapier, Make, a script) starts the tenant's
 * configured workflow with the validated payload.
 * Rate limit → verify (tenant-blind) → JSON object with the required fields → replay check →
 * start (once per webhook id) → 202.
 */
import { Router } from 'express';
import { appendAudit } from '../../db/audit-repo';
import { getTenantById } from '../../db/tenants-repo';
import { recordDelivery } from '../../db/webhook-deliveries-repo';
import { startCustomEvent } from '../../runs/start-custom-event';
import type { ApiDeps } from '../deps';
import { refuseMalformedRouteToken } from './malformed-route-token';
import { customPayloadSchema, loadCustomWebhookConfig } from './custom-webhook-config';
import { auditRedelivery, findRedelivery } from './delivery-replay';
import { CUSTOM_WEBHOOK_SECRET } from './inbound-connectors';
import { refuse, WebhookRejection, type RejectionContext } from './rejections';
import { limitPerRoute } from './route-rate-limit';
import { verifyStandardDelivery } from './standard-webhook-intake';
import { auditOversizedBody, parseJsonBody, rawBody } from './webhook-body';
import { routeLimiter, type WebhookRouteOptions } from './webhook-route-options';

const PATH = '/webhooks/custom/:routeToken';
const CONNECTOR = 'custom';

/** The custom-webhook route. */
export function customWebhookRouter(deps: ApiDeps, options: WebhookRouteOptions = {}): Router {
  const router = Router();
  const intake = {
    connector: CONNECTOR, secretName: CUSTOM_WEBHOOK_SECRET,
    toleranceSeconds: deps.webhookToleranceSeconds ?? 300, now: options.now ?? Date.now,
  };

  router.post(
    PATH,
    limitPerRoute(deps, routeLimiter(options), CONNECTOR, 'webhook-id'),
    rawBody(options.bodyLimit ?? deps.webhookBodyLimit ?? '256kb'),
    async (req, res, next) => {
      const ctx: RejectionContext = { connector: CONNECTOR, tenantId: null, webhookId: null };
      try {
        const delivery = await verifyStandardDelivery(deps, req, intake, ctx);
        const webhookId = delivery.headers.id;

        const config = await loadCustomWebhookConfig(deps.pool, delivery.tenantId);
        const parsed = customPayloadSchema(config).safeParse(parseJsonBody(delivery.rawBody));
        if (!parsed.success) {
          const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
          throw new WebhookRejection('schema', 422, 'invalid_payload', `payload does not match this route's configuration: ${issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; ')}`, { details: issues });
        }

        const redelivery = await findRedelivery(deps.pool, delivery.tenantId, webhookId, delivery.digest);
        if (redelivery) {
          await auditRedelivery(deps, req, ctx);
          res.status(200).json({ status: 'duplicate', workflowId: redelivery.workflowId });
          return;
        }
        const tenant = await getTenantById(deps.pool, delivery.tenantId);
        if (!tenant) throw new Error('a live route token points at a tenant that does not exist');
        const { workflowId, outcome } = await startCustomEvent(deps.temporal, deps.taskQueue, config, {
          tenantId: tenant.id, tenantSlug: tenant.slug, webhookId, payload: parsed.data, requiredFields: config.requiredFields,
        });
        // Recorded only after the run exists; a retry after a crash in between finds it already started.
        await recordDelivery(deps.pool, { tenantId: tenant.id, webhookId, workflowId, bodyDigest: delivery.digest });
        await appendAudit(deps.pool, {
          tenantId: tenant.id, workflowId, type: 'webhook.accepted', outcome, actor: `webhook:${CONNECTOR}`,
          detail: { connector: CONNECTOR, webhookId, workflowType: config.workflowType, bodyBytes: delivery.rawBody.length },
        });
        res.status(202).json({ status: 'accepted', workflowId });
      } catch (err) {
        next(await refuse(deps, req, ctx, err));
      }
    },
  );
  router.use(PATH, auditOversizedBody(deps, CONNECTOR, 'webhook-id'));
  router.use(refuseMalformedRouteToken(deps, CONNECTOR, '/webhooks/custom/'));
  return router;
}
