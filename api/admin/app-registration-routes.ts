/**
 * A tenant's own app registrations (customer-managed apps): PUT stores one, GET shows it without
 * any secret (only where each is kept), DELETE forgets it. A client secret is sealed or kept by
 * reference, as the tenant's policy allows (credentials/app-registration.ts).
 */
import express, { Router } from 'express';
import { z } from 'zod';
import { appendAudit } from '../../db/audit-repo';
import { deleteAppRegistration, getAppRegistration, upsertAppRegistration, type AppRegistrationRow, type Provider, type SecretRef } from '../../db/app-registrations-repo';
import { deleteSecret, putSecret } from '../../db/secrets-repo';
import { appRegistrationSchemas, sealedSecretName, secretRefOf, storageRefusal, type SecretInput } from '../../credentials/app-registration';
import { loadTenantPolicy } from '../../tenancy/tenant-policy';
import { secretNames } from '../../tenancy/tenant-settings';
import { assertSafeTenantUrl, UnsafeUrlError } from '../../tenancy/url-guard';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';
import { parseOr422 } from '../parse-request';
import { tenantBySlug } from './tenant-lookup';

const providerSchema = z.enum(['servicenow', 'slack', 'github']);

/** A registration as the API shows it: where secrets are kept, never their values. */
export function registrationView(row: AppRegistrationRow) {
  const secrets = Object.fromEntries(Object.entries(row.secretRefs).map(([field, ref]: [string, SecretRef]) =>
    [field, ref.kind === 'sealed' ? { kind: 'sealed' } : ref.kind === 'env' ? { kind: 'env', variable: ref.variable } : { kind: 'file', path: ref.path }]));
  return { provider: row.provider, clientId: row.clientId, settings: row.settings, secrets, createdBy: row.createdBy, updatedAt: row.updatedAt };
}

export function appRegistrationRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use('/admin/tenants/:slug/app-registrations', express.json({ limit: '64kb' }));

  const tenantFor = (slug: string) => tenantBySlug(deps, slug);

  router.put('/admin/tenants/:slug/app-registrations/:provider', async (req, res) => {
    const tenant = await tenantFor(req.params.slug);
    const provider: Provider = parseOr422(providerSchema, req.params.provider, 'unknown provider');
    const policy = (await loadTenantPolicy(deps.pool, tenant, deps.tenants)).document.credentials.clientSecretStorage;
    let clientId: string;
    let secretField: 'clientSecret' | 'privateKey';
    let secret: SecretInput;
    let settings: Record<string, unknown>;
    const sealedExtras: Array<[string, string]> = [];
    if (provider === 'github') {
      const body = parseOr422(appRegistrationSchemas.github, req.body ?? {}, 'invalid GitHub App registration');
      await assertSafeTenantUrl(body.webUrl, deps.urlPolicy).catch((err: unknown) => {
        throw err instanceof UnsafeUrlError ? new HttpError(422, 'unsafe_url', `invalid registration: webUrl: ${err.message}`) : err;
      });
      clientId = String(body.appId);
      secretField = 'privateKey';
      secret = body.privateKey;
      settings = { appId: String(body.appId), slug: body.slug, webUrl: body.webUrl };
      if (body.webhookSecret) sealedExtras.push([secretNames.githubWebhookSecret, body.webhookSecret]);
    } else if (provider === 'slack') {
      const body = parseOr422(appRegistrationSchemas.slack, req.body ?? {}, 'invalid Slack app registration');
      clientId = body.clientId;
      secretField = 'clientSecret';
      secret = body.clientSecret;
      settings = body.appId ? { appId: body.appId } : {};
      if (body.signingSecret) sealedExtras.push([secretNames.slackSigningSecret, body.signingSecret]);
    } else {
      const body = parseOr422(appRegistrationSchemas.servicenow, req.body ?? {}, 'invalid ServiceNow OAuth application');
      clientId = body.clientId;
      secretField = 'clientSecret';
      secret = body.clientSecret;
      settings = { grant: body.grant };
    }
    const refusal = storageRefusal(secret, policy);
    if (refusal) throw new HttpError(422, 'secret_storage_refused', refusal);
    const createdBy = String((req.body as { createdBy?: unknown }).createdBy);
    if ('value' in secret) await putSecret(deps.pool, deps.secrets, tenant.id, sealedSecretName[provider], secret.value);
    // Given by reference now: a copy sealed earlier must not linger as a second source.
    else await deleteSecret(deps.pool, tenant.id, sealedSecretName[provider]);
    for (const [name, value] of sealedExtras) await putSecret(deps.pool, deps.secrets, tenant.id, name, value);
    const row = await upsertAppRegistration(deps.pool, {
      tenantId: tenant.id, provider, clientId, settings, secretRefs: { [secretField]: secretRefOf(provider, secret) }, createdBy,
    });
    await appendAudit(deps.pool, {
      tenantId: tenant.id, type: 'app_registration.saved', outcome: 'saved', actor: createdBy,
      detail: { provider, clientId, secretKept: secretRefOf(provider, secret).kind },
    });
    res.json({ registration: registrationView(row) });
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
