import { Router, type Response } from 'express';
import type { InstallationLifecycle } from './installation-lifecycle';
import type { Store } from './store';

/** The setup URL with GitHub's callback parameters appended (keeping any query it already has). */
function setupRedirect(setupUrl: string, installationId: number, state: string | undefined): string {
  const url = new URL(setupUrl);
  url.searchParams.set('installation_id', String(installationId));
  url.searchParams.set('setup_action', 'install');
  if (state !== undefined) url.searchParams.set('state', state);
  return url.toString();
}

function sendText(res: Response, status: number, text: string): void {
  res.status(status).type('text/plain').send(text);
}

/**
 * `GET /apps/:slug/installations/new[?state=…]`: on GitHub the browser page where an account
 * owner installs an App (https://github.com/apps/<slug>/installations/new). The simulator has no
 * browser, so a visit is the owner approving at once: a new installation, then a 302 to the App's
 * setup URL with `installation_id`, `setup_action=install` and the `state` the visit carried.
 * A cancelled install has no callback on GitHub, so the page just says so.
 */
export function installRoutes(store: Store, lifecycle: InstallationLifecycle): Router {
  const router = Router();
  router.get('/apps/:slug/installations/new', (req, res) => {
    const slug = String(req.params['slug']).toLowerCase();
    const app = [...store.apps.values()].find((a) => a.slug.toLowerCase() === slug);
    if (!app) {
      sendText(res, 404, 'Not Found');
      return;
    }
    const outcome = lifecycle.install(app);
    if (outcome.kind === 'cancelled') {
      sendText(res, 200, 'installation cancelled');
      return;
    }
    const state = typeof req.query['state'] === 'string' ? req.query['state'] : undefined;
    const id = outcome.installation.id;
    if (app.setupUrl === undefined) sendText(res, 200, `${app.name} installed on ${outcome.installation.account.login} (installation ${id})`);
    else res.redirect(302, setupRedirect(app.setupUrl, id, state));
  });
  return router;
}
