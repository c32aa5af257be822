import { Router, type Request, type Response } from 'express';
import { readableRepo } from './access';
import { notFound } from './errors';
import { renderDirectory, renderFile } from './render-contents';
import { contextOf } from './request-context';
import { sendError, sendJson } from './respond';
import type { Store } from './store';

const DOCS = 'https://docs.github.com/rest/repos/contents#get-repository-content';

/**
 * The path after `/contents/`. Octokit sends `{path}` with slashes encoded as `%2F`; GitHub
 * accepts both forms, and express has already decoded each segment.
 */
function contentPath(req: Request): string {
  const raw: unknown = req.params['path'];
  const segments = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? [raw] : [];
  return segments.join('/').replace(/^\/+|\/+$/g, '');
}

/** `GET /repos/{owner}/{repo}/contents/{path}?ref=`: a file, a directory listing, or 404. */
export function contentsRoutes(store: Store): Router {
  const router = Router();
  const handler = (req: Request, res: Response): void => {
    const repo = readableRepo(req, res, store, { permission: 'contents', docs: DOCS });
    if (!repo) return;
    const ref = typeof req.query['ref'] === 'string' && req.query['ref'] !== '' ? req.query['ref'] : repo.defaultBranch;
    if (!store.hasBranch(repo, ref)) {
      sendError(res, { ...notFound(DOCS), message: `No commit found for the ref ${ref}` });
      return;
    }
    const path = contentPath(req);
    const files = store.branchFiles(repo, ref);
    const file = files.get(path);
    const apiBase = contextOf(req).apiBase;
    if (file) {
      sendJson(res, 200, renderFile(file, repo, ref, apiBase));
      return;
    }
    const listing = renderDirectory(files.values(), path, repo, ref, apiBase);
    if (listing) sendJson(res, 200, listing);
    else sendError(res, notFound(DOCS));
  };
  router.get('/repos/:owner/:repo/contents', handler);
  router.get('/repos/:owner/:repo/contents/*path', handler);
  return router;
}
