/** The tenant a Slack interactivity request arrived for, and whether a run named in it is that tenant's. */
import { isTenantRun } from '../../workflows/run-kinds';

export interface SlackTenant {
  id: string;
  slug: string;
  /** The workspace the tenant's app is installed in, when configured. */
  teamId?: string;
}

/**
 * A button or modal from another tenant's run (or a forged value, or another workspace) must not
 * reach that run: the run id must be this tenant's and the request come from its workspace.
 */
export function isOwnRun(tenant: SlackTenant, workflowId: string, requestTeamId: string | undefined): boolean {
  return isTenantRun(workflowId, tenant.slug) && (!tenant.teamId || requestTeamId === tenant.teamId);
}
