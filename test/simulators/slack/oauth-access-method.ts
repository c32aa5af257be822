import { timingSafeEqual } from 'node:crypto';
import { accessResponse, grantFromCode } from './oauth-grant';
import { pkceS256, type OAuthAppRecord } from './oauth-store';
import { stringParam, type ApiParams } from './request-params';
import type { SlackStore } from './store';

/** The whole JSON body to answer; Slack answers every oauth.v2.access failure with HTTP 200. */
type Body = Record<string, unknown>;

const fail = (error: string): Body => ({ ok: false, error });

/**
 * `oauth.v2.access`: exchanges a code, or a refresh token, for tokens. It authenticates the
 * client (HTTP Basic, or client_id/client_secret params) instead of a bearer token.
 *
 * Error codes: invalid_client_id, bad_client_secret, invalid_grant_type; for codes
 * invalid_code (unknown, already used, expired, another app's, or a PKCE verifier that does not
 * match) and bad_redirect_uri; invalid_refresh_token for an unknown or revoked refresh token.
 * A failed exchange does not burn the code; only a successful one does.
 */
export function oauthV2Access(store: SlackStore, params: ApiParams, authorization: string | undefined): Body {
  const code = stringParam(params, 'code');
  const refreshToken = stringParam(params, 'refresh_token');
  const grantType =
    stringParam(params, 'grant_type') ?? (code === undefined && refreshToken !== undefined ? 'refresh_token' : 'authorization_code');
  store.oauth.countAccess(grantType);

  const client = clientCredentials(params, authorization);
  const app = client.id === undefined ? undefined : store.oauth.app(client.id);
  if (app === undefined) return fail('invalid_client_id');
  if (client.secret === undefined || !sameSecret(client.secret, app.clientSecret)) return fail('bad_client_secret');

  if (grantType === 'authorization_code') return exchangeCode(store, app, code, params);
  if (grantType === 'refresh_token') {
    const outcome = store.oauth.tokens.redeem(refreshToken ?? '', app.clientId);
    return outcome.ok ? accessResponse(outcome.grant, outcome.tokens) : fail('invalid_refresh_token');
  }
  return fail('invalid_grant_type');
}

function exchangeCode(store: SlackStore, app: OAuthAppRecord, code: string | undefined, params: ApiParams): Body {
  const found = store.oauth.findCode(code ?? '', app.clientId);
  if (!found.ok || code === undefined) return fail('invalid_code');
  const redirectUri = stringParam(params, 'redirect_uri');
  // Must repeat the authorize request's redirect_uri; may be omitted only if that one was too.
  const expected = found.code.explicitRedirectUri;
  if ((expected !== undefined || redirectUri !== undefined) && redirectUri !== found.code.redirectUri) {
    return fail('bad_redirect_uri');
  }
  if (found.code.codeChallenge !== undefined) {
    const verifier = stringParam(params, 'code_verifier');
    if (verifier === undefined || pkceS256(verifier) !== found.code.codeChallenge) return fail('invalid_code');
  }
  const grant = grantFromCode(store, app, found.code);
  if (grant === undefined) return fail('invalid_code');
  store.oauth.consumeCode(code);
  return accessResponse(grant, store.oauth.tokens.issue(grant));
}

/** Client credentials: HTTP Basic wins (Slack's preferred form), else body/query params. */
function clientCredentials(params: ApiParams, authorization: string | undefined): { id?: string; secret?: string } {
  const basic = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (basic !== undefined) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  }
  const id = stringParam(params, 'client_id');
  const secret = stringParam(params, 'client_secret');
  return { ...(id === undefined ? {} : { id }), ...(secret === undefined ? {} : { secret }) };
}

/** RFC 6749 §2.3.1 form-encodes Basic credentials; a malformed escape is taken literally. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** Constant-time comparison, as a real token endpoint would do. */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
