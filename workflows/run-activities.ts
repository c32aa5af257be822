/**
 * Activity proxies shared by the approval runs (triage and revert). Workflow code.
 *
 * An attempt's duration is bounded by the clients' own timeouts (15 s per HTTP call, at most a
 * 2 s wait for a rate-limit slot, a handful of calls): these timeouts sit well above that bound,
 * so a slow attempt is never overtaken by its own retry (two attempts writing at once).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export const reads = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

// Writes retry too: each write activity is idempotent, so a retry after a lost response is safe.
export const writes = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});
