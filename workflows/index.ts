/** Workflow entry point bundled by the worker: deterministic code only. */
export { triageIncident } from './triage-incident';
export { installConnector } from './install-connector';
export { disconnectConnector } from './disconnect-connector';
export { reconcileIncidents } from './reconcile-incidents';
export { customWebhookEvent } from './custom-webhook-event';
export { pruneWebhookDeliveries } from './prune-webhook-deliveries';
export { revertTriageRun } from './revert-triage-run';
