import type { RequestHandler } from 'express';
import { looksLikeJwt, verifyAppJwt } from './app-jwt';
import { BAD_CREDENTIALS } from './errors';
import { contextOf, type Identity } from './request-context';
import type { Store } from './store';
import type { TokenStore } from './token-store';
import { epochSeconds } from './time';
import type { Clock } from './types';

/**
 * Resolves an `Authorization` header. Schemes are case-insensitive: Octokit writes `bearer` for
 * JWTs and `token` for installation tokens; `Bearer ghs_…` works too. A JWT is only accepted
 * with the bearer scheme.
 */
export function resolveIdentity(header: string | undefined, store: Store, tokens: TokenStore, clock: Clock): Identity {
  if (header === undefined || header.trim() === '') return { kind: 'anonymous' };
  const match = /^(\S+)\s+(\S+)\s*$/.exec(header);
  const scheme = match?.[1]?.toLowerCase();
  const credential = match?.[2];
  if (credential === undefined || (scheme !== 'bearer' && scheme !== 'token')) return { kind: 'invalid', error: BAD_CREDENTIALS };

  if (scheme === 'bearer' && looksLikeJwt(credential)) {
    const verified = verifyAppJwt(credential, store, epochSeconds(clock()));
    return 'app' in verified ? { kind: 'app', app: verified.app } : { kind: 'invalid', error: verified.error };
  }
  const token = tokens.find(credential);
  const installation = token ? store.installations.get(token.installationId) : undefined;
  if (!token || !installation) return { kind: 'invalid', error: BAD_CREDENTIALS };
  return { kind: 'installation', token, installation };
}

/** Middleware that records the caller's identity; rejecting is left to later steps (rate limits count first). */
export function identify(store: Store, tokens: TokenStore, clock: Clock): RequestHandler {
  return (req, _res, next) => {
    contextOf(req).identity = resolveIdentity(req.get('authorization'), store, tokens, clock);
    next();
  };
}
