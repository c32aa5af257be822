/** The tenant an admin route's `:slug` names, or a 404 `tenant_not_found`. */
import { getTenantBySlug, type TenantRow } from '../../db/tenants-repo';
import { loadTenant, type TenantContext, type TenantDeps } from '../../tenancy/tenant-context';
import { HttpError } from '../http-error';

/** The tenant's stored row (settings as stored, not validated). */
export async function tenantRowBySlug(deps: Pick<TenantDeps, 'pool'>, slug: string): Promise<TenantRow> {
  const row = await getTenantBySlug(deps.pool, slug);
  if (!row) throw new HttpError(404, 'tenant_not_found', `no tenant with slug ${slug}`);
  return row;
}

/** The tenant with its validated settings. */
export async function tenantBySlug(deps: TenantDeps, slug: string): Promise<TenantContext> {
  return loadTenant(deps, (await tenantRowBySlug(deps, slug)).id);
}
