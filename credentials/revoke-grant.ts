/**
 * A disconnect's end of an OAuth grant: revoke it at the provider (each provider knows which of
 * the grant's tokens revokes it), then forget it. The deletion happens even when the provider cannot be reached: keeping a token
 * Gatehouse was told to drop is worse than leaving one to expire at the provider.
 */
import { deleteGrant, readGrant } from '../db/connector-grants-repo';
import type { TenantContext, TenantDeps } from '../tenancy/tenant-context';
import { codeFlowProviders } from './oauth/code-flow-providers';
import { providerClient } from './provider-client';

/** What became of the grant, in words for the disconnect's audit event; undefined when there was none. */
export async function revokeAndDeleteGrant(deps: TenantDeps, tenant: TenantContext, connectorId: string): Promise<string | undefined> {
  const grant = await readGrant(deps.pool, deps.secrets, tenant.id, connectorId).catch(() => undefined);
  let detail: string | undefined;
  const provider = codeFlowProviders[connectorId];
  if (grant && provider) {
    try {
      await provider.revoke(await providerClient(deps, tenant, provider.connectorId), grant);
      detail = `the OAuth grant was revoked at ${connectorId}`;
    } catch (err) {
      detail = `the OAuth grant could not be revoked at ${connectorId} (${err instanceof Error ? err.message : String(err)}); it was deleted here, revoke it at the provider by hand`;
    }
  }
  const deleted = await deleteGrant(deps.pool, tenant.id, connectorId);
  deps.grantTokens?.forget(tenant.id, connectorId);
  return deleted ? (detail ?? 'the OAuth grant was deleted') : undefined;
}
