/**
 * What an authorisation-code provider (ServiceNow, Slack) contributes to the shared OAuth flow:
 * the authorisation URL, the code exchange, the refresh and the revocation. The flow itself
 * (state, browser binding, PKCE, storage, audit, install review) is api/oauth/.
 */
import type { IssuedTokens, StoredGrant } from '../../db/connector-grants-repo';
import type { AppRegistrationRow } from '../../db/app-registrations-repo';
import type { TenantContext } from '../../tenancy/tenant-context';
import type { TokenEndpoint } from '../grant-tokens';

/** The tenant's registration with its client secret resolved, and how to reach the provider. */
export interface ProviderClient {
  registration: AppRegistrationRow;
  clientSecret: string;
  tenant: TenantContext;
  fetch: typeof fetch;
}

export interface CodeFlowProvider {
  connectorId: 'servicenow' | 'slack';
  /** The provider's authorisation page for this flow. */
  authorizeUrl(client: Omit<ProviderClient, 'clientSecret' | 'fetch'>, params: { redirectUri: string; state: string; codeChallenge: string; scopes: readonly string[] }): URL;
  /** Exchanges the callback's code. @throws GrantRefusedError when the provider refuses the code. */
  exchangeCode(client: ProviderClient, params: { code: string; redirectUri: string; codeVerifier: string }): Promise<IssuedTokens>;
  /** The refresh side, for GrantTokens. */
  tokenEndpoint(client: ProviderClient): TokenEndpoint;
  /** Revokes the grant at the provider (disconnect), with whichever of its tokens the provider revokes it by. */
  revoke(client: ProviderClient, grant: StoredGrant): Promise<void>;
}
