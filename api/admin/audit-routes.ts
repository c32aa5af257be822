/**
 * Admin API for the audit trail: list events (paginated by id) and verify the hash chain.
 * Mounted behind the admin bearer token like the other /admin routes.
 */
import { Router } from 'express';
import { z } from 'zod';
import { verifyAuditChain } from '../../db/audit-chain';
import { listAudit } from '../../db/audit-repo';
import { getTenantBySlug } from '../../db/tenants-repo';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';

/** Largest page GET /admin/audit serves; deeper history is read by following `nextAfterId`. */
export const AUDIT_PAGE_MAX = 1000;
const AUDIT_PAGE_DEFAULT = 100;

const tenantParam = z.string().min(1).max(63);
const verifyQuerySchema = z.object({ tenant: tenantParam.optional() });
const listQuerySchema = z.object({
  tenant: tenantParam.optional(),
  type: z.string().min(1).max(200).optional(),
  afterId: z.string().regex(/^\d{1,19}$/, 'afterId: an audit event id').optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(AUDIT_PAGE_DEFAULT),
});

function parseQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`).join('; ');
    throw new HttpError(422, 'invalid_request', `invalid query: ${message}`);
  }
  return parsed.data;
}

/**
 * `GET /admin/audit/verify?tenant=<slug>`: the chain verification result (`ok`, `checked`, and
 * `firstBrokenId`/`reason` when broken) for that tenant, or for every chain without `tenant`;
 * 200 either way, 404 for an unknown slug.
 * `GET /admin/audit?tenant=&type=&afterId=&limit=`: `{ events, nextAfterId }`, oldest first;
 * `nextAfterId` is null on the last page.
 */
export function auditRouter(deps: ApiDeps): Router {
  const router = Router();

  const tenantIdFor = async (slug: string | undefined): Promise<string | undefined> => {
    if (slug === undefined) return undefined;
    const tenant = await getTenantBySlug(deps.pool, slug);
    if (!tenant) throw new HttpError(404, 'tenant_not_found', `no tenant with slug ${slug}`);
    return tenant.id;
  };

  router.get('/admin/audit/verify', async (req, res) => {
    const query = parseQuery(verifyQuerySchema, req.query);
    const tenantId = await tenantIdFor(query.tenant);
    const result = await verifyAuditChain(deps.pool, tenantId === undefined ? {} : { tenantId });
    res.json({ tenant: query.tenant ?? null, ...result });
  });

  router.get('/admin/audit', async (req, res) => {
    const query = parseQuery(listQuerySchema, req.query);
    const tenantId = await tenantIdFor(query.tenant);
    const events = await listAudit(deps.pool, { tenantId, type: query.type, afterId: query.afterId, limit: query.limit });
    // A full page may be followed by more; an empty next page is the (cheap) price of not counting.
    const nextAfterId = events.length === query.limit ? (events[events.length - 1]?.id ?? null) : null;
    res.json({ events, nextAfterId });
  });

  return router;
}
