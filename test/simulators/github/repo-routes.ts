import { Router, type Request, type Response } from 'express';
import { readableRepo, requireInstallation } from './access';
import { validationFailed } from './errors';
import { filterAndSort, listFilter, type ListFilter } from './list-filters';
import { linkHeader, pageOf, pageRequest } from './pagination';
import { renderRepo } from './render-common';
import { renderIssue, renderPull } from './render-issues';
import { contextOf } from './request-context';
import { sendError, sendJson } from './respond';
import type { IssueRecord, PullRecord, Store } from './store';

const DOCS = {
  repo: 'https://docs.github.com/rest/repos/repos#get-a-repository',
  pulls: 'https://docs.github.com/rest/pulls/pulls#list-pull-requests',
  issues: 'https://docs.github.com/rest/issues/issues#list-repository-issues',
  installationRepos: 'https://docs.github.com/rest/apps/installations#list-repositories-accessible-to-the-app-installation',
};

/** Sends one page of a list with its `link` header. */
function sendPage<T>(req: Request, res: Response, items: T[], render: (item: T) => unknown): void {
  const page = pageRequest(req);
  const link = linkHeader(req, page, items.length);
  if (link) res.setHeader('link', link);
  sendJson(res, 200, pageOf(items, page).map(render));
}

function parsedFilter(req: Request, res: Response, resource: string, docs: string, sorts: readonly ListFilter['sort'][]): ListFilter | undefined {
  const filter = listFilter(req, sorts);
  if (filter.ok) return filter.value;
  sendError(res, validationFailed(resource, filter.field, docs));
  return undefined;
}

function isPull(issue: IssueRecord): issue is IssueRecord & { pull: PullRecord } {
  return issue.pull !== undefined;
}

/** Repository endpoints an installation token reads. */
export function repoRoutes(store: Store): Router {
  const router = Router();

  router.get('/installation/repositories', (req, res) => {
    const caller = requireInstallation(req, res);
    if (!caller) return;
    const repos = store.reposOf(caller.installation)
      .filter((r) => caller.token.repositories === null || caller.token.repositories.has(r.name.toLowerCase()));
    const page = pageRequest(req);
    const link = linkHeader(req, page, repos.length);
    if (link) res.setHeader('link', link);
    sendJson(res, 200, {
      total_count: repos.length,
      repository_selection: caller.installation.repositories === 'all' && caller.token.repositories === null ? 'all' : 'selected',
      repositories: pageOf(repos, page).map((r) => renderRepo(r, contextOf(req).apiBase)),
    });
  });

  router.get('/repos/:owner/:repo', (req, res) => {
    const repo = readableRepo(req, res, store, { docs: DOCS.repo });
    if (repo) sendJson(res, 200, renderRepo(repo, contextOf(req).apiBase));
  });

  router.get('/repos/:owner/:repo/pulls', (req, res) => {
    const repo = readableRepo(req, res, store, { permission: 'pull_requests', docs: DOCS.pulls });
    const filter = repo && parsedFilter(req, res, 'PullRequest', DOCS.pulls, ['created', 'updated', 'popularity', 'long-running']);
    if (!repo || !filter) return;
    const base = typeof req.query['base'] === 'string' ? req.query['base'] : undefined;
    // `head` is `user:ref` (or, leniently, a bare ref).
    const head = typeof req.query['head'] === 'string' ? req.query['head'].split(':').pop() : undefined;
    const pulls = filterAndSort(store.issuesOf(repo), filter)
      .filter(isPull)
      .filter((i) => (base === undefined || i.pull.base === base) && (head === undefined || i.pull.head === head));
    sendPage(req, res, pulls, (i) => renderPull(i, repo, contextOf(req).apiBase));
  });

  router.get('/repos/:owner/:repo/issues', (req, res) => {
    const repo = readableRepo(req, res, store, { permission: 'issues', docs: DOCS.issues });
    const filter = repo && parsedFilter(req, res, 'Issue', DOCS.issues, ['created', 'updated', 'comments']);
    if (!repo || !filter) return;
    const labels = typeof req.query['labels'] === 'string' ? req.query['labels'].split(',').map((l) => l.trim()).filter(Boolean) : [];
    const sinceRaw = typeof req.query['since'] === 'string' ? req.query['since'] : undefined;
    const since = sinceRaw === undefined ? undefined : Date.parse(sinceRaw);
    if (since !== undefined && Number.isNaN(since)) {
      sendError(res, validationFailed('Issue', 'since', DOCS.issues));
      return;
    }
    // Pull requests stay in this list, marked with `pull_request`, exactly as on GitHub.
    const issues = filterAndSort(store.issuesOf(repo), filter).filter((i) =>
      labels.every((l) => i.labels.includes(l)) && (since === undefined || Date.parse(i.updatedAt) >= since));
    sendPage(req, res, issues, (i) => renderIssue(i, repo, contextOf(req).apiBase));
  });

  return router;
}
