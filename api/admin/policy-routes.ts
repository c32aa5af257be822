/**
 * Admin API for tenant policy: read the policy in force, store a new revision (validated), list
 * revisions, and simulate decisions under the current or a draft policy without side effects.
 */
import express, { Router } from 'express';
import { z } from 'zod';
import { listPolicyRevisions } from '../../db/policies-repo';
import type { ActionCatalogue } from '../../policy/action-catalogue';
import { loadTenantPolicy } from '../../tenancy/tenant-policy';
import type { ApiDeps } from '../deps';
import { parseOr422 } from '../parse-request';
import { parsePolicyDocument, simulateOr404, storePolicyRevision } from '../policy/policy-operations';
import { tenantBySlug } from './tenant-lookup';

const simulationSchema = z.object({
  connectorId: z.string().min(1),
  actionIds: z.array(z.string().min(1)).optional(),
  /** A draft policy to try instead of the one in force. */
  policy: z.unknown().optional(),
});

export function policyRouter(deps: ApiDeps, catalogue: ActionCatalogue): Router {
  const router = Router();
  router.use('/admin/tenants/:slug/policy', express.json({ limit: '256kb' }));

  const tenantFor = (slug: string) => tenantBySlug(deps, slug);

  router.get('/admin/tenants/:slug/policy', async (req, res) => {
    const tenant = await tenantFor(req.params.slug);
    const policy = await loadTenantPolicy(deps.pool, tenant);
    res.json({ revision: policy.revision, isDefault: policy.revision === 0, policy: policy.document });
  });

  router.get('/admin/tenants/:slug/policy/revisions', async (req, res) => {
    const tenant = await tenantFor(req.params.slug);
    res.json({ revisions: await listPolicyRevisions(deps.pool, tenant.id) });
  });

  router.put('/admin/tenants/:slug/policy', async (req, res) => {
    const tenant = await tenantFor(req.params.slug);
    const document = parsePolicyDocument(req.body, 'invalid policy');
    const stored = await storePolicyRevision(deps, tenant.id, document, 'admin-api');
    res.status(201).json({ revision: stored.revision, policy: document });
  });

  router.post('/admin/tenants/:slug/policy/simulate', async (req, res) => {
    const tenant = await tenantFor(req.params.slug);
    const body = parseOr422(simulationSchema, req.body, 'invalid simulation request');
    const policy = body.policy === undefined
      ? (await loadTenantPolicy(deps.pool, tenant)).document
      : parsePolicyDocument(body.policy, 'invalid draft policy');
    res.json({ simulated: true, draft: body.policy !== undefined, ...simulateOr404(catalogue, policy, body) });
  });

  return router;
}
