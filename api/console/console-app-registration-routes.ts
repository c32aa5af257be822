/**
 * The console's view of the tenant's own app registration with a provider (customer-managed
 * app), for the signed-in account's tenant: what is registered, the redirect URI to register at
 * the provider and how the tenant policy lets the secret be kept (any role); saving one (admins,
 * CSRF checked by the session guard), stored exactly as the admin API stores it
 * (api/admin/save-app-registration.ts) with the account as who saved it.
 *
 * A secret travels once, from the page to here: answers show where it is kept, never its value.
 * A refused body is a 422 answering `issues: [{ path, message }]` so the page can show each
 * message at its field.
 */
import express, { Router, type Response } from 'express';
import { getAppRegistration, type AppRegistrationRow, type Provider } from '../../db/app-registrations-repo';
import type { ClientSecretStorage } from '../../policy/policy-document';
import { loadTenant, TenantConfigError, type TenantContext } from '../../tenancy/tenant-context';
import { loadTenantPolicy } from '../../tenancy/tenant-policy';
import { providerSchema, registrationView, saveAppRegistration, secretFieldOf } from '../admin/save-app-registration';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';
import { redirectPath } from '../oauth/oauth-flow-routes';
import { parseOr422 } from '../parse-request';
import { consoleSessionOf, requireConsoleSession, requireRole } from './console-session';

interface Issue { path: string; message: string }

/** The field a refusal without issues of its own is about. */
function issuesOf(err: HttpError, provider: Provider): Issue[] {
  if (Array.isArray(err.details)) return err.details as Issue[];
  if (err.code === 'secret_storage_refused') return [{ path: secretFieldOf[provider], message: err.message }];
  if (err.code === 'unsafe_url') return [{ path: 'webUrl', message: err.message }];
  return [];
}

/** The 422 for a refused registration, with its issues at the top level for the page. */
function answerInvalid(res: Response, err: unknown, provider: Provider): boolean {
  if (!(err instanceof HttpError) || err.status !== 422) return false;
  res.status(422).json({ error: { code: err.code, message: err.message }, issues: issuesOf(err, provider) });
  return true;
}

export function consoleAppRegistrationRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use('/console/api/app-registrations', requireConsoleSession(deps.pool), express.json({ limit: '64kb' }));

  // The policy needs the tenant's validated settings; a tenant whose settings do not validate
  // cannot say how its secrets may be kept, so nothing is shown or stored for it.
  const tenantOf = async (tenantId: string): Promise<TenantContext> => loadTenant(deps, tenantId).catch((err: unknown) => {
    throw err instanceof TenantConfigError ? new HttpError(409, err.code, err.message) : err;
  });
  const secretStorageOf = async (tenant: TenantContext): Promise<ClientSecretStorage> =>
    (await loadTenantPolicy(deps.pool, tenant, deps.tenants)).document.credentials.clientSecretStorage;
  const viewOf = (row: AppRegistrationRow | undefined) => (row ? registrationView(row) : null);

  router.get('/console/api/app-registrations/:provider', async (req, res) => {
    const session = consoleSessionOf(res);
    const provider: Provider = parseOr422(providerSchema, req.params.provider, 'unknown provider');
    const [row, secretStorage] = await Promise.all([
      getAppRegistration(deps.pool, session.tenantId, provider),
      tenantOf(session.tenantId).then(secretStorageOf),
    ]);
    res.json({ registration: viewOf(row), redirectUri: new URL(redirectPath(provider), deps.publicBaseUrl).toString(), secretStorage });
  });

  router.put('/console/api/app-registrations/:provider', async (req, res) => {
    const session = requireRole(res, 'admin');
    const provider: Provider = parseOr422(providerSchema, req.params.provider, 'unknown provider');
    const tenant = await tenantOf(session.tenantId);
    let row: AppRegistrationRow;
    try {
      row = await saveAppRegistration(deps, tenant, provider, req.body ?? {}, session.email);
    } catch (err) {
      if (answerInvalid(res, err, provider)) return;
      throw err;
    }
    res.json({ registration: viewOf(row) });
  });

  return router;
}
