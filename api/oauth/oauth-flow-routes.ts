/**
 * Installing a connector by authorising it at the provider instead of pasting a token:
 *
 * 1. `POST /admin/tenants/:slug/connectors/:id/authorize` (admin API) records the flow and
 *    answers with a one-time start link on this API (or, for a ServiceNow application set to
 *    client credentials, obtains the token at once).
 * 2. `GET /oauth/begin?ticket=…` — the admin opens the link: the flow is bound to this browser
 *    (HttpOnly cookie) and to a fresh `state`, and the browser is sent to the provider with a
 *    PKCE challenge derived from both.
 * 3. `GET /oauth/callback/:id` — the provider sends the browser back. The state must be known,
 *    unused, unexpired and come with the binding cookie; the code is exchanged with the verifier
 *    only that cookie re-derives; the tokens are sealed; the install review run starts with what
 *    the provider granted compared to the manifest. GitHub Apps come back to /oauth/github/setup.
 * Every outcome is audited; no page or audit event carries a token or code.
 */
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { appendAudit } from '../../db/audit-repo';
import { getAppRegistration } from '../../db/app-registrations-repo';
import { saveGrant } from '../../db/connector-grants-repo';
import { beginOAuthState, completeOAuthState, createOAuthState, recordOAuthOutcome, type OAuthStateRow, type StateRefusal } from '../../db/oauth-states-repo';
import { GrantRefusedError } from '../../credentials/grant-errors';
import { driftAgainstManifest } from '../../credentials/install-grant';
import { codeFlowProviders } from '../../credentials/oauth/code-flow-providers';
import { codeChallengeOf, codeVerifierFor, randomToken } from '../../credentials/oauth/pkce';
import { providerClient } from '../../credentials/provider-client';
import { serviceNowOAuth } from '../../credentials/providers/servicenow-oauth';
import type { ScopeDrift } from '../../credentials/scope-drift';
import { loadTenant, type TenantContext } from '../../tenancy/tenant-context';
import type { ApiDeps } from '../deps';
import { checkRequestedActions, startInstallReview } from '../admin/start-install-review';
import { HttpError } from '../http-error';
import { parseOr422 } from '../parse-request';
import { bindingOf, clearBindingCookie, setBindingCookie } from './flow-binding';
import { sendFlowPage } from './flow-pages';
import { tenantBySlug } from '../admin/tenant-lookup';

/** How long an admin has from the start link to the provider's callback. */
export const FLOW_TTL_SECONDS = 600;

export const authorizeSchema = z.object({
  requestedBy: z.string().min(1).max(200),
  config: z.record(z.string(), z.unknown()).default({}),
  reviewTimeoutSeconds: z.number().int().min(60).max(30 * 24 * 3600).default(7 * 24 * 3600),
  /** The actions the requester wants enabled (the reviewer's default); absent: all the policy allows. */
  enableActions: z.array(z.string().min(1).max(200)).max(500).optional(),
});
/**
 * What the flow carries to the callback. `returnTo: 'console'` (set by the console, never taken
 * from a request) sends the browser back to the console's install page instead of a flow page.
 */
type InstallRequest = Pick<z.infer<typeof authorizeSchema>, 'config' | 'reviewTimeoutSeconds' | 'enableActions'> & { returnTo?: 'console' };

const refusalText: Record<StateRefusal, string> = {
  unknown_state: 'This sign-in does not belong to any authorisation Gatehouse started (unknown state). Start again from the admin API.',
  expired_state: 'This authorisation took longer than 10 minutes and expired. Start again from the admin API.',
  already_used: 'This authorisation was already completed; a second callback is refused.',
  other_browser: 'This authorisation was started in another browser (or its cookie is missing), so it cannot be completed here. Open the start link in this browser.',
};

/** The path the provider sends the browser back to, registered in the tenant's app. */
export function redirectPath(connectorId: string): string {
  return connectorId === 'github' ? '/oauth/github/setup' : `/oauth/callback/${connectorId}`;
}

/**
 * Checks a callback's state and binding. Refusals are audited against the flow's tenant when
 * the state names one, answered with a page, and give undefined.
 */
