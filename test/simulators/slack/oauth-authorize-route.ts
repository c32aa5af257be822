import express, { type Request, type Response, type Router } from 'express';
import type { SlackStore } from './store';
import type { UserRecord, WorkspaceRecord } from './types';

/** Who installs into which workspace, or why the consent screen cannot be shown. */
type Installer = { ok: true; workspace: WorkspaceRecord; userId: string } | { ok: false; reason: string };

/**
 * `GET /oauth/v2/authorize` at the origin root, as on slack.com (the Web API lives under /api/).
 * Consent is answered at once from {@link OAuthStore.consent}, so a test follows one redirect
 * instead of driving a browser. Requests Slack would not redirect (unknown app, unregistered
 * redirect_uri) get a 400 page, because redirecting those would make an open redirector.
 */
export function oauthAuthorizeRouter(store: SlackStore): Router {
  const router = express.Router();
  router.get('/oauth/v2/authorize', (req: Request, res: Response) => {
    const q = (key: string): string | undefined => {
      const v = req.query[key];
      return typeof v === 'string' ? v : undefined;
    };
    const app = store.oauth.app(q('client_id') ?? '');
    if (app === undefined) return void errorPage(res, 'invalid_client_id');
    const requestedRedirect = q('redirect_uri');
    if (requestedRedirect !== undefined && !app.redirectUris.includes(requestedRedirect)) {
      return void errorPage(res, 'bad_redirect_uri');
    }
    const redirectUri = requestedRedirect ?? app.redirectUris[0] ?? '';
    const challenge = q('code_challenge');
    // Only S256 is supported; a plain challenge would defeat the point of PKCE.
    if (challenge !== undefined && q('code_challenge_method') !== 'S256') {
      return void errorPage(res, 'invalid_code_challenge_method');
    }
    const installer = resolveInstaller(store, q('team'));
    if (!installer.ok) return void errorPage(res, installer.reason);

    const consent = store.oauth.consent();
    const target = new URL(redirectUri);
    const state = q('state');
    if (consent.decision === 'deny') {
      target.searchParams.set('error', 'access_denied');
    } else {
      const code = store.oauth.createCode({
        clientId: app.clientId,
        ...(requestedRedirect === undefined ? {} : { explicitRedirectUri: requestedRedirect }),
        redirectUri,
        teamId: installer.workspace.teamId,
        userId: installer.userId,
        scopes: consent.grantScopes ?? parseScopes(q('scope')),
        ...(challenge === undefined ? {} : { codeChallenge: challenge }),
      });
      target.searchParams.set('code', code);
    }
    if (state !== undefined) target.searchParams.set('state', state);
    res.redirect(302, target.toString());
  });
  return router;
}

/** The consenting user (and so the workspace): consent.userId, else `team`, else the first workspace. */
function resolveInstaller(store: SlackStore, teamParam: string | undefined): Installer {
  const consentUser = store.oauth.consent().userId;
  if (consentUser !== undefined) {
    const user: UserRecord | undefined = store.anyUser(consentUser);
    const workspace = user === undefined ? undefined : store.workspace(user.teamId);
    if (workspace === undefined) return { ok: false, reason: 'unknown_installing_user' };
    return { ok: true, workspace, userId: consentUser };
  }
  const workspace = teamParam === undefined ? store.firstWorkspace() : store.workspace(teamParam);
  if (workspace === undefined) return { ok: false, reason: 'no_workspace' };
  return { ok: true, workspace, userId: store.firstHumanUser(workspace.teamId)?.id ?? `U${workspace.teamId.slice(1)}INST` };
}

/** Slack separates scopes with commas; spaces are tolerated too. */
export function parseScopes(raw: string | undefined): string[] {
  return (raw ?? '').split(/[\s,]+/).filter((s) => s !== '');
}

function errorPage(res: Response, reason: string): void {
  res.status(400).type('text/html; charset=utf-8').send(`<!doctype html><title>Slack</title><p>Something went wrong: ${reason}</p>`);
}
