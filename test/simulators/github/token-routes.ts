import { Router } from 'express';
import { requireInstallation } from './access';
import type { TokenStore } from './token-store';

/**
 * `DELETE /installation/token` (wire reference: "Revoke an installation access token"): revokes
 * the token the request is authenticated with; 204 No Content, and the token is refused (401 Bad
 * credentials) from then on. A JWT or no credentials get 401, like every installation endpoint.
 */
export function tokenRoutes(tokens: TokenStore): Router {
  const router = Router();
  router.delete('/installation/token', (req, res) => {
    const caller = requireInstallation(req, res);
    if (!caller) return;
    tokens.revoke(caller.token.token);
    res.status(204).end();
  });
  return router;
}
