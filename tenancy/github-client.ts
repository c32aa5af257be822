/**
 * A tenant's GitHub App client: app id, installation id and API base URL come from the
 * connector's install config; the App's private key is a sealed tenant secret.
 */
import { z } from 'zod';
import { GitHubClient } from '../connectors/github/client';
import { getInstall } from '../db/installs-repo';
import { gateFor, requireSecret, TenantConfigError, type TenantContext, type TenantDeps } from './tenant-context';
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

export async function githubClientFor(deps: TenantDeps, tenant: TenantContext): Promise<{ client: GitHubClient; config: GitHubInstallConfig }> {
  const config = await githubConfigFor(deps, tenant);
  await assertSafeTenantUrl(config.baseUrl, deps.urlPolicy);
  const privateKey = await requireSecret(deps, tenant, secretNames.githubAppPrivateKey);
  const gate = gateFor(deps, tenant, 'github');
  return { client: new GitHubClient({ appId: config.appId, privateKey, installationId: config.installationId, baseUrl: config.baseUrl, fetch: guardedFetch(deps.urlPolicy), ...(gate ? { gate } : {}) }), config };
}
