/**
 * Where a GitHub App's install page sends the browser back ("Setup URL"):
 * `GET /oauth/github/setup?installation_id&setup_action&state`.
 *
 * The state and the binding cookie are checked like every other callback. The installation id
 * comes from the browser, so anyone can forge it: before anything is installed it is looked up
 * with the tenant's own App (`GET /app/installations/{id}` with an App JWT) and must belong to
 * the registration's app. The permissions GitHub reports for it are the grant compared with the
 * manifest; the install review run starts with app id, installation id and API base URL.
 */
import { Router } from 'express';
import { z } from 'zod';
import { appendAudit } from '../../db/audit-repo';
import { getAppRegistration } from '../../db/app-registrations-repo';
import { recordOAuthOutcome, type OAuthStateRow } from '../../db/oauth-states-repo';
import { GitHubClient, GITHUB_API_URL } from '../../connectors/github/client';
import { GitHubApiError } from '../../connectors/github/errors';
import { registrationSecret } from '../../credentials/provider-client';
import { githubPermissionScopes } from '../../credentials/scope-drift';
import { guardedFetch } from '../../tenancy/guarded-fetch';
import { loadTenant } from '../../tenancy/tenant-context';
import { assertSafeTenantUrl, UnsafeUrlError } from '../../tenancy/url-guard';
import type { ApiDeps } from '../deps';
import { completeCallbackState, finishAuthorizedInstall } from './oauth-flow-routes';
import { sendFlowPage } from './flow-pages';

const installationSchema = z.object({
  id: z.number().int().positive(),
  app_id: z.number().int().positive(),
  permissions: z.record(z.string(), z.string()).default({}),
  account: z.object({ login: z.string() }).partial().nullish(),
});

class InstallationRefused extends Error {}

export function githubSetupRouter(deps: ApiDeps): Router {
  const router = Router();

  router.get('/oauth/github/setup', async (req, res) => {
    const checked = await completeCallbackState(deps, req, res, 'github');
    if (!checked) return;
    const { flow, state } = checked;

    const refuse = async (outcome: string, reason: string): Promise<void> => {
      await appendAudit(deps.pool, {
        tenantId: flow.tenantId, type: 'connector.authorization_refused', outcome, actor: flow.startedBy,
        detail: { connectorId: 'github', reason },
      });
      await recordOAuthOutcome(deps.pool, state, outcome);
      sendFlowPage(res, 400, 'Authorisation refused', [reason, 'Nothing was installed. Start again from the admin API.']);
    };

    const rawId = typeof req.query['installation_id'] === 'string' ? req.query['installation_id'] : '';
    const installationId = /^[1-9]\d{0,15}$/.test(rawId) ? Number(rawId) : NaN;
    if (!Number.isSafeInteger(installationId)) {
      const action = typeof req.query['setup_action'] === 'string' ? req.query['setup_action'] : '';
      await refuse('no_installation', action === 'request'
        ? 'The installation was requested, not made: an owner of the account has to approve it on GitHub first.'
        : 'GitHub sent no valid installation id.');
      return;
    }

    let verified: { appId: string; installationId: number; baseUrl: string; scopes: string[] };
    try {
      verified = await verifyInstallation(deps, flow, installationId);
    } catch (err) {
      if (err instanceof InstallationRefused) {
        await refuse('installation_not_verified', err.message);
        return;
      }
      throw err;
    }
    await finishAuthorizedInstall(deps, res, flow, state, {
      scopes: verified.scopes,
      config: { appId: verified.appId, installationId: verified.installationId, baseUrl: verified.baseUrl },
    });
  });

  return router;
}

/** Looks the installation up as the tenant's App; refuses one that is not the App's. */
async function verifyInstallation(deps: ApiDeps, flow: OAuthStateRow, installationId: number): Promise<{ appId: string; installationId: number; baseUrl: string; scopes: string[] }> {
  const tenant = await loadTenant(deps, flow.tenantId);
  const registration = await getAppRegistration(deps.pool, tenant.id, 'github');
  const appId = registration ? String(registration.settings['appId'] ?? registration.clientId) : '';
  if (!registration || !/^\d+$/.test(appId)) throw new InstallationRefused(`The tenant's GitHub App registration is missing or has no app id.`);
  const config = (flow.install['config'] ?? {}) as Record<string, unknown>;
  const baseUrl = typeof config['baseUrl'] === 'string' && config['baseUrl'] !== '' ? config['baseUrl'] : GITHUB_API_URL;
  try {
    await assertSafeTenantUrl(baseUrl, deps.urlPolicy);
  } catch (err) {
    if (err instanceof UnsafeUrlError) throw new InstallationRefused(`The GitHub API base URL is not allowed: ${err.message}`);
    throw err;
  }
  const privateKey = await registrationSecret(deps, tenant, registration, 'privateKey');
  const client = new GitHubClient({ appId, privateKey, installationId, baseUrl, fetch: guardedFetch(deps.urlPolicy) });
  let data: unknown;
  try {
    data = (await client.requestAsApp('GET /app/installations/{installation_id}', { installation_id: installationId })).data;
  } catch (err) {
    if (err instanceof GitHubApiError && (err.code === 'not_found' || err.code === 'unauthenticated' || err.code === 'configuration_error')) {
      throw new InstallationRefused(`Installation ${installationId} is not an installation of the tenant's GitHub App ${appId} (GitHub answered: ${err.code}).`);
    }
    throw err;
  }
  const parsed = installationSchema.safeParse(data);
  if (!parsed.success) throw new InstallationRefused(`GitHub answered with an installation Gatehouse cannot read.`);
  if (String(parsed.data.app_id) !== appId || parsed.data.id !== installationId) {
    throw new InstallationRefused(`Installation ${installationId} belongs to GitHub App ${parsed.data.app_id}, not to the tenant's App ${appId}.`);
  }
  return { appId, installationId, baseUrl, scopes: githubPermissionScopes(parsed.data.permissions) };
}
