/** The policy document in force for a tenant: its latest stored revision, or the default one. */
import type { Pool } from 'pg';
import { getCurrentPolicy } from '../db/policies-repo';
import { defaultPolicy, policyDocumentSchema, type PolicyDocument } from '../policy/policy-document';
import type { TenantCache } from './tenant-cache';
import { TenantConfigError, type TenantContext } from './tenant-context';

export interface TenantPolicy {
  document: PolicyDocument;
  /** 0 when the tenant has not stored a policy and the default applies. */
  revision: number;
}

/** The policy in force; kept per configuration version when `cache` is given (see tenant-cache.ts). */
export async function loadTenantPolicy(pool: Pool, tenant: TenantContext, cache?: TenantCache): Promise<TenantPolicy> {
  return cache ? cache.derive(tenant.id, 'policy', () => readTenantPolicy(pool, tenant)) : readTenantPolicy(pool, tenant);
}

async function readTenantPolicy(pool: Pool, tenant: TenantContext): Promise<TenantPolicy> {
  const stored = await getCurrentPolicy(pool, tenant.id);
  if (!stored) {
    return { document: defaultPolicy(tenant.settings.approvals.approvers, tenant.settings.approvals.timeoutSeconds), revision: 0 };
  }
  const parsed = policyDocumentSchema.safeParse(stored.document);
  // Stored documents were validated on write; failing here means the schema moved on without a migration.
  if (!parsed.success) throw new TenantConfigError(`tenant ${tenant.slug} policy revision ${stored.revision} is no longer valid`);
  return { document: parsed.data, revision: stored.revision };
}
