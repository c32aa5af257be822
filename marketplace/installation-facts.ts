/**
 * What a smoke test knows about one installation, for read actions to derive real inputs from:
 * the connector's install config as stored, and the few tenant settings a read may use.
 */
import type { InstallationFacts } from '../connectors/framework/action-contract';
import { getInstall } from '../db/installs-repo';
import type { TenantContext, TenantDeps } from '../tenancy/tenant-context';

export async function installationFacts(deps: TenantDeps, tenant: TenantContext, connectorId: string): Promise<InstallationFacts> {
  const install = await getInstall(deps.pool, tenant.id, connectorId);
  return {
    config: install?.config ?? {},
    settings: {
      instanceUrl: tenant.settings.servicenow.instanceUrl,
      channel: tenant.settings.slack.channel,
      // A user the installation must be able to look up: the tenant's first approver.
      approver: tenant.settings.approvals.approvers[0],
    },
  };
}
