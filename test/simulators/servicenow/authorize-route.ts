import { Router, type Request, type Response } from 'express';
import type { AuthorizationCodes } from './authorization-codes';
import type { OAuthClient, OAuthClients } from './oauth-clients';
import type { OAuthSettings } from './oauth-settings';
import { isS256Challenge } from './pkce';
import { sendHtml, sendRedirect } from './respond';

/** The browser-facing authorization page of the instance. */
export const OAUTH_AUTHORIZE_PATH = '/oauth_auth.do';

/** A query parameter given exactly once, `undefined` when absent, `null` when repeated or not a string. */
function single(req: Request, name: string): string | undefined | null {
  const value: unknown = req.query[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : null;
}

/** An absolute http(s) URL without fragment (RFC 6749 3.1.2), or undefined. */
function redirectTarget(raw: string): URL | undefined {
  try {
    const url = new URL(raw);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hash === '' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The redirect_uri to answer to, or undefined when it cannot be trusted. Omitting it is only
 * allowed when exactly one is registered (RFC 6749 3.1.2.3); a client with none registered gets
 * whatever it names, as a loosely configured instance entry does.
 */
function resolveRedirect(client: OAuthClient, given: string | undefined | null): string | undefined {
  if (given === null) return undefined;
  if (given === undefined) return client.redirectUris.length === 1 ? client.redirectUris[0] : undefined;
  if (client.redirectUris.length > 0 && !client.redirectUris.includes(given)) return undefined;
  return redirectTarget(given) ? given : undefined;
}

/** An error page shown to the user instead of redirecting to an untrusted address (RFC 6749 4.1.2.1). */
function refusePage(res: Response, reason: string): void {
  sendHtml(res, 400, `<!DOCTYPE html><html><body><h1>Invalid OAuth request</h1><p>${reason}</p></body></html>`);
}

/** `<redirect_uri>` with the answer's parameters added, keeping the query it already had. */
function redirectWith(res: Response, redirectUri: string, params: Record<string, string>, state: string | undefined): void {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value);
  if (state !== undefined) url.searchParams.append('state', state);
  sendRedirect(res, url.toString());
}

/**
 * `GET /oauth_auth.do`: checks the client and redirect_uri first (failures there never
 * redirect), then answers through the redirect with a code or an error. The login and consent
 * screens are replaced by the decision a test set with setOAuthConsent.
 */
export function authorizeRoute(clients: OAuthClients, codes: AuthorizationCodes, settings: OAuthSettings): Router {
  const router = Router();
  router.get(OAUTH_AUTHORIZE_PATH, (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const clientId = single(req, 'client_id');
    const client = typeof clientId === 'string' ? clients.find(clientId) : undefined;
    if (!client) return refusePage(res, 'Unknown client_id.');
    const requested = single(req, 'redirect_uri');
    const redirectUri = resolveRedirect(client, requested);
    if (redirectUri === undefined) return refusePage(res, 'The redirect_uri is not registered for this client.');

    const state = single(req, 'state') ?? undefined;
    const fail = (error: string, description: string): void =>
      redirectWith(res, redirectUri, { error, error_description: description }, state);
    const responseType = single(req, 'response_type');
    if (typeof responseType !== 'string') return fail('invalid_request', 'response_type is required');
    if (responseType !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported');
    const challenge = single(req, 'code_challenge');
    if (challenge === null) return fail('invalid_request', 'code_challenge is malformed');
    if (challenge !== undefined && (single(req, 'code_challenge_method') !== 'S256' || !isS256Challenge(challenge))) {
      return fail('invalid_request', 'code_challenge_method must be S256 with a valid code_challenge');
    }

    const consent = settings.consent;
    if (consent.decision === 'deny') return fail('access_denied', 'The user denied the authorization request');
    const code = codes.issue({ clientId: client.clientId, redirectUri: requested ?? undefined, userName: consent.userName, codeChallenge: challenge });
    redirectWith(res, redirectUri, { code }, state);
  });
  return router;
}
