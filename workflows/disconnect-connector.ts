/**
 * Disconnecting a connector: revoke its access at the provider where the provider allows it,
 * delete its credentials and cached data as its manifest's policies say, disable its routes,
 * and audit what was done (and what could not be).
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DisconnectInput, DisconnectResult } from '../marketplace/types';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

export async function disconnectConnector(input: DisconnectInput): Promise<DisconnectResult> {
  const workflowId = workflowInfo().workflowId;
  const revocation = await acts.revokeAtProvider({ tenantId: input.tenantId, connectorId: input.connectorId });
  const removed = await acts.deleteConnectorData({ tenantId: input.tenantId, connectorId: input.connectorId });
  const result: DisconnectResult = { revokedAtProvider: revocation.revoked, revocationDetail: revocation.detail, ...removed };
  // Without a ServiceNow connection there is nothing to reconcile: pause the tenant's Schedule.
  if (input.connectorId === 'servicenow') {
    result.reconciliation = await acts.syncReconcileSchedule({ tenantId: input.tenantId, connectorId: input.connectorId, trigger: 'connector.disconnected' });
  }
  await acts.recordAudit({
    tenantId: input.tenantId, workflowId, type: 'connector.disconnected', outcome: 'disconnected', actor: input.requestedBy,
    detail: { connectorId: input.connectorId, ...result },
  });
  return result;
}
