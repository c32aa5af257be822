/**
 * Idempotency keys. A run's first plan is keyed by the run (`<workflowId>/<runId>`), a later
 * plan of the same run by its sequence number; each action of a plan by its position in it.
 * The same run retrying the same step computes the same keys, a later run of the same workflow
 * id does not.
 */

/** The key of a run's `n`-th plan (1-based). Pure: usable in workflow code. */
export function planKeyOf(workflowId: string, runId: string, sequence: number): string {
  return sequence <= 1 ? `${workflowId}/${runId}` : `${workflowId}/${runId}/${sequence}`;
}

/** The key of the action at `index` of a plan. */
export function actionKeyOf(planKey: string, index: number, actionId: string): string {
  return `${planKey}#${index}:${actionId}`;
}
