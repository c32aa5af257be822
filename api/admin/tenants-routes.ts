/**
 * Admin API for tenants: create (with secrets and route tokens), read, update settings, set a
 * secret, rotate a route token. Secrets go in, never come out.
 */
import { randomBytes } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import { appendAudit } from '../../db/audit-repo';
import { issueRouteToken } from '../../db/route-tokens-repo';
import { listSecretNames, putSecret } from '../../db/secrets-repo';
import { createTenant, listTenants, TenantExistsError, updateTenantSettings } from '../../db/tenants-repo';
import { secretNames, secretNameSchema, tenantSettingsSchema, type TenantSettings } from '../../tenancy/tenant-settings';
import { assertSafeTenantUrl, UnsafeUrlError } from '../../tenancy/url-guard';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';
import { parseOr422 } from '../parse-request';
import { routeUrls, type TenantView } from './tenant-view';
import { tenantRowBySlug } from './tenant-lookup';

const slugSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/, 'slug: 3–40 lowercase letters, digits and dashes');
const secretsSchema = z.partialRecord(secretNameSchema, z.string().min(1).max(10_000));
const createTenantSchema = z.object({
  slug: slugSchema, name: z.string().min(1).max(200), settings: z.unknown(), secrets: secretsSchema.default({}),
});
const connectorSchema = z.enum(['servicenow', 'slack']);

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export function tenantsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use('/admin', express.json({ limit: '256kb' }));

  const validSettings = async (raw: unknown): Promise<TenantSettings> => {
    const settings = parseOr422(tenantSettingsSchema, raw, 'invalid settings');
    try {
      await assertSafeTenantUrl(settings.servicenow.instanceUrl, deps.urlPolicy);
      await assertSafeTenantUrl(settings.slack.apiBaseUrl, deps.urlPolicy);
    } catch (err) {
      if (err instanceof UnsafeUrlError) throw new HttpError(422, 'unsafe_url', `invalid settings: ${err.message}`);
      throw err;
    }
    return settings;
  };

  const view = async (row: { id: string; slug: string; name: string; settings: unknown }): Promise<TenantView> => ({
    id: row.id, slug: row.slug, name: row.name, settings: tenantSettingsSchema.parse(row.settings),
    secretsConfigured: await listSecretNames(deps.pool, row.id),
  });

  const findTenant = (slug: string) => tenantRowBySlug(deps, slug);

  router.post('/admin/tenants', async (req, res) => {
    const body = parseOr422(createTenantSchema, req.body, 'invalid tenant');
    const settings = await validSettings(body.settings);
    let row;
    try {
      row = await createTenant(deps.pool, { slug: body.slug, name: body.name, settings });
    } catch (err) {
      if (err instanceof TenantExistsError) throw new HttpError(409, 'tenant_exists', `a tenant with slug ${body.slug} already exists`);
      throw err;
    }
    // The webhook secret is generated here unless supplied, and shown exactly once.
    const generatedWebhookSecret = body.secrets[secretNames.webhookSecret] ? undefined : newWebhookSecret();
    const secrets = { ...body.secrets, ...(generatedWebhookSecret ? { [secretNames.webhookSecret]: generatedWebhookSecret } : {}) };
    for (const [name, value] of Object.entries(secrets)) if (value) await putSecret(deps.pool, deps.secrets, row.id, name, value);
    const servicenow = await issueRouteToken(deps.pool, row.id, 'servicenow');
    const slack = await issueRouteToken(deps.pool, row.id, 'slack');
    await appendAudit(deps.pool, { tenantId: row.id, type: 'tenant.created', outcome: 'ok', actor: 'admin-api', detail: { slug: row.slug, secrets: Object.keys(secrets) } });
    // The tenant exists either way, so a Temporal failure is reported in the answer, not as a 500.
    const reconciliation = await deps.reconcileSchedules.sync(row.id, 'tenant.created');
    res.status(201).json({
      tenant: await view(row),
      routes: routeUrls(deps.publicBaseUrl, { servicenow, slack }),
      ...(generatedWebhookSecret ? { webhookSecret: generatedWebhookSecret } : {}),
      reconciliation,
      note: 'route URLs and any generated secret are shown only now; store them in ServiceNow and Slack',
    });
  });

  router.get('/admin/tenants', async (_req, res) => {
    const rows = await listTenants(deps.pool);
    res.json({ tenants: await Promise.all(rows.map(view)) });
  });

  router.get('/admin/tenants/:slug', async (req, res) => {
    res.json({ tenant: await view(await findTenant(req.params.slug)) });
  });

  router.put('/admin/tenants/:slug/settings', async (req, res) => {
    const row = await findTenant(req.params.slug);
    const settings = await validSettings(req.body);
    await updateTenantSettings(deps.pool, row.id, settings);
    await appendAudit(deps.pool, { tenantId: row.id, type: 'tenant.settings_updated', outcome: 'ok', actor: 'admin-api' });
    const reconciliation = await deps.reconcileSchedules.sync(row.id, 'tenant.settings_updated');
    res.json({ tenant: await view({ ...row, settings }), reconciliation });
  });

  router.put('/admin/tenants/:slug/secrets/:name', async (req, res) => {
    const row = await findTenant(req.params.slug);
    const name = parseOr422(secretNameSchema, req.params.name, 'unknown secret name');
    const { value } = parseOr422(z.object({ value: z.string().min(1).max(10_000) }), req.body, 'invalid secret');
    await putSecret(deps.pool, deps.secrets, row.id, name, value);
    await appendAudit(deps.pool, { tenantId: row.id, type: 'tenant.secret_set', outcome: 'ok', actor: 'admin-api', detail: { name } });
    res.status(204).end();
  });

  router.post('/admin/tenants/:slug/route-tokens', async (req, res) => {
    const row = await findTenant(req.params.slug);
    const { connector } = parseOr422(z.object({ connector: connectorSchema }), req.body, 'invalid route token request');
    const token = await issueRouteToken(deps.pool, row.id, connector);
    await appendAudit(deps.pool, { tenantId: row.id, type: 'tenant.route_token_issued', outcome: 'ok', actor: 'admin-api', detail: { connector } });
    res.status(201).json({ routes: routeUrls(deps.publicBaseUrl, { [connector]: token }) });
  });

  return router;
}
