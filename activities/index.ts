/**
 * All activities, built from injected dependencies. The workflow imports only the type.
 */
import { createActionActivities } from './action-activities';
import type { ActivityDeps } from './deps';
import { createMarketplaceActivities } from './marketplace-activities';
import { createPlanRevert } from './plan-revert';
import { createPlanTriage } from './plan-triage';
import { createPruneDeliveries } from './prune-deliveries';
import { createReconcileActivities } from './reconcile-activities';
import { createRecordAudit } from './record-audit';
import { createSlackMessageActivities } from './slack-messages';

export function createActivities(deps: ActivityDeps) {
  return {
    planTriage: createPlanTriage(deps),
    planRevert: createPlanRevert(deps),
    ...createActionActivities(deps),
    recordAudit: createRecordAudit(deps),
    ...createSlackMessageActivities(deps),
    ...createMarketplaceActivities(deps),
    ...createReconcileActivities(deps),
    pruneWebhookDeliveries: createPruneDeliveries(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './deps';
