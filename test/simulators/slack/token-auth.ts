import type { SlackStore } from './store';
import type { WorkspaceRecord } from './types';

/**
 * Who a Web API token speaks for. `scopes` is set only for OAuth-issued tokens; seeded bot
 * tokens carry no scope list and may call every method.
 */
export type TokenAuth =
  | { ok: true; workspace: WorkspaceRecord; scopes?: ReadonlySet<string> }
  | { ok: false; error: 'token_revoked' | 'token_expired' | 'invalid_auth' };

/** Resolves a bearer/`token` value: explicit revocations first, then seeded tokens, then OAuth ones. */
export function authenticateToken(store: SlackStore, token: string): TokenAuth {
  if (store.isRevoked(token)) return { ok: false, error: 'token_revoked' };
  const seeded = store.workspaceByToken(token);
  if (seeded !== undefined) return { ok: true, workspace: seeded };
  const check = store.oauth.tokens.useAccessToken(token);
  switch (check.kind) {
    case 'unknown':
      return { ok: false, error: 'invalid_auth' };
    case 'revoked':
      return { ok: false, error: 'token_revoked' };
    case 'expired':
      return { ok: false, error: 'token_expired' };
    case 'valid':
      // botToken is the presented token so auth.revoke revokes exactly what was used.
      return { ok: true, workspace: { ...check.grant.bot, botToken: token }, scopes: new Set(check.grant.scopes) };
  }
}
