/**
 * The marketplace: listings (from verified manifests), and per tenant the install review run,
 * disconnect run, installs and the read-only smoke test.
 */
import express, { Router } from 'express';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { getInstall, listInstalls } from '../../db/installs-repo';
import { putSecret } from '../../db/secrets-repo';
import { listingOf } from '../../marketplace/listing';
import { runSmokeTest } from '../../marketplace/smoke-test';
import { connectorSecretNames } from '../../tenancy/tenant-settings';
import { assertSafeTenantUrl, UnsafeUrlError } from '../../tenancy/url-guard';
import { disconnectWorkflowId, installStateQuery } from '../../workflows/install-messages';
import type { disconnectConnector } from '../../workflows/disconnect-connector';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';
import { parseOr422 } from '../parse-request';
import { acceptHeldGrant } from '../../credentials/grant-change';
import { checkRequestedActions, startInstallReview } from './start-install-review';
import { reviewDecisionSchema, submitInstallReview } from './submit-install-review';
import { tenantBySlug } from './tenant-lookup';

const installSchema = z.object({
  requestedBy: z.string().min(1).max(200),
  /** Secrets for this connector, stored sealed before the run starts (the run only sees their names). */
  credentials: z.record(z.string(), z.string().min(1).max(20_000)).default({}),
  config: z.record(z.string(), z.unknown()).default({}),
  reviewTimeoutSeconds: z.number().int().min(60).max(30 * 24 * 3600).default(7 * 24 * 3600),
  /** The actions the requester wants enabled (the reviewer's default); absent: all the policy allows. */
  enableActions: z.array(z.string().min(1).max(200)).max(500).optional(),
});
const reviewSchema = reviewDecisionSchema.extend({ reviewer: z.string().min(1).max(200) });
const smokeSchema = z.object({ inputs: z.record(z.string(), z.record(z.string(), z.unknown())).default({}) });

