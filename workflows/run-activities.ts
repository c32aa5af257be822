/**
 * Activity proxies shared by the approval runs (triage and revert). Workflow code.
 *
 * Timeouts: every activity heartbeats while it runs longer than a second (the worker's
 * heartbeat interceptor), so a dead worker is noticed within the heartbeat timeout and the
 * attempt is retried elsewhere within seconds. The start-to-close timeout stays above an
 * attempt's bounded duration (15 s per HTTP call, at most a 2 s wait for a rate-limit slot, a
 * handful of calls), so a slow but living attempt is never overtaken by its own retry.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const timeouts = { startToCloseTimeout: '2 minutes', heartbeatTimeout: '10 seconds' } as const;

export const reads = proxyActivities<Activities>({
  ...timeouts,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

// Writes retry too: the write activity is idempotent, so a retry after a lost response is safe.
export const writes = proxyActivities<Activities>({
  ...timeouts,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});
