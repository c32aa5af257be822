/**
 * The tenant's registration with a provider, its client secret resolved where the tenant keeps
 * it, and a fetch that refuses internal addresses: what every OAuth call starts from.
 */
import { getAppRegistration, type Provider } from '../db/app-registrations-repo';
import { getSecret } from '../db/secrets-repo';
import { guardedFetch } from '../tenancy/guarded-fetch';
import { TenantConfigError, type TenantContext, type TenantDeps } from '../tenancy/tenant-context';
import { resolveSecretRef } from './app-registration';
import type { ProviderClient } from './oauth/oauth-provider';

/** The secret a registration keeps under `field` (clientSecret, privateKey). */
export async function registrationSecret(deps: TenantDeps, tenant: TenantContext, provider: Provider, field: string): Promise<string> {
  const registration = await getAppRegistration(deps.pool, tenant.id, provider);
  const ref = registration?.secretRefs[field];
  if (!registration || !ref) throw new TenantConfigError(`tenant ${tenant.slug} has no ${provider} app registration with a ${field}`);
  return resolveSecretRef(ref, (name) => getSecret(deps.pool, deps.secrets, tenant.id, name));
}

export async function providerClient(deps: TenantDeps, tenant: TenantContext, provider: Provider): Promise<ProviderClient> {
  const registration = await getAppRegistration(deps.pool, tenant.id, provider);
  if (!registration) throw new TenantConfigError(`tenant ${tenant.slug} has no ${provider} app registration`);
  const clientSecret = await registrationSecret(deps, tenant, provider, 'clientSecret');
  return { registration, clientSecret, tenant, fetch: guardedFetch(deps.urlPolicy) };
}
