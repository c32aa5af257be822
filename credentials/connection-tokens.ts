/**
 * The access token source a connector client uses when the tenant authorised the connector
 * through OAuth: this process's shared GrantTokens for it, refreshing through the connector's
 * provider with the tenant's app registration (read when a refresh happens, so a changed client
 * secret is picked up).
 */
import type { AccessTokenSource } from '../connectors/framework/access-token-source';
import type { TenantContext, TenantDeps } from '../tenancy/tenant-context';
import { GrantTokenRegistry } from './grant-token-registry';
import { codeFlowProviders } from './oauth/code-flow-providers';
import { providerClient } from './provider-client';

export function grantTokensFor(deps: TenantDeps, tenant: TenantContext, connectorId: 'servicenow' | 'slack'): AccessTokenSource {
  const provider = codeFlowProviders[connectorId];
  if (!provider) throw new Error(`${connectorId} has no OAuth provider`);
  // Without a process registry (tools, some tests) the tokens are shared by this client only.
  const registry = deps.grantTokens ?? new GrantTokenRegistry();
  const tokens = registry.tokensFor(deps, tenant.id, connectorId, {
    refresh: async (grant) => provider.tokenEndpoint(await providerClient(deps, tenant, provider.connectorId)).refresh(grant),
  });
  // Called when a client is (re)opened, i.e. once per configuration version: re-read the grant.
  tokens.forgetHeld();
  return tokens;
}
