/**
 * The console's JSON API, for the signed-in account's own tenant only (the tenant comes from the
 * session, never from the request): the marketplace, the tenant's connections, the policy
 * simulation of a connector's actions for the install review, starting an install and deciding
 * its review. Reading needs any role; installing and reviewing need admin.
 */
import express, { Router } from 'express';
import { z } from 'zod';
import { listInstalls } from '../../db/installs-repo';
import { listingOf } from '../../marketplace/listing';
import type { ActionCatalogue } from '../../policy/action-catalogue';
import { simulatePolicy, UnknownConnectorError } from '../../policy/simulate';
import { loadTenant } from '../../tenancy/tenant-context';
import { loadTenantPolicy } from '../../tenancy/tenant-policy';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';
import { authorizeSchema, startAuthorization } from '../oauth/oauth-flow-routes';
import { reviewDecisionSchema, submitInstallReview } from '../admin/submit-install-review';
import { parseOr422 } from '../parse-request';
import { consoleSessionOf, requireConsoleSession, requireRole } from './console-session';

const simulateSchema = z.object({ enableActions: z.array(z.string().min(1)).optional() });
const installSchema = authorizeSchema.omit({ requestedBy: true });

export function consoleApiRouter(deps: ApiDeps, catalogue: ActionCatalogue): Router {
  const router = Router();
  router.use('/console/api', requireConsoleSession(deps.pool), express.json({ limit: '64kb' }));

  router.get('/console/api/marketplace', (_req, res) => {
    res.json({ listings: deps.registry.list().map(listingOf) });
  });

  router.get('/console/api/connectors', async (_req, res) => {
    res.json({ installs: await listInstalls(deps.pool, consoleSessionOf(res).tenantId) });
  });

  router.post('/console/api/connectors/:connectorId/simulate', async (req, res) => {
    const session = consoleSessionOf(res);
    const { enableActions } = parseOr422(simulateSchema, req.body ?? {}, 'invalid simulation request');
    const connectorId = req.params.connectorId;
    const manifest = deps.registry.list().find((c) => c.connectorId === connectorId)?.manifest;
    if (!manifest) throw new HttpError(404, 'unknown_connector', `unknown connector ${connectorId}`);
    const tenant = await loadTenant(deps, session.tenantId);
    const policy = (await loadTenantPolicy(deps.pool, tenant, deps.tenants)).document;
    let result;
    try {
      result = simulatePolicy(catalogue, policy, { connectorId });
    } catch (err) {
      if (err instanceof UnknownConnectorError) throw new HttpError(404, err.code, err.message);
      throw err;
    }
    const enabled = enableActions ? new Set(enableActions) : undefined;
    res.json({
      connectorId, name: manifest.name, riskLevel: manifest.riskLevel, installable: deps.registry.isInstallable(connectorId),
      scopes: manifest.scopes, permissionsRequested: manifest.permissionsRequested,
      actions: manifest.actions.map((a) => {
        const evaluation = result.evaluations.find((e) => e.actionId === a.actionId);
        const on = enabled ? enabled.has(a.actionId) : evaluation?.decision !== 'blocked';
        return {
          actionId: a.actionId, name: a.name, riskLevel: a.riskLevel, approvalGate: a.approvalGate, scopes: a.scopes, enabled: on,
          // An unticked action is not installed: it is blocked whatever the policy says.
          decision: on ? evaluation?.decision ?? 'blocked' : 'blocked',
          reason: on ? evaluation?.reason ?? 'not in the policy catalogue' : 'not enabled for this install',
          rule: on ? evaluation?.rule ?? 'unknown' : 'install_not_enabled',
          ...(on && evaluation?.approval ? { group: evaluation.approval.group, quorum: evaluation.approval.quorum } : {}),
        };
      }),
    });
  });

  router.post('/console/api/connectors/:connectorId/install', async (req, res) => {
    const session = requireRole(res, 'admin');
    const body = parseOr422(installSchema, req.body ?? {}, 'invalid install request');
    const tenant = await loadTenant(deps, session.tenantId);
    const started = await startAuthorization(deps, tenant, req.params.connectorId, { ...body, requestedBy: session.email }, 'console');
    if (started.kind === 'review') res.status(202).json({ status: 'pending_review', workflowId: started.workflowId });
    else res.status(201).json(started.link);
  });

  // The reviewer is the signed-in admin: the same refusals (self-approval, not waiting) and run as the admin API's.
  router.post('/console/api/connectors/:connectorId/review', async (req, res) => {
    const session = requireRole(res, 'admin');
    const review = parseOr422(reviewDecisionSchema, req.body ?? {}, 'invalid review');
    await submitInstallReview(deps, { id: session.tenantId, slug: session.tenantSlug }, req.params.connectorId, { ...review, reviewer: session.email }, 'console');
    res.status(202).json({ status: 'submitted' });
  });

  return router;
}
