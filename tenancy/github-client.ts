/**
 * A tenant's GitHub App client: app id, installation id and API base URL come from the
 * connector's install config; the App's private key comes from the tenant's GitHub App
 * registration (sealed or by reference) when it has one, else from the sealed tenant secret.
 *
 * The client (and the installation token it holds until shortly before expiry) is kept per
 * tenant configuration version and install config when there is a tenant cache, so calls reuse
 * one token instead of minting one each.
 */
import { z } from 'zod';
import { GitHubClient } from '../connectors/github/client';
import { getAppRegistration } from '../db/app-registrations-repo';
import { getInstall } from '../db/installs-repo';
import { registrationSecret } from '../credentials/provider-client';
import { githubPermissionScopes } from '../credentials/scope-drift';
import { derived, gateFor, requireSecret, TenantConfigError, type TenantContext, type TenantDeps } from './tenant-context';
import { secretNames } from './tenant-settings';
import { assertSafeTenantUrl } from './url-guard';
import { guardedFetch } from './guarded-fetch';

export const githubInstallConfigSchema = z.object({
  appId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]),
  installationId: z.number().int().positive(),
  /** https://api.github.com, or GitHub Enterprise Server's https://<host>/api/v3. */
  baseUrl: z.string().url().default('https://api.github.com'),
  /** Repository the healthcheck and the smoke test look at, optional. */
  owner: z.string().min(1).optional(),
  repo: z.string().min(1).optional(),
  /** File of that repository the smoke test reads (github.contents.get); default README.md. */
  smokeTestPath: z.string().min(1).optional(),
});
export type GitHubInstallConfig = z.infer<typeof githubInstallConfigSchema>;

export async function githubConfigFor(deps: TenantDeps, tenant: TenantContext): Promise<GitHubInstallConfig> {
  const install = await getInstall(deps.pool, tenant.id, 'github');
  const parsed = githubInstallConfigSchema.safeParse(install?.config ?? {});
  if (!parsed.success) {
    throw new TenantConfigError(`tenant ${tenant.slug} has no valid GitHub install config: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** The App's private key: from the tenant's GitHub App registration when there is one, else the sealed tenant secret. */
async function githubPrivateKey(deps: TenantDeps, tenant: TenantContext): Promise<string> {
  const registration = await getAppRegistration(deps.pool, tenant.id, 'github');
  if (registration) return registrationSecret(deps, tenant, registration, 'privateKey');
  return requireSecret(deps, tenant, secretNames.githubAppPrivateKey);
}

export async function githubClientFor(deps: TenantDeps, tenant: TenantContext): Promise<{ client: GitHubClient; config: GitHubInstallConfig }> {
  const config = await githubConfigFor(deps, tenant);
  await assertSafeTenantUrl(config.baseUrl, deps.urlPolicy);
  // Install config is not part of the tenant's config version: a new installation is a new key.
  const key = `client:github:${String(config.appId)}:${config.installationId}:${config.baseUrl}`;
  const client = await derived(deps, tenant.id, key, async () => {
    const privateKey = await githubPrivateKey(deps, tenant);
    const gate = gateFor(deps, tenant, 'github');
    // Each mint answers the installation's permissions: a change since the install was reviewed
    // holds the install or disables what it breaks (credentials/grant-change.ts).
    const onGrantedPermissions = (permissions: Record<string, string>) =>
      void deps.grantTokens?.reviewGrantChange(deps.pool, tenant.id, 'github', githubPermissionScopes(permissions));
    return new GitHubClient({
      appId: config.appId, privateKey, installationId: config.installationId, baseUrl: config.baseUrl, fetch: guardedFetch(deps.urlPolicy),
      onGrantedPermissions, ...(gate ? { gate } : {}),
    });
  });
  return { client, config };
}