export function marketplaceRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use('/admin/tenants/:slug/connectors', express.json({ limit: '128kb' }));

  router.get('/marketplace/listings', (req, res) => {
    const { category, status } = req.query;
    const listings = deps.registry.list().map(listingOf)
      .filter((l) => (typeof category !== 'string' || l.category === category) && (typeof status !== 'string' || l.status === status));
    res.json({ listings });
  });

  router.get('/marketplace/listings/:listingId', (req, res) => {
    const listing = deps.registry.list().map(listingOf).find((l) => l.listingId === req.params.listingId || l.connectorId === req.params.listingId);
    if (!listing) throw new HttpError(404, 'listing_not_found', `no listing ${req.params.listingId}`);
    res.json({ listing });
  });

  const tenantFor = (slug: string) => tenantBySlug(deps, slug);
  const installable = (connectorId: string) => {
    if (!deps.registry.list().some((c) => c.connectorId === connectorId)) throw new HttpError(404, 'unknown_connector', `unknown or refused connector ${connectorId}`);
    if (!deps.registry.isInstallable(connectorId)) throw new HttpError(409, 'not_installable', `${connectorId} is listed but not installable yet (planned)`);
    return deps.registry.get(connectorId);
  };

  router.get('/admin/tenants/:slug/connectors', async (req, res) => {
    const tenant = await tenantFor(req.params.slug);
    res.json({ installs: await listInstalls(deps.pool, tenant.id) });
  });

  router.post('/admin/tenants/:slug/connectors/:connectorId/install', async (req, res) => {
    const tenant = await tenantFor(req.params.slug);
    const connector = installable(req.params.connectorId);
    const body = parseOr422(installSchema, req.body ?? {}, 'invalid install request');
    // A base URL in the config (GitHub Enterprise's) is a tenant-supplied egress target like any other.
    const baseUrl = body.config['baseUrl'];
    if (baseUrl !== undefined) {
      await assertSafeTenantUrl(String(baseUrl), deps.urlPolicy).catch((err: unknown) => {
        throw err instanceof UnsafeUrlError ? new HttpError(422, 'unsafe_url', `invalid config: baseUrl: ${err.message}`) : err;
      });
    }
    checkRequestedActions(deps, connector.connectorId, body.enableActions);
    const allowed = connectorSecretNames[connector.connectorId] ?? [];
    const unknown = Object.keys(body.credentials).filter((n) => !allowed.includes(n as never));
    if (unknown.length) throw new HttpError(422, 'invalid_request', `credentials not used by ${connector.connectorId}: ${unknown.join(', ')} (allowed: ${allowed.join(', ') || 'none'})`);
    for (const [name, value] of Object.entries(body.credentials)) await putSecret(deps.pool, deps.secrets, tenant.id, name, value);
    const workflowId = await startInstallReview(deps, tenant, {
      connectorId: connector.connectorId, manifestVersion: connector.manifest.version, requestedBy: body.requestedBy,
      reviewTimeoutSeconds: body.reviewTimeoutSeconds, config: body.config, credentialNames: Object.keys(body.credentials),
      ...(body.enableActions ? { requestedActions: body.enableActions } : {}),
    });
    res.status(202).json({ workflowId, status: 'pending_review', next: `GET /admin/tenants/${tenant.slug}/connectors/${connector.connectorId}/install shows the review` });
  });

  router.get('/admin/tenants/:slug/connectors/:connectorId/install', async (req, res) => {
    const tenant = await tenantFor(req.params.slug);
    const install = await getInstall(deps.pool, tenant.id, req.params.connectorId);
    if (!install?.workflowId) throw new HttpError(404, 'install_not_found', `no install of ${req.params.connectorId} for ${tenant.slug}`);
    const state = await deps.temporal.workflow.getHandle(install.workflowId).query(installStateQuery).catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    });
    res.json({ install, state });
  });

  router.post('/admin/tenants/:slug/connectors/:connectorId/install/review', async (req, res) => {
    const tenant = await tenantFor(req.params.slug);
    const body = parseOr422(reviewSchema, req.body ?? {}, 'invalid review');
    await submitInstallReview(deps, tenant, req.params.connectorId, body, 'api');
    res.status(202).json({ status: 'submitted' });
  });

  // A provider grant that grew after install holds the connector until an admin accepts it here.
  router.post('/admin/tenants/:slug/connectors/:connectorId/scopes/accept', async (req, res) => {
    const tenant = await tenantFor(req.params.slug);
    const { reviewer } = parseOr422(z.object({ reviewer: z.string().min(1).max(200) }), req.body ?? {}, 'invalid acceptance');
    const accepted = await acceptHeldGrant(deps.pool, tenant.id, req.params.connectorId, reviewer);
    if (!accepted) throw new HttpError(409, 'not_held', `the ${req.params.connectorId} connector is not held for a grant review`);
    res.json({ status: 'enabled', acceptedScopes: accepted.broader, disabledActions: accepted.disabledActions });
  });

  router.post('/admin/tenants/:slug/connectors/:connectorId/disconnect', async (req, res) => {
    const tenant = await tenantFor(req.params.slug);
    const { requestedBy } = parseOr422(z.object({ requestedBy: z.string().min(1).max(200) }), req.body ?? {}, 'invalid disconnect request');
    if (!deps.registry.list().some((c) => c.connectorId === req.params.connectorId)) throw new HttpError(404, 'unknown_connector', `unknown connector ${req.params.connectorId}`);
    const result = await deps.temporal.workflow.execute<typeof disconnectConnector>('disconnectConnector', {
      workflowId: disconnectWorkflowId(tenant.slug, req.params.connectorId, Date.now()), taskQueue: deps.taskQueue,
      args: [{ tenantId: tenant.id, tenantSlug: tenant.slug, connectorId: req.params.connectorId, requestedBy }],
    });
    res.json({ status: 'disconnected', ...result });
  });

  router.post('/admin/tenants/:slug/connectors/:connectorId/smoke-test', async (req, res) => {
    const tenant = await tenantFor(req.params.slug);
    const connector = installable(req.params.connectorId);
    const { inputs } = parseOr422(smokeSchema, req.body ?? {}, 'invalid smoke test request');
    res.json(await runSmokeTest(deps, tenant, connector.manifest, inputs));
  });

  return router;
}
