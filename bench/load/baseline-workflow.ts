/**
 * The baseline: a bare Temporal workflow of a triage run's shape — the same activities in the
 * same order around one approval signal, and nothing else (no audit, no policy, no status
 * bookkeeping). Bundled by the baseline worker; workflow code, so deterministic.
 */
import { condition, defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { BaselineActivities, BaselineRun } from './baseline-activities';

/** Sent with the start by the webhook endpoint, like Gatehouse's incidentChanged. */
export const webhookSignal = defineSignal('webhook');
/** The approver's click, relayed by the interactivity endpoint: the Slack user id. */
export const approveSignal = defineSignal<[string]>('approve');

/**
 * The run's activities: change these lists to keep the baseline the shape of a triage run
 * (read incident → post approval … wait for the click … write incident → update the message).
 */
export const steps = {
  beforeApproval: ['readIncident', 'postApproval'],
  afterApproval: ['writeIncident', 'finishApproval'],
} as const satisfies Record<string, ReadonlyArray<keyof BaselineActivities>>;

/** Same timeouts and retries as the product's activities (workflows/run-activities.ts). */
const activities = proxyActivities<BaselineActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

/** Same approval timeout as the bench tenant's. */
const APPROVAL_TIMEOUT = '1 hour';

export async function baselineRun(input: { sysId: string }): Promise<'completed' | 'expired'> {
  let run: BaselineRun = { sysId: input.sysId, workflowId: workflowInfo().workflowId };
  let approver: string | undefined;
  setHandler(webhookSignal, () => undefined);
  setHandler(approveSignal, (userId) => {
    approver ??= userId;
  });
  for (const step of steps.beforeApproval) run = { ...run, ...(await activities[step](run)) };
  if (!(await condition(() => approver !== undefined, APPROVAL_TIMEOUT))) return 'expired';
  run = { ...run, approver };
  for (const step of steps.afterApproval) run = { ...run, ...(await activities[step](run)) };
  return 'completed';
}
