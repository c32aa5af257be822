/**
 * Admin API for inbound webhook security: rotate a route token or a webhook secret with an
 * overlap (the old one keeps working for `overlapSeconds`, so the sender can be switched over
 * without losing deliveries), and configure the custom-webhook connector. A new secret is
 * shown once, in the rotation's answer; the audit trail records that it changed, never it.
 */
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { appendAudit } from '../../db/audit-repo';
import { putCustomWebhookConfig } from '../../db/custom-webhook-configs-repo';
import { rotateRouteToken } from '../../db/route-tokens-repo';
import { rotateWebhookSecret } from '../../db/webhook-secrets-repo';
import type { ApiDeps } from '../deps';
import { parseOr422 } from '../parse-request';
import { customWebhookConfigSchema, loadCustomWebhookConfig } from '../webhooks/custom-webhook-config';
import { inboundUrl, routedConnectors, signedConnectors, webhookSecrets } from '../webhooks/inbound-connectors';
import { requireAdminToken } from './admin-auth';
import { tenantRowBySlug } from './tenant-lookup';

/** Longest overlap: long enough for a change window, short enough that an old secret does not linger. */
const MAX_OVERLAP_SECONDS = 30 * 24 * 3600;
/** Default overlap: a day, as Svix does for rotated endpoint secrets. */
const DEFAULT_OVERLAP_SECONDS = 24 * 3600;

const rotationSchema = z.strictObject({
  overlapSeconds: z.number().int().min(0).max(MAX_OVERLAP_SECONDS).default(DEFAULT_OVERLAP_SECONDS),
});

/** The JSON body, `{}` when none was sent (every rotation field has a default). */
function body(req: Request): unknown {
  return (req.body as unknown) ?? {};
}

/** The webhook security admin routes (admin bearer token required on each). */
export function webhookAdminRouter(deps: ApiDeps): Router {
  const router = Router();
  // Also guarded here, so that mounting this router in the wrong place cannot expose it.
  const guard = requireAdminToken(deps.adminToken);
  const json = express.json({ limit: '16kb' });

  const findTenant = (slug: string) => tenantRowBySlug(deps, slug);

  router.post('/admin/tenants/:slug/route-tokens/:connector/rotate', guard, json, async (req, res) => {
    const tenant = await findTenant(String(req.params.slug));
    const connector = parseOr422(z.enum(routedConnectors), req.params.connector, 'unknown connector');
    const { overlapSeconds } = parseOr422(rotationSchema, body(req), 'invalid rotation');
    const rotation = await rotateRouteToken(deps.pool, tenant.id, connector, overlapSeconds);
    await appendAudit(deps.pool, {
      tenantId: tenant.id, type: 'tenant.route_token_rotated', outcome: 'ok', actor: 'admin-api',
      detail: { connector, overlapSeconds, replaced: rotation.replaced, previousExpireAt: rotation.previousExpireAt?.toISOString() ?? null },
    });
    res.status(201).json({
      connector, url: inboundUrl(deps.publicBaseUrl, connector, rotation.token), overlapSeconds,
      previousTokensExpireAt: rotation.previousExpireAt?.toISOString() ?? null,
      note: 'the URL is shown only now; the previous URLs keep working until previousTokensExpireAt',
    });
  });

  router.post('/admin/tenants/:slug/webhook-secrets/:connector/rotate', guard, json, async (req, res) => {
    const tenant = await findTenant(String(req.params.slug));
    const connector = parseOr422(z.enum(signedConnectors), req.params.connector, 'unknown connector');
    const { overlapSeconds } = parseOr422(rotationSchema, body(req), 'invalid rotation');
    const { name, generate } = webhookSecrets[connector];
    const secret = generate();
    const rotation = await rotateWebhookSecret(deps.pool, deps.secrets, tenant.id, name, secret, overlapSeconds);
    await appendAudit(deps.pool, {
      tenantId: tenant.id, type: 'tenant.webhook_secret_rotated', outcome: 'ok', actor: 'admin-api',
      detail: { connector, name, overlapSeconds, previousExpiresAt: rotation.previousExpiresAt?.toISOString() ?? null },
    });
    res.status(201).json({
      connector, name, secret, overlapSeconds,
      previousSecretExpiresAt: rotation.previousExpiresAt?.toISOString() ?? null,
      note: 'the secret is shown only now; signatures made with the previous one verify until previousSecretExpiresAt',
    });
  });

  router.get('/admin/tenants/:slug/custom-webhook', guard, async (req, res) => {
    const tenant = await findTenant(String(req.params.slug));
    res.json({ config: await loadCustomWebhookConfig(deps.pool, tenant.id) });
  });

  router.put('/admin/tenants/:slug/custom-webhook', guard, json, async (req, res) => {
    const tenant = await findTenant(String(req.params.slug));
    const config = parseOr422(customWebhookConfigSchema, req.body, 'invalid custom-webhook configuration');
    await putCustomWebhookConfig(deps.pool, tenant.id, config);
    await appendAudit(deps.pool, { tenantId: tenant.id, type: 'tenant.custom_webhook_configured', outcome: 'ok', actor: 'admin-api', detail: { ...config } });
    res.json({ config });
  });

  return router;
}
