/**
 * Admin API for tenant policy: read the policy in force, store a new revision (validated), list
 * revisions, and simulate decisions under the current or a draft policy without side effects.
 */
import express, { Router } from 'express';
import { z } from 'zod';
import { appendAudit } from '../../db/audit-repo';
import { listPolicyRevisions, putPolicy } from '../../db/policies-repo';
import { getTenantBySlug } from '../../db/tenants-repo';
import type { ActionCatalogue } from '../../policy/action-catalogue';
import { policyDocumentSchema } from '../../policy/policy-document';
import { simulatePolicy, UnknownConnectorError } from '../../policy/simulate';
import { loadTenant } from '../../tenancy/tenant-context';
import { loadTenantPolicy } from '../../tenancy/tenant-policy';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';

const simulationSchema = z.object({
  connectorId: z.string().min(1),
  actionIds: z.array(z.string().min(1)).optional(),
  /** A draft policy to try instead of the one in force. */
  policy: z.unknown().optional(),
});

function invalid(what: string, issues: z.core.$ZodIssue[]): HttpError {
  const list = issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  return new HttpError(422, 'invalid_request', `${what}: ${list.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, list);
}

export function policyRouter(deps: ApiDeps, catalogue: ActionCatalogue): Router {
  const router = Router();
  router.use('/admin/tenants/:slug/policy', express.json({ limit: '256kb' }));

  const tenantFor = async (slug: string) => {
    const row = await getTenantBySlug(deps.pool, slug);
    if (!row) throw new HttpError(404, 'tenant_not_found', `no tenant with slug ${slug}`);
    return loadTenant(deps, row.id);
  };

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
    const parsed = policyDocumentSchema.safeParse(req.body);
    if (!parsed.success) throw invalid('invalid policy', parsed.error.issues);
    const stored = await putPolicy(deps.pool, tenant.id, parsed.data, 'admin-api');
    await appendAudit(deps.pool, { tenantId: tenant.id, type: 'policy.updated', outcome: 'ok', actor: 'admin-api', detail: { revision: stored.revision } });
    res.status(201).json({ revision: stored.revision, policy: parsed.data });
  });

  router.post('/admin/tenants/:slug/policy/simulate', async (req, res) => {
    const tenant = await tenantFor(req.params.slug);
    const body = simulationSchema.safeParse(req.body);
    if (!body.success) throw invalid('invalid simulation request', body.error.issues);
    let policy = (await loadTenantPolicy(deps.pool, tenant)).document;
    if (body.data.policy !== undefined) {
      const draft = policyDocumentSchema.safeParse(body.data.policy);
      if (!draft.success) throw invalid('invalid draft policy', draft.error.issues);
      policy = draft.data;
    }
    try {
      res.json({ simulated: true, draft: body.data.policy !== undefined, ...simulatePolicy(catalogue, policy, body.data) });
    } catch (err) {
      if (err instanceof UnknownConnectorError) throw new HttpError(404, err.code, err.message);
      throw err;
    }
  });

  return router;
}
