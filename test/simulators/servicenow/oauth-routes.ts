import express, { Router } from 'express';
import { z } from 'zod';
import type { Directory } from './directory';
import { sendJson } from './respond';
import type { TokenStore } from './token-store';

/** `POST /oauth_token.do` path, shared by the router and the tests. */
export const OAUTH_TOKEN_PATH = '/oauth_token.do';

const client = { client_id: z.string().min(1), client_secret: z.string().min(1) };

/** The grants a base instance accepts on the token endpoint (client_credentials is off by default). */
const TokenRequest = z.discriminatedUnion('grant_type', [
  z.object({ grant_type: z.literal('password'), ...client, username: z.string().min(1), password: z.string() }),
  z.object({ grant_type: z.literal('refresh_token'), ...client, refresh_token: z.string().min(1) }),
]);

/** The failure body seen in fixtures; every failure looks the same so nothing leaks about why. */
const ACCESS_DENIED = { error: 'server_error', error_description: 'access_denied' } as const;

/**
 * The OAuth token endpoint. Only `application/x-www-form-urlencoded` is parsed: a JSON body
 * leaves the request without parameters and so fails like bad credentials, as on an instance.
 */
export function oauthRoutes(directory: Directory, tokens: TokenStore): Router {
  const router = Router();
  router.post(OAUTH_TOKEN_PATH, express.urlencoded({ extended: false, limit: '1mb' }), (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const parsed = TokenRequest.safeParse(req.body);
    if (!parsed.success || !tokens.verifyClient(parsed.data.client_id, parsed.data.client_secret)) {
      sendJson(res, 401, ACCESS_DENIED);
      return;
    }
    const grant = parsed.data;
    if (grant.grant_type === 'password') {
      if (!directory.verifyPassword(grant.username, grant.password)) sendJson(res, 401, ACCESS_DENIED);
      else sendJson(res, 200, tokens.issueForPassword(grant.client_id, grant.username));
      return;
    }
    const refreshed = tokens.refresh(grant.client_id, grant.refresh_token);
    sendJson(res, refreshed ? 200 : 401, refreshed ?? ACCESS_DENIED);
  });
  return router;
}
