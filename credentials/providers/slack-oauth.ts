/**
 * Slack's OAuth v2 endpoints (wire reference §2 "OAuth v2"): the authorisation page
 * `/oauth/v2/authorize` on the tenant's Slack origin (with PKCE), `oauth.v2.access` under the Web
 * API base for the code exchange and the refresh (form-urlencoded, client credentials via HTTP
 * Basic), and `auth.revoke` for a disconnect. Slack answers refusals with HTTP 200 and
 * `{"ok":false,"error":…}`: those are refused grants; HTTP errors and network failures are
 * transient. Without token rotation Slack issues a token that never expires (no expires_in).
 */
import type { IssuedTokens } from '../../db/connector-grants-repo';
import { fetchFailure } from '../../connectors/framework/fetch-failure';
import { GrantRefusedError, TokenRefreshUnavailableError } from '../grant-errors';
import type { CodeFlowProvider, ProviderClient } from '../oauth/oauth-provider';

/** Errors Slack gives when it cannot answer right now; every other `ok:false` refuses the grant. */
const TRANSIENT = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** The Web API base, always ending in "/" so method names resolve under it. */
function apiBase(client: Pick<ProviderClient, 'tenant'>): string {
  const base = client.tenant.settings.slack.apiBaseUrl;
  return base.endsWith('/') ? base : `${base}/`;
}

/** POSTs a form to a Web API method and answers its JSON body; HTTP and network failures are transient. */
async function postMethod(client: ProviderClient, method: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await client.fetch(new URL(method, apiBase(client)), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    throw new TokenRefreshUnavailableError(`Slack ${method} unreachable: ${fetchFailure(err)}`);
  }
  if (!response.ok) throw new TokenRefreshUnavailableError(`Slack ${method} answered HTTP ${response.status}`);
  const body = await response.json().catch(() => undefined) as unknown;
  if (typeof body !== 'object' || body === null) throw new TokenRefreshUnavailableError(`Slack ${method} answered something other than JSON`);
  return body as Record<string, unknown>;
}

/** Posts a grant to oauth.v2.access and reads the tokens; the body of a refusal is never echoed beyond its error code. */
async function requestTokens(client: ProviderClient, form: Record<string, string>): Promise<IssuedTokens> {
  const basic = Buffer.from(`${client.registration.clientId}:${client.clientSecret}`).toString('base64');
  const body = await postMethod(client, 'oauth.v2.access', form, { authorization: `Basic ${basic}` });
  if (body['ok'] !== true) {
    const error = typeof body['error'] === 'string' ? body['error'] : 'unknown_error';
    // invalid_code, bad_redirect_uri, invalid_refresh_token, bad_client_secret, invalid_client_id…
    if (!TRANSIENT.has(error)) throw new GrantRefusedError(`Slack refused the ${form['grant_type']} grant (${error})`, error);
    throw new TokenRefreshUnavailableError(`Slack oauth.v2.access failed (${error}); try again`);
  }
  if (typeof body['access_token'] !== 'string') throw new TokenRefreshUnavailableError('Slack token response has no access_token');
  const expiresIn = Number(body['expires_in']);
  return {
    accessToken: body['access_token'],
    ...(typeof body['refresh_token'] === 'string' ? { refreshToken: body['refresh_token'] } : {}),
    // Without token rotation the token has no lifetime: it works until revoked.
    accessExpiresAt: body['expires_in'] !== undefined && Number.isFinite(expiresIn) ? new Date(Date.now() + expiresIn * 1000) : null,
    grantedScopes: typeof body['scope'] === 'string' ? body['scope'].split(/[ ,]+/).filter(Boolean) : [],
  };
}

export const slackOAuth: CodeFlowProvider = {
  connectorId: 'slack',

  authorizeUrl(client, { redirectUri, state, codeChallenge, scopes }) {
    const url = new URL('/oauth/v2/authorize', client.tenant.settings.slack.apiBaseUrl);
    url.search = new URLSearchParams({
      client_id: client.registration.clientId, scope: scopes.join(','), redirect_uri: redirectUri, state,
      code_challenge: codeChallenge, code_challenge_method: 'S256',
    }).toString();
    return url;
  },

  exchangeCode(client, { code, redirectUri, codeVerifier }) {
    return requestTokens(client, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier });
  },

  tokenEndpoint(client) {
    return {
      refresh: (grant) => {
        if (!grant.refreshToken) {
          // A token issued without rotation never expires: a rejected one cannot be refreshed.
          return Promise.reject(new GrantRefusedError('Slack issued no refresh token for this install (token rotation is off) and the token was rejected', 'no_refresh_token'));
        }
        return requestTokens(client, { grant_type: 'refresh_token', refresh_token: grant.refreshToken });
      },
    };
  },

  // auth.revoke takes an access token (it ends the install's refresh tokens with it) and answers
  // a refresh token invalid_auth, which would read like "already revoked". An access token that
  // expired would be answered token_expired and leave the refresh token alive: refresh first.
  async revoke(client, grant) {
    const expired = grant.accessExpiresAt !== null && grant.accessExpiresAt.getTime() <= Date.now();
    const token = expired && grant.refreshToken
      ? (await requestTokens(client, { grant_type: 'refresh_token', refresh_token: grant.refreshToken })).accessToken
      : grant.accessToken;
    const body = await postMethod(client, 'auth.revoke', { token }, { authorization: `Bearer ${token}` });
    if (body['ok'] === true) return;
    const error = typeof body['error'] === 'string' ? body['error'] : 'unknown_error';
    // Already revoked (or gone with its install): what a disconnect wanted.
    if (['token_revoked', 'invalid_auth', 'account_inactive', 'not_authed'].includes(error)) return;
    throw new TokenRefreshUnavailableError(`Slack refused to revoke the token (${error})`);
  },
};
