/**
 * A tenant's own app registrations (customer-managed apps): PUT stores one, GET shows it without
 * any secret (only where each is kept), DELETE forgets it. A client secret is sealed or kept by
 * reference, as the tenant's policy allows (credentials/app-registration.ts); storing is
 * save-app-registration.ts, shared with the console.
 */
import express, { Router } from 'express';
import { appendAudit } from '../../db/audit-repo';
import { deleteAppRegistration, getAppRegistration, type Provider } from '../../db/app-registrations-repo';
import { deleteSecret } from '../../db/secrets-repo';
import { sealedSecretName } from '../../credentials/app-registration';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';
import { parseOr422 } from '../parse-request';
import { providerSchema, registrationView, saveAppRegistration } from './save-app-registration';
import { tenantBySlug } from './tenant-lookup';

export function appRegistrationRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use('/admin/tenants/:slug/app-registrations', express.json({ limit: '64kb' }));

  const tenantFor = (slug: string) => tenantBySlug(deps, slug);

  router.put('/admin/tenants/:slug/app-registrations/:provider', async (req, res) => {
    const tenant = await tenantFor(req.params.slug);
    const provider: Provider = parseOr422(providerSchema, req.params.provider, 'unknown provider');
    res.json({ registration: registrationView(await saveAppRegistration(deps, tenant, provider, req.body ?? {})) });
  });

  router.get('/admin/tenants/:slug/app-registrations/:provider', async (req, res) => {
    const tenant = await tenantFor(req.params.slug);
    const row = await getAppRegistration(deps.pool, tenant.id, req.params.provider);
    if (!row) throw new HttpError(404, 'app_registration_not_found', `tenant ${tenant.slug} has no ${req.params.provider} app registration`);
    res.json({ registration: registrationView(row) });
  });

  router.delete('/admin/tenants/:slug/app-registrations/:provider', async (req, res) => {
    const tenant = await tenantFor(req.params.slug);
    const provider: Provider = parseOr422(providerSchema, req.params.provider, 'unknown provider');
    if (!(await deleteAppRegistration(deps.pool, tenant.id, provider))) throw new HttpError(404, 'app_registration_not_found', `tenant ${tenant.slug} has no ${provider} app registration`);
    await deleteSecret(deps.pool, tenant.id, sealedSecretName[provider]);
    await appendAudit(deps.pool, { tenantId: tenant.id, type: 'app_registration.deleted', outcome: 'deleted', detail: { provider } });
    res.status(204).end();
  });

  return router;
}
