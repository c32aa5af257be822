import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { requireApp } from './access';
import { notFound, unprocessable } from './errors';
import { linkHeader, pageOf, pageRequest } from './pagination';
import { renderApp, renderInstallation } from './render-app';
import { renderRepo } from './render-common';
import { contextOf } from './request-context';
import { sendJson, sendError } from './respond';
import { installationCovers, type AppRecord, type InstallationRecord, type Store } from './store';
import { isoSeconds } from './time';
import type { InstallationLifecycle } from './installation-lifecycle';
import type { TokenStore } from './token-store';
import type { Permissions } from './types';

const DOCS = {
  app: 'https://docs.github.com/rest/apps/apps#get-the-authenticated-app',
  installations: 'https://docs.github.com/rest/apps/apps#list-installations-for-the-authenticated-app',
  installation: 'https://docs.github.com/rest/apps/apps#get-an-installation-for-the-authenticated-app',
  repoInstallation: 'https://docs.github.com/rest/apps/apps#get-a-repository-installation-for-the-authenticated-app',
  deleteInstallation: 'https://docs.github.com/rest/apps/apps#delete-an-installation-for-the-authenticated-app',
  accessTokens: 'https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app',
};

/** Optional body of `POST /app/installations/{id}/access_tokens` (wire reference §3). */
const tokenRequestSchema = z.object({
  repositories: z.array(z.string()).max(500).optional(),
  repository_ids: z.array(z.number().int()).max(500).optional(),
  permissions: z.record(z.string(), z.enum(['read', 'write'])).optional(),
});

const LEVEL = { read: 1, write: 2 } as const;

function installationsOf(store: Store, app: AppRecord): InstallationRecord[] {
  return [...store.installations.values()].filter((i) => i.appId === app.id);
}

/** Requested permissions, or undefined when one is not granted to the installation. */
function grantedPermissions(installation: InstallationRecord, requested: Permissions | undefined): Permissions | undefined {
  if (requested === undefined) return installation.permissions;
  for (const [name, level] of Object.entries(requested)) {
    const granted = installation.permissions[name];
    if (granted === undefined || LEVEL[granted] < LEVEL[level]) return undefined;
  }
  return requested;
}

/** The app's own endpoints, authenticated with the app JWT. */
export function appRoutes(store: Store, tokens: TokenStore, lifecycle: InstallationLifecycle): Router {
  const router = Router();

  router.get('/app', (req, res) => {
    const app = requireApp(req, res);
    if (app) sendJson(res, 200, renderApp(app, installationsOf(store, app).length, contextOf(req).apiBase));
  });

  router.get('/app/installations', (req, res) => {
    const app = requireApp(req, res);
    if (!app) return;
    const all = installationsOf(store, app);
    const page = pageRequest(req);
    const link = linkHeader(req, page, all.length);
    if (link) res.setHeader('link', link);
    sendJson(res, 200, pageOf(all, page).map((i) => renderInstallation(i, app, contextOf(req).apiBase)));
  });

  const ownInstallation = (req: Request, res: Response, app: AppRecord, docs: string): InstallationRecord | undefined => {
    const installation = store.installations.get(Number(req.params['id']));
    if (installation?.appId === app.id) return installation;
    sendError(res, notFound(docs));
    return undefined;
  };

  router.get('/app/installations/:id', (req, res) => {
    const app = requireApp(req, res);
    const installation = app && ownInstallation(req, res, app, DOCS.installation);
    if (app && installation) sendJson(res, 200, renderInstallation(installation, app, contextOf(req).apiBase));
  });

  // The owner uninstalls from the API side (the app deletes its own installation); 204 like GitHub.
  router.delete('/app/installations/:id', (req, res) => {
    const app = requireApp(req, res);
    const installation = app && ownInstallation(req, res, app, DOCS.deleteInstallation);
    if (!installation) return;
    lifecycle.uninstall(installation.id);
    res.status(204).end();
  });

  router.get('/repos/:owner/:repo/installation', (req, res) => {
    const app = requireApp(req, res);
    if (!app) return;
    const repo = store.repo(String(req.params['owner']), String(req.params['repo']));
    const installation = repo && installationsOf(store, app).find((i) => installationCovers(i, repo));
    if (installation) sendJson(res, 200, renderInstallation(installation, app, contextOf(req).apiBase));
    else sendError(res, notFound(DOCS.repoInstallation));
  });

  router.post('/app/installations/:id/access_tokens', express.json({ limit: '100kb' }), (req, res) => {
    const app = requireApp(req, res);
    const installation = app && ownInstallation(req, res, app, DOCS.accessTokens);
    if (!installation) return;
    const body = tokenRequestSchema.safeParse(req.body ?? {});
    if (!body.success) {
      sendError(res, unprocessable('Invalid request.', DOCS.accessTokens));
      return;
    }
    const covered = store.reposOf(installation);
    const names = body.data.repositories?.map((n) => n.toLowerCase());
    const ids = body.data.repository_ids;
    const wanted = names || ids
      ? covered.filter((r) => names?.includes(r.name.toLowerCase()) || ids?.includes(r.id))
      : undefined;
    if (wanted && wanted.length !== (names?.length ?? 0) + (ids?.length ?? 0)) {
      sendError(res, unprocessable('There is at least one repository that does not exist or is not accessible to the parent installation.', DOCS.accessTokens));
      return;
    }
    const permissions = grantedPermissions(installation, body.data.permissions);
    if (!permissions) {
      sendError(res, unprocessable('The permissions requested are not granted to this installation.', DOCS.accessTokens));
      return;
    }
    const record = tokens.issue(installation.id, permissions, wanted ? new Set(wanted.map((r) => r.name.toLowerCase())) : null);
    const selected = wanted !== undefined || installation.repositories !== 'all';
    sendJson(res, 201, {
      token: record.token,
      expires_at: isoSeconds(new Date(record.expiresAtMs)),
      permissions,
      repository_selection: selected ? 'selected' : 'all',
      ...(selected ? { repositories: (wanted ?? covered).map((r) => renderRepo(r, contextOf(req).apiBase)) } : {}),
    });
  });

  return router;
}
