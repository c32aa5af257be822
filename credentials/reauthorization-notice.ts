/**
 * Tells a tenant's admins, in the tenant's approval channel, that a connection needs to be
 * authorised again: the post goes through the Slack connector's own action like every message
 * Gatehouse sends. When Slack itself is the connection that needs it, there is no channel to
 * post to: the audit event (and the failing runs' reason) carry the news.
 */
import { systemWrite } from '../action-runtime/system-write';
import type { ActionRuntimeDeps } from '../action-runtime/runtime-deps';
import { loadTenant } from '../tenancy/tenant-context';
import type { ReauthorizationNotice } from './grant-token-registry';

export function slackReauthorizationNotice(deps: () => ActionRuntimeDeps): ReauthorizationNotice {
  return async (tenantId, connectorId, reason) => {
    if (connectorId === 'slack') return;
    const runtime = deps();
    const tenant = await loadTenant(runtime, tenantId);
    await systemWrite(runtime, tenant, 'slack.chat.post_message', {
      text: `:warning: Gatehouse's ${connectorId} connection for ${tenant.slug} needs a tenant admin to authorise it again: ${reason}. `
        + `Runs that need ${connectorId} fail until then. Authorise it again with POST /admin/tenants/${tenant.slug}/connectors/${connectorId}/authorize.`,
    });
  };
}
