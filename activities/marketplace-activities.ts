/**
 * Side effects of the install and disconnect runs: describe what a connector asks for (from its
 * verified manifest and the tenant's policy), record install status, run the healthcheck,
 * revoke at the provider, delete credentials and routes.
 */
import { ApplicationFailure } from '@temporalio/common';
import { runConnectorHealthcheck } from '../connectors/healthchecks';
import { factsOf } from '../connectors/registry-catalogue';
import { appendAudit } from '../db/audit-repo';
import { recordDisconnected, updateInstall, type InstallStatus as StoredStatus } from '../db/installs-repo';
import { revokeAllRouteTokens } from '../db/route-tokens-repo';
import { deleteSecret } from '../db/secrets-repo';
import type { HealthcheckResult, InstallReview, InstallStatus } from '../marketplace/types';
import type { ScheduleSyncOutcome } from '../temporal/reconcile-schedule-sync';
import { evaluatePolicy } from '../policy/evaluate-policy';
import { loadTenant, slackClientFor } from '../tenancy/tenant-context';
import { loadTenantPolicy } from '../tenancy/tenant-policy';
import { connectorSecretNames } from '../tenancy/tenant-settings';
import type { ActivityDeps } from './deps';
import { requireVerified, withFailureMapping } from './failures';

interface ConnectorRef {
  tenantId: string;
  connectorId: string;
}

const storedStatus: Partial<Record<InstallStatus, StoredStatus>> = {
  pending_review: 'pending_review', enabled: 'enabled', rejected: 'rejected', expired: 'expired', healthcheck_failed: 'healthcheck_failed',
};

export function createMarketplaceActivities(deps: ActivityDeps) {
  const verified = (ref: ConnectorRef) => requireVerified(deps, ref.connectorId);

  async function describeInstall(ref: ConnectorRef): Promise<InstallReview> {
    const connector = verified(ref);
    if (!connector.installable) {
      throw ApplicationFailure.create({ type: 'Gatehouse.connector_not_installable', message: `${ref.connectorId} is ${connector.status}, not installable`, nonRetryable: true });
    }
    const tenant = await loadTenant(deps, ref.tenantId);
    const policy = await loadTenantPolicy(deps.pool, tenant);
    const m = connector.manifest;
    const facts = factsOf(m);
    return {
      connectorId: m.connectorId, name: m.name, version: m.version, riskLevel: m.riskLevel,
      permissionsRequested: [...m.permissionsRequested], scopes: [...m.scopes], signedBy: connector.signedBy.keyId,
      actions: m.actions.map((a, i) => {
        const verdict = evaluatePolicy(facts[i]!, policy.document);
        return { actionId: a.actionId, name: a.name, approvalGate: a.approvalGate, riskLevel: a.riskLevel, decision: verdict.decision, reason: verdict.reason };
      }),
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

  async function revokeAtProvider(ref: ConnectorRef): Promise<{ revoked: boolean; detail: string }> {
    return withFailureMapping(async () => {
      const tenant = await loadTenant(deps, ref.tenantId);
      if (ref.connectorId === 'slack') {
        const slack = await slackClientFor(deps, tenant).catch(() => undefined);
        if (!slack) return { revoked: false, detail: 'no Slack token was stored' };
        await slack.auth.revoke().catch((err: unknown) => {
          // An already revoked token is the outcome we want.
          if (!/token_revoked|invalid_auth/.test(String(err))) throw err;
        });
        return { revoked: true, detail: 'the bot token was revoked with auth.revoke' };
      }
      const note = deps.registry.list().find((c) => c.connectorId === ref.connectorId)?.manifest.disconnectPolicy.description;
      return { revoked: false, detail: note ?? 'this provider offers no revocation Gatehouse can call' };
    });
  }

  async function deleteConnectorData(ref: ConnectorRef): Promise<{ deletedCredentials: string[]; revokedRouteTokens: number }> {
    const deletedCredentials: string[] = [];
    for (const name of connectorSecretNames[ref.connectorId] ?? []) {
      if (await deleteSecret(deps.pool, ref.tenantId, name)) deletedCredentials.push(name);
    }
    const revokedRouteTokens = await revokeAllRouteTokens(deps.pool, ref.tenantId, ref.connectorId);
    const manifestVersion = deps.registry.list().find((c) => c.connectorId === ref.connectorId)?.manifest.version ?? 'unknown';
    await recordDisconnected(deps.pool, ref.tenantId, ref.connectorId, manifestVersion);
    await appendAudit(deps.pool, { tenantId: ref.tenantId, type: 'connector.credentials_deleted', outcome: 'ok', detail: { connectorId: ref.connectorId, deletedCredentials, revokedRouteTokens } });
    return { deletedCredentials, revokedRouteTokens };
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
