/**
 * Side effects of the install and disconnect runs: describe what a connector asks for (from its
 * verified manifest and the tenant's policy), record install status, run the healthcheck,
 * revoke at the provider, delete credentials and routes.
 */
import { ApplicationFailure } from '@temporalio/common';
import { findConnector } from '../action-runtime/action-catalog';
import { runConnectorHealthcheck } from '../connectors/healthchecks';
import { factsOf } from '../connectors/registry-catalogue';
import { appendAudit } from '../db/audit-repo';
import { recordDisconnected, updateInstall, type InstallStatus as StoredStatus } from '../db/installs-repo';
import { revokeAllRouteTokens } from '../db/route-tokens-repo';
import { deleteSecret } from '../db/secrets-repo';
import type { ScopeDrift } from '../credentials/scope-drift';
import { revokeAndDeleteGrant } from '../credentials/revoke-grant';
import type { HealthcheckResult, InstallReview, InstallStatus } from '../marketplace/types';
import type { ScheduleSyncOutcome } from '../temporal/reconcile-schedule-sync';
import { evaluatePolicy } from '../policy/evaluate-policy';
import { loadTenant } from '../tenancy/tenant-context';
import { loadTenantPolicy } from '../tenancy/tenant-policy';
import { connectorSecretNames } from '../tenancy/tenant-settings';
import type { ActivityDeps } from './deps';
import { requireVerified, withFailureMapping } from './failures';

interface ConnectorRef {
  tenantId: string;
  connectorId: string;
}

const storedStatus: Partial<Record<InstallStatus, StoredStatus>> = {
  pending_review: 'pending_review', checking_health: 'checking_health', enabled: 'enabled', rejected: 'rejected', expired: 'expired', healthcheck_failed: 'healthcheck_failed',
};

export function createMarketplaceActivities(deps: ActivityDeps) {
  const verified = (ref: ConnectorRef) => requireVerified(deps, ref.connectorId);

  async function describeInstall(ref: ConnectorRef & { scopeDrift?: ScopeDrift }): Promise<InstallReview> {
    const connector = verified(ref);
    if (!connector.installable) {
      throw ApplicationFailure.create({ type: 'Gatehouse.connector_not_installable', message: `${ref.connectorId} is ${connector.status}, not installable`, nonRetryable: true });
    }
    const tenant = await loadTenant(deps, ref.tenantId);
    const policy = await loadTenantPolicy(deps.pool, tenant);
    const m = connector.manifest;
    const facts = factsOf(m);
    // An install authorised through OAuth carries what the provider granted (api/oauth/).
    const drift = ref.scopeDrift;
    return {
      connectorId: m.connectorId, name: m.name, version: m.version, riskLevel: m.riskLevel,
      permissionsRequested: [...m.permissionsRequested], scopes: [...m.scopes], signedBy: connector.signedBy.keyId,
      actions: m.actions.map((a, i) => {
        const lacking = drift?.disabledActions.find((d) => d.actionId === a.actionId);
        if (lacking) {
          return { actionId: a.actionId, name: a.name, approvalGate: a.approvalGate, riskLevel: a.riskLevel, decision: 'blocked' as const,
            reason: `the provider did not grant ${lacking.missingScopes.join(', ')}` };
        }
        const verdict = evaluatePolicy(facts[i]!, policy.document);
        return { actionId: a.actionId, name: a.name, approvalGate: a.approvalGate, riskLevel: a.riskLevel, decision: verdict.decision, reason: verdict.reason };
      }),
      ...(drift ? { scopeDrift: drift } : {}),
    };
  }

  async function setInstallStatus(input: ConnectorRef & { status: InstallStatus; detail: string; enabledActions: string[]; reviewedBy?: string }): Promise<void> {
    const status = storedStatus[input.status];
    if (!status) return;
    await updateInstall(deps.pool, input.tenantId, input.connectorId, {
      status, enabledActions: input.enabledActions, reviewedBy: input.reviewedBy ?? null, detail: { message: input.detail },
    });
  }

  async function runHealthcheck(ref: ConnectorRef): Promise<HealthcheckResult> {
    verified(ref);
    const tenant = await loadTenant(deps, ref.tenantId);
    return runConnectorHealthcheck(deps, tenant, ref.connectorId);
  }

  /**
   * Does what the verified manifest promises: when its disconnect policy says Gatehouse revokes
   * at the provider, the connector's `revoke` runs (it must exist; a test holds every definition
   * to that), otherwise the policy's own words say what the tenant admin does.
   */
  async function revokeAtProvider(ref: ConnectorRef): Promise<{ revoked: boolean; detail: string }> {
    return withFailureMapping(async () => {
      // Not requireVerified: a refused manifest must not stop the disconnect from deleting credentials.
      const policy = deps.registry.list().find((c) => c.connectorId === ref.connectorId)?.manifest.disconnectPolicy;
      if (!policy) return { revoked: false, detail: `${ref.connectorId} has no verified manifest: nothing was revoked at the provider; revoke its access there by hand` };
      if (!policy.revokeAtProvider) return { revoked: false, detail: policy.description };
      const revoke = findConnector(ref.connectorId)?.revoke;
      if (!revoke) return { revoked: false, detail: `the manifest promises revocation at the provider, but ${ref.connectorId} implements none` };
      const tenant = await loadTenant(deps, ref.tenantId);
      return { revoked: true, detail: await revoke({ deps, tenant }) };
    });
  }

  async function deleteConnectorData(ref: ConnectorRef): Promise<{ deletedCredentials: string[]; revokedRouteTokens: number; grant?: string }> {
    // An OAuth grant is revoked at the provider before its tokens are deleted here, and before the
    // secrets: revoking authenticates with the app registration's client secret, deleted below.
    const grant = await revokeAndDeleteGrant(deps, await loadTenant(deps, ref.tenantId), ref.connectorId);
    const deletedCredentials: string[] = [];
    for (const name of connectorSecretNames[ref.connectorId] ?? []) {
      if (await deleteSecret(deps.pool, ref.tenantId, name)) deletedCredentials.push(name);
    }
    if (grant) deletedCredentials.push('oauth_grant');
    const revokedRouteTokens = await revokeAllRouteTokens(deps.pool, ref.tenantId, ref.connectorId);
    const manifestVersion = deps.registry.list().find((c) => c.connectorId === ref.connectorId)?.manifest.version ?? 'unknown';
    await recordDisconnected(deps.pool, ref.tenantId, ref.connectorId, manifestVersion);
    await appendAudit(deps.pool, { tenantId: ref.tenantId, type: 'connector.credentials_deleted', outcome: 'ok', detail: { connectorId: ref.connectorId, deletedCredentials, revokedRouteTokens, ...(grant ? { grant } : {}) } });
    // What became of the OAuth grant goes back to the admin too, not only into the audit trail.
    return { deletedCredentials, revokedRouteTokens, ...(grant ? { grant } : {}) };
  }

  /**
   * After the ServiceNow connector was enabled or disconnected: resume or pause the tenant's
   * reconciliation. A failure is reported, not retried here: the next start-up sync repairs it.
   */
  async function syncReconcileSchedule(input: ConnectorRef & { trigger: string }): Promise<ScheduleSyncOutcome> {
    return deps.reconcileSchedules.sync(input.tenantId, `${input.trigger}:${input.connectorId}`);
  }

  return { describeInstall, setInstallStatus, runHealthcheck, revokeAtProvider, deleteConnectorData, syncReconcileSchedule };
}
