/**
 * Storing a tenant's own app registration (customer-managed app), the one way both the admin API
 * (PUT /admin/tenants/:slug/app-registrations/:provider) and the console do it: the body is
 * validated with the provider's schema (credentials/app-registration.ts), the client secret is
 * refused unless given the way the tenant policy allows, a value is sealed (a reference drops
 * any copy sealed earlier), and the save is audited with who made it.
 *
 * Answers carry {@link registrationView}: where each secret is kept, never its value.
 */
import { z } from 'zod';
import { appendAudit } from '../../db/audit-repo';
import { upsertAppRegistration, type AppRegistrationRow, type Provider, type SecretRef } from '../../db/app-registrations-repo';
import { deleteSecret, putSecret } from '../../db/secrets-repo';
import { appRegistrationSchemas, sealedSecretName, secretRefOf, storageRefusal, type SecretInput } from '../../credentials/app-registration';
import type { TenantContext } from '../../tenancy/tenant-context';
import { loadTenantPolicy } from '../../tenancy/tenant-policy';
import { secretNames } from '../../tenancy/tenant-settings';
import { assertSafeTenantUrl, UnsafeUrlError } from '../../tenancy/url-guard';
import type { ApiDeps } from '../deps';
import { HttpError } from '../http-error';
import { parseOr422 } from '../parse-request';

export const providerSchema = z.enum(['servicenow', 'slack', 'github']);

/** The field of each provider's body that holds the secret the policy governs. */
export const secretFieldOf: Record<Provider, 'clientSecret' | 'privateKey'> = {
  servicenow: 'clientSecret',
  slack: 'clientSecret',
  github: 'privateKey',
};

/** A registration as the API shows it: where secrets are kept, never their values. */
export function registrationView(row: AppRegistrationRow) {
  const secrets = Object.fromEntries(Object.entries(row.secretRefs).map(([field, ref]: [string, SecretRef]) =>
    [field, ref.kind === 'sealed' ? { kind: 'sealed' } : ref.kind === 'env' ? { kind: 'env', variable: ref.variable } : { kind: 'file', path: ref.path }]));
  return { provider: row.provider, clientId: row.clientId, settings: row.settings, secrets, createdBy: row.createdBy, updatedAt: row.updatedAt };
}
export type RegistrationView = ReturnType<typeof registrationView>;

/** What a provider's body holds, reduced to what is stored. */
interface ParsedRegistration {
  createdBy: string;
  clientId: string;
  secret: SecretInput;
  settings: Record<string, unknown>;
  /** Further secrets that are always sealed (signing and webhook secrets). */
  sealedExtras: Array<[string, string]>;
}

/**
 * The body with who saves it. The admin API names them in the body (validated with the rest);
 * the console passes its signed-in account, and a body that names someone is refused: the
 * record of who saved a secret must not be the browser's to choose.
 */
function withSavedBy(body: unknown, createdBy: string | undefined): unknown {
  if (createdBy === undefined || typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  if ('createdBy' in body) {
    throw new HttpError(422, 'invalid_request', 'invalid registration: createdBy: is the signed-in account; leave it out', [{ path: 'createdBy', message: 'is the signed-in account; leave it out' }]);
  }
  return { ...body, createdBy };
}

async function parseRegistration(deps: ApiDeps, provider: Provider, body: unknown): Promise<ParsedRegistration> {
  if (provider === 'github') {
    const parsed = parseOr422(appRegistrationSchemas.github, body, 'invalid GitHub App registration');
    await assertSafeTenantUrl(parsed.webUrl, deps.urlPolicy).catch((err: unknown) => {
      throw err instanceof UnsafeUrlError ? new HttpError(422, 'unsafe_url', `invalid registration: webUrl: ${err.message}`) : err;
    });
    return {
      createdBy: parsed.createdBy, clientId: String(parsed.appId), secret: parsed.privateKey,
      settings: { appId: String(parsed.appId), slug: parsed.slug, webUrl: parsed.webUrl },
      sealedExtras: parsed.webhookSecret ? [[secretNames.githubWebhookSecret, parsed.webhookSecret]] : [],
    };
  }
  if (provider === 'slack') {
    const parsed = parseOr422(appRegistrationSchemas.slack, body, 'invalid Slack app registration');
    return {
      createdBy: parsed.createdBy, clientId: parsed.clientId, secret: parsed.clientSecret,
      settings: parsed.appId ? { appId: parsed.appId } : {},
      sealedExtras: parsed.signingSecret ? [[secretNames.slackSigningSecret, parsed.signingSecret]] : [],
    };
  }
  const parsed = parseOr422(appRegistrationSchemas.servicenow, body, 'invalid ServiceNow OAuth application');
  return { createdBy: parsed.createdBy, clientId: parsed.clientId, secret: parsed.clientSecret, settings: { grant: parsed.grant }, sealedExtras: [] };
}

/**
 * Validates and stores the tenant's registration with `provider`.
 * @param createdBy the console's signed-in account; absent, the admin API's body names them.
 * @throws HttpError 422 (`invalid_request`, `unsafe_url`, `secret_storage_refused`) naming the reason, never a secret.
 */
export async function saveAppRegistration(deps: ApiDeps, tenant: TenantContext, provider: Provider, body: unknown, createdBy?: string): Promise<AppRegistrationRow> {
  const policy = (await loadTenantPolicy(deps.pool, tenant, deps.tenants)).document.credentials.clientSecretStorage;
  const registration = await parseRegistration(deps, provider, withSavedBy(body, createdBy));
  const { secret } = registration;
  const refusal = storageRefusal(secret, policy);
  if (refusal) throw new HttpError(422, 'secret_storage_refused', refusal);
  if ('value' in secret) await putSecret(deps.pool, deps.secrets, tenant.id, sealedSecretName[provider], secret.value);
  // Given by reference now: a copy sealed earlier must not linger as a second source.
  else await deleteSecret(deps.pool, tenant.id, sealedSecretName[provider]);
  for (const [name, value] of registration.sealedExtras) await putSecret(deps.pool, deps.secrets, tenant.id, name, value);
  const row = await upsertAppRegistration(deps.pool, {
    tenantId: tenant.id, provider, clientId: registration.clientId, settings: registration.settings,
    secretRefs: { [secretFieldOf[provider]]: secretRefOf(provider, secret) }, createdBy: registration.createdBy,
  });
  await appendAudit(deps.pool, {
    tenantId: tenant.id, type: 'app_registration.saved', outcome: 'saved', actor: registration.createdBy,
    detail: { provider, clientId: registration.clientId, secretKept: secretRefOf(provider, secret).kind },
  });
  return row;
}
