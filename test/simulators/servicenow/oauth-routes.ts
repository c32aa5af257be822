import express, { Router, type Response } from 'express';
import { z } from 'zod';
import type { AuthorizationCodes } from './authorization-codes';
import { authorizeRoute } from './authorize-route';
import type { Directory } from './directory';
import type { GrantCounts } from './grant-counts';
import type { OAuthClients } from './oauth-clients';
import type { OAuthSettings } from './oauth-settings';
import { sendJson } from './respond';
import type { TokenResponse, TokenStore } from './token-store';

/** `POST /oauth_token.do` path, shared by the router and the tests. */
export const OAUTH_TOKEN_PATH = '/oauth_token.do';
/** `POST /oauth_revoke_token.do` path. */
export const OAUTH_REVOKE_PATH = '/oauth_revoke_token.do';

/** The OAuth state of the instance that the routes serve from. */
export interface OAuthParts {
  directory: Directory;
  clients: OAuthClients;
  tokens: TokenStore;
  codes: AuthorizationCodes;
  settings: OAuthSettings;
  grantCounts: GrantCounts;
}

const client = { client_id: z.string().min(1), client_secret: z.string().min(1) };

/** The grants the token endpoint knows; client_credentials is further gated by an instance property. */
const TokenRequest = z.discriminatedUnion('grant_type', [
  z.object({ grant_type: z.literal('password'), ...client, username: z.string().min(1), password: z.string() }),
  z.object({ grant_type: z.literal('refresh_token'), ...client, refresh_token: z.string().min(1) }),
  z.object({
    grant_type: z.literal('authorization_code'),
    ...client,
    code: z.string().min(1),
    redirect_uri: z.string().optional(),
    code_verifier: z.string().optional(),
  }),
  z.object({ grant_type: z.literal('client_credentials'), ...client }),
]);
type TokenRequest = z.infer<typeof TokenRequest>;

const RevokeRequest = z.object({ ...client, token: z.string().min(1) });

/** The failure body seen in fixtures; every failure looks the same so nothing leaks about why. */
const ACCESS_DENIED = { error: 'server_error', error_description: 'access_denied' } as const;

/** Form bodies only: a JSON body leaves the request without parameters and so fails like bad credentials, as on an instance. */
const formBody = express.urlencoded({ extended: false, limit: '1mb' });

/** Tokens for an authenticated client's grant, or undefined when the grant is refused. */
function grantTokens(parts: OAuthParts, grant: TokenRequest): TokenResponse | undefined {
  switch (grant.grant_type) {
    case 'password':
      return parts.directory.verifyPassword(grant.username, grant.password) ? parts.tokens.issueForPassword(grant.client_id, grant.username) : undefined;
    case 'refresh_token':
      return parts.tokens.refresh(grant.client_id, grant.refresh_token);
    case 'authorization_code':
      return parts.codes.redeem(grant.code, { clientId: grant.client_id, redirectUri: grant.redirect_uri, codeVerifier: grant.code_verifier });
    case 'client_credentials': {
      const user = parts.clients.find(grant.client_id)?.clientCredentialsUser;
      if (!parts.settings.clientCredentialsGrantEnabled || user === undefined) return undefined;
      return parts.tokens.issueForClientCredentials(grant.client_id, user);
    }
  }
}

function answer(res: Response, body: TokenResponse | undefined): void {
  sendJson(res, body ? 200 : 401, body ?? ACCESS_DENIED);
}

/** The OAuth endpoints of the instance: authorize page, token endpoint, revocation endpoint. */
export function oauthRoutes(parts: OAuthParts): Router {
  const router = Router();
  router.use(authorizeRoute(parts.clients, parts.codes, parts.settings));
  router.post(OAUTH_TOKEN_PATH, formBody, (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const body: unknown = req.body;
    parts.grantCounts.count(typeof body === 'object' && body !== null && 'grant_type' in body ? body.grant_type : undefined);
    const parsed = TokenRequest.safeParse(body);
    if (!parsed.success || !parts.clients.verify(parsed.data.client_id, parsed.data.client_secret)) return answer(res, undefined);
    answer(res, grantTokens(parts, parsed.data));
  });
  router.post(OAUTH_REVOKE_PATH, formBody, (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const parsed = RevokeRequest.safeParse(req.body);
    if (!parsed.success || !parts.clients.verify(parsed.data.client_id, parsed.data.client_secret)) {
      sendJson(res, 401, ACCESS_DENIED);
      return;
    }
    // RFC 7009 2.2: an unknown or already revoked token is answered like a revoked one.
    parts.tokens.revoke(parsed.data.client_id, parsed.data.token);
    sendJson(res, 200, {});
  });
  return router;
}