export async function completeCallbackState(deps: ApiDeps, req: Request, res: Response, connectorId: string): Promise<{ flow: OAuthStateRow; state: string; binding: string } | undefined> {
  const state = typeof req.query['state'] === 'string' ? req.query['state'] : '';
  const binding = bindingOf(req);
  const completion = state ? await completeOAuthState(deps.pool, state, binding) : { ok: false as const, refusal: 'unknown_state' as const };
  if (!completion.ok || completion.flow.connectorId !== connectorId || !binding) {
    const refusal: StateRefusal = completion.ok ? 'unknown_state' : completion.refusal;
    const flow = completion.flow;
    await appendAudit(deps.pool, {
      tenantId: flow?.tenantId ?? null, type: 'connector.authorization_refused', outcome: refusal,
      detail: { connectorId, reason: refusalText[refusal] },
    });
    sendFlowPage(res, 400, 'Authorisation refused', [refusalText[refusal]]);
    return undefined;
  }
  clearBindingCookie(res);
  return { flow: completion.flow, state, binding };
}

/** What the provider granted, and where the install review run goes from there. */
interface AuthorizedInstall {
  connectorId: string;
  requestedBy: string;
  install: InstallRequest;
  /** Granted scopes to compare with the manifest; undefined where there is nothing to compare. */
  scopes?: readonly string[] | undefined;
  /** Install config learned from the provider (GitHub's installation). */
  config?: Record<string, unknown>;
  grant?: string;
}

/** Starts the install review run for an authorised connector and audits the authorisation. */
async function startAuthorizedInstall(deps: ApiDeps, tenant: TenantContext, authorized: AuthorizedInstall): Promise<{ workflowId: string; drift?: ScopeDrift }> {
  const connector = deps.registry.get(authorized.connectorId);
  const drift = authorized.scopes ? driftAgainstManifest(connector.manifest, authorized.scopes) : undefined;
  const workflowId = await startInstallReview(deps, tenant, {
    connectorId: authorized.connectorId, manifestVersion: connector.manifest.version, requestedBy: authorized.requestedBy,
    reviewTimeoutSeconds: authorized.install.reviewTimeoutSeconds, config: { ...authorized.install.config, ...authorized.config }, credentialNames: [],
    ...(drift ? { scopeDrift: drift } : {}),
    ...(authorized.install.enableActions ? { requestedActions: authorized.install.enableActions } : {}),
  });
  await appendAudit(deps.pool, {
    tenantId: tenant.id, workflowId, type: 'connector.authorized', outcome: 'authorized', actor: authorized.requestedBy,
    detail: {
      connectorId: authorized.connectorId, ...(authorized.grant ? { grant: authorized.grant } : {}),
      ...(drift ? { grantedScopes: drift.granted, broaderThanManifest: drift.broader, missingFromGrant: drift.missing } : {}),
    },
  });
  return { workflowId, ...(drift ? { drift } : {}) };
}

/** After a browser flow: starts the install review with what was granted and shows the admin where it stands. */
export async function finishAuthorizedInstall(deps: ApiDeps, res: Response, flow: OAuthStateRow, state: string, granted: { scopes: readonly string[] | undefined; config?: Record<string, unknown> }): Promise<void> {
  const tenant = await loadTenant(deps, flow.tenantId);
  const { workflowId, drift } = await startAuthorizedInstall(deps, tenant, {
    connectorId: flow.connectorId, requestedBy: flow.startedBy, install: flow.install as InstallRequest, scopes: granted.scopes,
    ...(granted.config ? { config: granted.config } : {}),
  });
  await recordOAuthOutcome(deps.pool, state, 'connected');
  if ((flow.install as InstallRequest).returnTo === 'console') {
    // The console's install page shows the review, what the provider granted, and follows the run.
    res.redirect(303, `/console/#/connectors/${encodeURIComponent(flow.connectorId)}/review`);
    return;
  }
  const lines = [`${deps.registry.get(flow.connectorId).manifest.name} is authorised for ${tenant.slug}. The install now waits for a tenant admin's review (workflow ${workflowId}).`];
  if (drift?.broader.length) lines.push(`The provider granted more than the manifest declares: ${drift.broader.join(', ')}. The reviewer must accept this explicitly.`);
  if (drift?.disabledActions.length) lines.push(`Not granted: ${drift.missing.join(', ')}. These actions will stay disabled: ${drift.disabledActions.map((a) => a.actionId).join(', ')}.`);
  sendFlowPage(res, 200, 'Connected', lines);
}

