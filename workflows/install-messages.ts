/**
 * Signals and queries of the connector install run. The admin API sends `reviewInstall`; an
 * operator can too: temporal workflow signal --workflow-id install-<tenant>-<connector> \
 *   --name reviewInstall --input '{"reviewer":"admin@acme","decision":"approve"}'
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { InstallReviewDecision, InstallState } from '../marketplace/types';

export const reviewInstallSignal = defineSignal<[InstallReviewDecision]>('reviewInstall');
export const installStateQuery = defineQuery<InstallState>('installState');

export function installWorkflowId(tenantSlug: string, connectorId: string): string {
  return `install-${tenantSlug}-${connectorId}`;
}

export function disconnectWorkflowId(tenantSlug: string, connectorId: string, requestedAtMs: number): string {
  return `disconnect-${tenantSlug}-${connectorId}-${requestedAtMs}`;
}
