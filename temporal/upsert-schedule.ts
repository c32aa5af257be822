/**
 * Create-or-update for a Temporal Schedule: creates it, or, when it exists, replaces its spec,
 * action, policies and state in place (keeping its id, history and recent runs). Idempotent, so
 * it can run on every start and on every change of what the Schedule depends on.
 */
import {
  ScheduleAlreadyRunning, type Client, type ScheduleOptionsStartWorkflowAction, type ScheduleUpdateOptions, type Workflow,
} from '@temporalio/client';

/** Everything but the state (given separately, since a create and an update take it differently). */
export type ScheduleBody<W extends Workflow> = Omit<ScheduleUpdateOptions<ScheduleOptionsStartWorkflowAction<W>>, 'state'>;

export async function upsertSchedule<W extends Workflow>(
  client: Client,
  scheduleId: string,
  body: ScheduleBody<W>,
  state: { paused: boolean; note: string },
  memo: Record<string, unknown>,
): Promise<'created' | 'updated'> {
  try {
    await client.schedule.create<W>({ scheduleId, ...body, state, memo });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(scheduleId).update<W>(() => ({ ...body, state }));
  return 'updated';
}
