/**
 * Activity proxies shared by the approval runs (triage and revert). Workflow code.
 *
 * Timeouts: every activity heartbeats while it runs longer than a second (the worker's
 * heartbeat interceptor), so a dead worker is noticed within the heartbeat timeout and the
 * attempt is retried elsewhere within seconds. The start-to-close timeout stays above an
 * attempt's bounded duration (15 s per HTTP call, at most a 2 s wait for a rate-limit slot, a
 * handful of calls), so a slow but living attempt is never overtaken by its own retry.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/**
 * Retries are bounded by time, not by a count: a rate-limit wait is a retry after the delay the
 * limiter or the provider named (Slack posts at about one message a second per channel, so a
 * storm's 200th approval request waits minutes), and it must not use up a run's attempts. A
 * real outage still ends the run as failed after an hour of retries, visible to operators.
 */
const policy = {
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;

export const reads = proxyActivities<Activities>(policy);

/**
 * The run's main steps — plan, ask, write, report — as local activities: each runs inside the
 * workflow task that needs it and its result is recorded with that task's completion, so a run
 * costs three workflow tasks instead of seven and no activity-task round trips through the
 * server (the largest share of a run's cost on the Temporal side). Same guarantees as above: the
 * steps are idempotent or at-least-once as before (a crashed worker's task is retried, steps and
 * all, within the workflow task timeout), retries honour the limiter's and providers' delays,
 * and a wait longer than a minute becomes a timer. In the Web UI they show as markers.
 */
export const steps = proxyLocalActivities<Activities>({
  startToCloseTimeout: policy.startToCloseTimeout,
  scheduleToCloseTimeout: policy.scheduleToCloseTimeout,
  retry: policy.retry,
});
