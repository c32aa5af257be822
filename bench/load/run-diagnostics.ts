/**
 * Why runs did not complete, as an operator would find out in the Temporal UI: how many closed
 * without completing (failed, terminated, timed out), an example failure, and what an open run
 * is stuck on (its pending activity's attempt and last failure).
 */
import type { Client } from '@temporalio/client';

export interface RunProblems {
  /** Closed runs by status, other than Completed. */
  closedBadly: Record<string, number>;
  failureExample?: string;
  stuckExample?: string;
}

const BAD_STATUSES = ['Failed', 'Terminated', 'TimedOut', 'Canceled'] as const;

function causeChain(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error && parts.length < 4; e = e.cause) parts.push(e.message);
  return parts.join(': ');
}

async function firstId(client: Client, query: string): Promise<string | undefined> {
  for await (const execution of client.workflow.list({ query, pageSize: 1 })) return execution.workflowId;
  return undefined;
}

export async function runProblems(client: Client, query: string): Promise<RunProblems> {
  const closedBadly: Record<string, number> = {};
  for (const status of BAD_STATUSES) {
    const { count } = await client.workflow.count(`${query} AND ExecutionStatus = "${status}"`).catch(() => ({ count: 0 }));
    if (count > 0) closedBadly[status] = count;
  }
  const problems: RunProblems = { closedBadly };
  const failed = await firstId(client, `${query} AND ExecutionStatus = "Failed"`).catch(() => undefined);
  if (failed) problems.failureExample = await client.workflow.getHandle(failed).result().then(() => 'completed after all', (err: unknown) => `${failed}: ${causeChain(err)}`);
  const open = await firstId(client, `${query} AND ExecutionStatus = "Running"`).catch(() => undefined);
  if (open) {
    const pending = (await client.workflow.getHandle(open).describe()).raw.pendingActivities?.[0];
    problems.stuckExample = pending
      ? `${open}: activity ${pending.activityType?.name ?? '?'} attempt ${pending.attempt ?? '?'}${pending.lastFailure?.message ? `, last failure: ${pending.lastFailure.message}` : ''}`
      : `${open}: no activity pending (waiting for a signal or a timer)`;
  }
  return problems;
}
