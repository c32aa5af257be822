import type { Request, Response } from 'express';
import { BAD_CREDENTIALS, JWT_UNDECODABLE, REQUIRES_AUTHENTICATION, notFound, resourceNotAccessible } from './errors';
import { contextOf } from './request-context';
import { sendError } from './respond';
import { installationCovers, type AppRecord, type InstallationRecord, type RepoRecord, type Store } from './store';
import type { TokenRecord } from './token-store';

/** The app behind a JWT-authenticated request, or undefined after answering 401. */
export function requireApp(req: Request, res: Response): AppRecord | undefined {
  const identity = contextOf(req).identity;
  if (identity.kind === 'app') return identity.app;
  // App endpoints try to decode whatever bearer credential came (or none) as a JWT.
  sendError(res, JWT_UNDECODABLE);
  return undefined;
}

/** The installation behind a token-authenticated request, or undefined after answering 401. */
export function requireInstallation(req: Request, res: Response): { token: TokenRecord; installation: InstallationRecord } | undefined {
  const identity = contextOf(req).identity;
  if (identity.kind === 'installation') return identity;
  // A JWT on an installation endpoint is refused as bad credentials (the exact text is unconfirmed).
  sendError(res, identity.kind === 'anonymous' ? REQUIRES_AUTHENTICATION : BAD_CREDENTIALS);
  return undefined;
}

/** What a repository endpoint needs from the caller. */
export interface RepoAccess {
  /** Installation permission the endpoint needs (read), e.g. `contents`; undefined for metadata-only endpoints. */
  permission?: string;
  /** `documentation_url` of the endpoint's errors. */
  docs: string;
}

/**
 * The repository a token may read, or undefined after answering: 404 when the repository does
 * not exist or lies outside the installation or the token's repositories (GitHub does not
 * reveal private repositories), 403 `Resource not accessible by integration` when the
 * installation lacks the permission. `x-accepted-github-permissions` names what the endpoint
 * accepts, as GitHub's answers do.
 */
export function readableRepo(req: Request, res: Response, store: Store, access: RepoAccess): RepoRecord | undefined {
  const caller = requireInstallation(req, res);
  if (!caller) return undefined;
  const permission = access.permission ?? 'metadata';
  res.setHeader('x-accepted-github-permissions', `${permission}=read`);
  const owner = String(req.params['owner'] ?? '');
  const name = String(req.params['repo'] ?? '');
  const repo = store.repo(owner, name);
  const visible = repo !== undefined && installationCovers(caller.installation, repo)
    && (caller.token.repositories === null || caller.token.repositories.has(repo.name.toLowerCase()));
  if (!visible) {
    sendError(res, notFound(access.docs));
    return undefined;
  }
  if (caller.token.permissions[permission] === undefined) {
    sendError(res, resourceNotAccessible(access.docs));
    return undefined;
  }
  return repo;
}