/** What starting an authorisation gave: a start link for the browser, or (client credentials) the review at once. */
export type AuthorizationStart =
  | { kind: 'link'; link: { startUrl: string; redirectUri: string; expiresAt: Date } }
  | { kind: 'review'; workflowId: string };

/**
 * Starts authorising `connectorId` for the tenant with its app registration (the admin API and
 * the console both do it this way).
 */
export async function startAuthorization(deps: ApiDeps, tenant: TenantContext, connectorId: string, body: z.infer<typeof authorizeSchema>, returnTo?: 'console'): Promise<AuthorizationStart> {
  if (!deps.registry.isInstallable(connectorId)) throw new HttpError(404, 'unknown_connector', `${connectorId} is not an installable connector`);
  checkRequestedActions(deps, connectorId, body.enableActions);
  if (connectorId !== 'github' && !codeFlowProviders[connectorId]) {
    throw new HttpError(409, 'no_oauth_flow', `${connectorId} has no OAuth install flow: install it with credentials (POST …/install)`);
  }
  const registration = await getAppRegistration(deps.pool, tenant.id, connectorId);
  if (!registration) {
    throw new HttpError(409, 'no_app_registration', `register the tenant's own ${connectorId} app first (PUT /admin/tenants/${tenant.slug}/app-registrations/${connectorId})`);
  }
  if (connectorId === 'servicenow' && registration.settings['grant'] === 'client_credentials') {
    // No browser: the application's own credentials buy the token (instances that allow the grant).
    const tokens = await serviceNowOAuth.clientCredentials(await providerClient(deps, tenant, 'servicenow')).catch((err: unknown) => {
      throw err instanceof GrantRefusedError ? new HttpError(422, 'grant_refused', `${err.message}: check the client secret and that the instance allows client credentials`) : err;
    });
    await saveGrant(deps.pool, deps.secrets, { tenantId: tenant.id, connectorId, grantType: 'client_credentials', ...tokens });
    const { workflowId } = await startAuthorizedInstall(deps, tenant, { connectorId, requestedBy: body.requestedBy, install: body, grant: 'client_credentials' });
    return { kind: 'review', workflowId };
  }
  const ticket = randomToken();
  const redirectUri = new URL(redirectPath(connectorId), deps.publicBaseUrl).toString();
  const expiresAt = await createOAuthState(deps.pool, {
    ticket, tenantId: tenant.id, connectorId, startedBy: body.requestedBy, redirectUri,
    install: {
      config: body.config, reviewTimeoutSeconds: body.reviewTimeoutSeconds,
      ...(body.enableActions ? { enableActions: body.enableActions } : {}), ...(returnTo ? { returnTo } : {}),
    } satisfies InstallRequest, ttlSeconds: FLOW_TTL_SECONDS,
  });
  await appendAudit(deps.pool, { tenantId: tenant.id, type: 'connector.authorization_started', outcome: 'started', actor: body.requestedBy, detail: { connectorId } });
  const startUrl = new URL('/oauth/begin', deps.publicBaseUrl);
  startUrl.searchParams.set('ticket', ticket);
  return { kind: 'link', link: { startUrl: startUrl.toString(), redirectUri, expiresAt } };
}

