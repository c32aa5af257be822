/**
 * Each available connector's healthcheck, run with the tenant's stored credentials. A check
 * answers ok/not-ok with a reason a tenant admin can act on; it never throws for a failed check.
 */
import type { TenantContext, TenantDeps } from '../tenancy/tenant-context';
import { serviceNowClientFor, slackClientFor } from '../tenancy/tenant-context';
import type { HealthcheckResult } from '../marketplace/types';
import { githubClientFor } from '../tenancy/github-client';
import { checkGitHubHealth } from './github/healthcheck';
import { getInstall } from '../db/installs-repo';
import { scopeDriftOf } from '../credentials/install-grant';

type Check = (deps: TenantDeps, tenant: TenantContext) => Promise<string>;

const checks: Record<string, Check> = {
  async servicenow(deps, tenant) {
    const client = await serviceNowClientFor(deps, tenant);
    const count = await client.probeIncidents();
    return `instance reachable; the integration user can read incidents (${count} visible on the first page)`;
  },
  async slack(deps, tenant) {
    const slack = await slackClientFor(deps, tenant);
    const auth = await slack.auth.test();
    return `bot token valid for workspace ${auth.team ?? auth.team_id ?? '?'} as ${auth.user ?? auth.user_id ?? '?'}`;
  },
  async github(deps, tenant) {
    const { client, config } = await githubClientFor(deps, tenant);
    // Scopes the installation was authorised without (recorded on the install by the OAuth
    // flow, shown in the review) disable only the actions needing them, so the check does
    // not demand them either. No recorded drift: every permission is required, as before.
    const drift = scopeDriftOf((await getInstall(deps.pool, tenant.id, 'github'))?.detail);
    const health = await checkGitHubHealth(client, config.owner && config.repo ? { repository: { owner: config.owner, repo: config.repo } } : {},
      { acceptedWithout: drift?.missing ?? [] });
    if (!health.ok) throw new Error(health.problems.join('; '));
    return `GitHub App ${health.app.slug} installed on ${health.installation.account}; ${health.repositories.totalCount} repositories reachable`;
  },
};

/** True when Gatehouse has a healthcheck for this connector. */
export const hasHealthcheck = (connectorId: string): boolean => connectorId in checks;

export async function runConnectorHealthcheck(deps: TenantDeps, tenant: TenantContext, connectorId: string, now: () => number = Date.now): Promise<HealthcheckResult> {
  const started = now();
  const check = checks[connectorId];
  if (!check) return { ok: false, detail: `no healthcheck is implemented for ${connectorId}`, durationMs: 0 };
  try {
    const detail = await check(deps, tenant);
    return { ok: true, detail, durationMs: now() - started };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err), durationMs: now() - started };
  }
}

/** Registers a healthcheck for a connector whose client lives elsewhere (e.g. GitHub). */
export function registerHealthcheck(connectorId: string, check: Check): void {
  checks[connectorId] = check;
}
