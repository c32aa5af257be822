/**
 * Tells a tenant's admins about their connections (one needs re-authorising, its grant changed)
 * in the tenant's approval channel. The post goes through the Slack connector's own action like
 * every message Gatehouse sends. The audit trail carries the same news, also where Slack is the
 * connection in trouble and no message can be posted.
 */
import { systemWrite } from '../action-runtime/system-write';
import type { ActionRuntimeDeps } from '../action-runtime/runtime-deps';
import { loadTenant } from '../tenancy/tenant-context';

/** `text(slug)` completes "Gatehouse's <connector> connection for <slug>: …". */
export type AdminNotice = (tenantId: string, connectorId: string, text: (tenantSlug: string) => string) => Promise<void>;

export function approvalChannelNotice(deps: () => ActionRuntimeDeps): AdminNotice {
  return async (tenantId, connectorId, text) => {
    const runtime = deps();
    const tenant = await loadTenant(runtime, tenantId);
    await systemWrite(runtime, tenant, 'slack.chat.post_message', {
      text: `:warning: Gatehouse's ${connectorId} connection for ${tenant.slug}: ${text(tenant.slug)}`,
    });
  };
}
