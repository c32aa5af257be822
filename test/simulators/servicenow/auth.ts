import type { RequestHandler } from 'express';
import type { Directory } from './directory';
import { NOT_AUTHENTICATED } from './errors';
import { contextOf } from './request-context';
import { sendError } from './respond';
import type { TokenStore } from './token-store';

/** user_name for a `Basic` header with a known user and the right password. */
function basicUser(credentials: string, directory: Directory): string | undefined {
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const userName = decoded.slice(0, colon);
  return directory.verifyPassword(userName, decoded.slice(colon + 1)) ? userName : undefined;
}

/** Resolves the `Authorization` header to a user_name; undefined for missing, malformed, wrong or expired credentials. */
export function authenticatedUser(header: string | undefined, directory: Directory, tokens: TokenStore): string | undefined {
  const match = /^(\S+)\s+(\S+)\s*$/.exec(header ?? '');
  const scheme = match?.[1]?.toLowerCase();
  const credentials = match?.[2];
  if (credentials === undefined) return undefined;
  if (scheme === 'basic') return basicUser(credentials, directory);
  if (scheme === 'bearer') return tokens.userForAccessToken(credentials);
  return undefined;
}

/**
 * Table API authentication: Basic against seeded users or Bearer against issued access tokens.
 * Every failure gets the same observed 401 body, so a client cannot tell why.
 */
export function authenticate(directory: Directory, tokens: TokenStore): RequestHandler {
  return (req, res, next) => {
    const userName = authenticatedUser(req.get('authorization'), directory, tokens);
    if (userName === undefined) {
      sendError(res, NOT_AUTHENTICATED);
      return;
    }
    contextOf(req).userName = userName;
    next();
  };
}