export function oauthFlowRouter(deps: ApiDeps): Router {
  const router = Router();

  const tenantFor = (slug: string) => tenantBySlug(deps, slug);

  router.post('/admin/tenants/:slug/connectors/:connectorId/authorize', express.json({ limit: '64kb' }), async (req, res) => {
    const tenant = await tenantFor(req.params.slug);
    const body = parseOr422(authorizeSchema, req.body ?? {}, 'invalid authorisation request');
    const started = await startAuthorization(deps, tenant, req.params.connectorId, body);
    if (started.kind === 'review') {
      res.status(202).json({ status: 'pending_review', workflowId: started.workflowId });
      return;
    }
    res.status(201).json({ ...started.link, next: 'open startUrl in the browser you are signed in to the provider with (once, within 10 minutes)' });
  });

  router.get('/oauth/begin', async (req, res) => {
    const ticket = typeof req.query['ticket'] === 'string' ? req.query['ticket'] : '';
    const state = randomToken();
    const binding = randomToken();
    const flow = ticket ? await beginOAuthState(deps.pool, ticket, state, binding) : undefined;
    if (!flow) {
      sendFlowPage(res, 400, 'Link expired or already used', ['Each start link works once, for 10 minutes. Ask the admin API for a new one.']);
      return;
    }
    const tenant = await loadTenant(deps, flow.tenantId);
    const registration = await getAppRegistration(deps.pool, flow.tenantId, flow.connectorId);
    if (!registration) {
      sendFlowPage(res, 409, 'App registration missing', [`The tenant's ${flow.connectorId} app registration was removed after this link was made.`]);
      return;
    }
    let target: URL;
    if (flow.connectorId === 'github') {
      target = new URL(`/apps/${encodeURIComponent(String(registration.settings['slug']))}/installations/new`, String(registration.settings['webUrl'] ?? 'https://github.com'));
      target.searchParams.set('state', state);
    } else {
      const provider = codeFlowProviders[flow.connectorId]!;
      target = provider.authorizeUrl({ registration, tenant }, {
        redirectUri: flow.redirectUri, state, codeChallenge: codeChallengeOf(codeVerifierFor(binding, state)),
        scopes: deps.registry.get(flow.connectorId).manifest.scopes,
      });
    }
    setBindingCookie(res, binding, deps.publicBaseUrl, Math.max(1, Math.floor((flow.expiresAt.getTime() - Date.now()) / 1000)));
    res.redirect(303, target.toString());
  });

  router.get('/oauth/callback/:connectorId', async (req, res) => {
    const connectorId = req.params.connectorId;
    const provider = codeFlowProviders[connectorId];
    if (!provider) {
      sendFlowPage(res, 404, 'Unknown connector', [`${connectorId} has no OAuth callback.`]);
      return;
    }
    const checked = await completeCallbackState(deps, req, res, connectorId);
    if (!checked) return;
    const { flow, state, binding } = checked;
    const error = typeof req.query['error'] === 'string' ? req.query['error'] : undefined;
    if (error) {
      await appendAudit(deps.pool, { tenantId: flow.tenantId, type: 'connector.authorization_denied', outcome: error, actor: flow.startedBy, detail: { connectorId } });
      await recordOAuthOutcome(deps.pool, state, `provider_error:${error}`);
      sendFlowPage(res, 400, 'Authorisation not granted', [`The provider answered "${error}": nothing was installed. Start again if this was a mistake.`]);
      return;
    }
    const code = typeof req.query['code'] === 'string' ? req.query['code'] : '';
    const tenant = await loadTenant(deps, flow.tenantId);
    let tokens;
    try {
      tokens = await provider.exchangeCode(await providerClient(deps, tenant, provider.connectorId), {
        code, redirectUri: flow.redirectUri, codeVerifier: codeVerifierFor(binding, state),
      });
    } catch (err) {
      if (!(err instanceof GrantRefusedError)) throw err;
      await appendAudit(deps.pool, { tenantId: flow.tenantId, type: 'connector.authorization_failed', outcome: 'code_refused', actor: flow.startedBy, detail: { connectorId, reason: err.message } });
      await recordOAuthOutcome(deps.pool, state, 'code_refused');
      sendFlowPage(res, 400, 'Authorisation failed', [`The provider refused to exchange the code (${err.message}). Nothing was stored; start again.`]);
      return;
    }
    await saveGrant(deps.pool, deps.secrets, { tenantId: flow.tenantId, connectorId, grantType: 'authorization_code', ...tokens });
    // ServiceNow's scope ("useraccount") is the consenting user's own rights, not the manifest's
    // table scopes, so there is nothing to compare; providers with granular scopes compare them.
    await finishAuthorizedInstall(deps, res, flow, state, { scopes: connectorId === 'servicenow' ? undefined : tokens.grantedScopes });
  });

  return router;
}
