/**
 * ServiceNow's OAuth endpoints on the tenant's instance (wire reference §1 "OAuth"):
 * `GET /oauth_auth.do` (authorisation code, with PKCE), `POST /oauth_token.do` (form-urlencoded
 * only: authorization_code, refresh_token, client_credentials) and `POST /oauth_revoke_token.do`.
 * Instances answer every refusal with the same 401 body, so any 4xx from the token endpoint is a
 * refused grant; 5xx and network failures are transient.
 */
import type { IssuedTokens } from '../../db/connector-grants-repo';
import { ServiceNowApiError, fetchFailure, isEgressRefusal } from '../../connectors/servicenow/errors';
import { GrantRefusedError } from '../grant-errors';
import type { CodeFlowProvider, ProviderClient } from '../oauth/oauth-provider';

/** ServiceNow documents a 1800 s access token; assumed when an answer omits expires_in. */
const DEFAULT_EXPIRES_IN_SECONDS = 1800;

function instanceUrl(client: Pick<ProviderClient, 'tenant'>): string {
  return client.tenant.settings.servicenow.instanceUrl;
}

async function postForm(client: ProviderClient, path: string, form: Record<string, string>): Promise<Response> {
  try {
    return await client.fetch(new URL(path, instanceUrl(client)), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    throw new ServiceNowApiError(isEgressRefusal(err) ? 'egress_refused' : 'network_error', `ServiceNow ${path} unreachable: ${fetchFailure(err)}`);
  }
}

/** Posts a grant to the token endpoint and reads the tokens; the body of a refusal is never echoed (it may repeat parameters). */
async function requestTokens(client: ProviderClient, form: Record<string, string>): Promise<IssuedTokens> {
  const response = await postForm(client, '/oauth_token.do', { ...form, client_id: client.registration.clientId, client_secret: client.clientSecret });
  if (response.status >= 400 && response.status < 500) {
    throw new GrantRefusedError(`ServiceNow refused the ${form['grant_type']} grant (HTTP ${response.status})`, 'access_denied');
  }
  if (!response.ok) throw new ServiceNowApiError('server_error', `ServiceNow's token endpoint answered HTTP ${response.status}`, response.status);
  const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; refresh_token?: unknown; expires_in?: unknown; scope?: unknown };
  if (typeof body.access_token !== 'string') throw new ServiceNowApiError('invalid_response', 'ServiceNow token response has no access_token');
  const expiresIn = Number(body.expires_in ?? DEFAULT_EXPIRES_IN_SECONDS);
  return {
    accessToken: body.access_token,
    ...(typeof body.refresh_token === 'string' ? { refreshToken: body.refresh_token } : {}),
    accessExpiresAt: new Date(Date.now() + (Number.isFinite(expiresIn) ? expiresIn : DEFAULT_EXPIRES_IN_SECONDS) * 1000),
    grantedScopes: typeof body.scope === 'string' ? body.scope.split(/[ ,]+/).filter(Boolean) : [],
  };
}

export const serviceNowOAuth: CodeFlowProvider & {
  clientCredentials(client: ProviderClient): Promise<IssuedTokens>;
} = {
  connectorId: 'servicenow',

  authorizeUrl(client, { redirectUri, state, codeChallenge }) {
    const url = new URL('/oauth_auth.do', instanceUrl(client));
    url.search = new URLSearchParams({
      response_type: 'code', client_id: client.registration.clientId, redirect_uri: redirectUri, state,
      code_challenge: codeChallenge, code_challenge_method: 'S256',
    }).toString();
    return url;
  },

  exchangeCode(client, { code, redirectUri, codeVerifier }) {
    return requestTokens(client, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier });
  },

  clientCredentials(client) {
    return requestTokens(client, { grant_type: 'client_credentials' });
  },

  tokenEndpoint(client) {
    return {
      refresh: (grant) => grant.grantType === 'client_credentials' || !grant.refreshToken
        // A client-credentials grant has no refresh token: a new token is simply requested again.
        ? requestTokens(client, { grant_type: 'client_credentials' })
        : requestTokens(client, { grant_type: 'refresh_token', refresh_token: grant.refreshToken }),
    };
  },

  // The refresh token: revoking it takes the access tokens issued from it along.
  async revoke(client, grant) {
    const token = grant.refreshToken ?? grant.accessToken;
    const response = await postForm(client, '/oauth_revoke_token.do', { token, client_id: client.registration.clientId, client_secret: client.clientSecret });
    if (!response.ok) throw new ServiceNowApiError('server_error', `ServiceNow refused to revoke the token (HTTP ${response.status})`, response.status);
  },
};
