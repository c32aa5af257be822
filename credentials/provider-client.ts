/**
 * The tenant's registration with a provider, its client secret resolved where the tenant keeps
 * it, and a fetch that refuses internal addresses: what every OAuth call starts from.
 */
import { getAppRegistration, type AppRegistrationRow, type Provider } from '../db/app-registrations-repo';
import { getSecret } from '../db/secrets-repo';
import { guardedFetch } from '../tenancy/guarded-fetch';
import { TenantConfigError, type TenantContext, type TenantDeps } from '../tenancy/tenant-context';
import { resolveSecretRef } from './app-registration';
import type { ProviderClient } from './oauth/oauth-provider';

/** The tenant's registration with `provider`. @throws TenantConfigError when it has none. */
export async function requireRegistration(deps: TenantDeps, tenant: TenantContext, provider: Provider): Promise<AppRegistrationRow> {
  const registration = await getAppRegistration(deps.pool, tenant.id, provider);
  if (!registration) throw new TenantConfigError(`tenant ${tenant.slug} has no ${provider} app registration`);
  return registration;
}

/** The secret a registration keeps under `field` (clientSecret, privateKey), wherever it is kept. */
export async function registrationSecret(deps: TenantDeps, tenant: TenantContext, registration: AppRegistrationRow, field: string): Promise<string> {
  const ref = registration.secretRefs[field];
  if (!ref) throw new TenantConfigError(`tenant ${tenant.slug}'s ${registration.provider} app registration has no ${field}`);
  return resolveSecretRef(ref, (name) => getSecret(deps.pool, deps.secrets, tenant.id, name));
}

export async function providerClient(deps: TenantDeps, tenant: TenantContext, provider: Provider): Promise<ProviderClient> {
  const registration = await requireRegistration(deps, tenant, provider);
  const clientSecret = await registrationSecret(deps, tenant, registration, 'clientSecret');
  return { registration, clientSecret, tenant, fetch: guardedFetch(deps.urlPolicy) };
}
