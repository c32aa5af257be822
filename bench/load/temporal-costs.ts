/**
 * What a run costs Temporal: history events and activities, read from the histories of a
 * sample of the phase's workflows.
 */
import type { Client } from '@temporalio/client';

export interface HistoryCosts {
  sampled: number;
  eventsPerRun: { mean: number; min: number; max: number };
  activitiesPerRun: { mean: number; min: number; max: number };
  /** Activities scheduled per run, by activity type (mean over the sample). */
  activitiesByType: Record<string, number>;
}

/** Evenly spread over the list, so early and late runs of a burst are both represented. */
function spread<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]!);
}

function range(values: number[]): { mean: number; min: number; max: number } {
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, min: Math.min(...values), max: Math.max(...values) };
}

export async function historyCosts(client: Client, workflowIds: string[], sampleSize = 20): Promise<HistoryCosts | undefined> {
  const sample = spread(workflowIds, sampleSize);
  if (sample.length === 0) return undefined;
  const events: number[] = [];
  const activities: number[] = [];
  const byType = new Map<string, number>();
  for (const workflowId of sample) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const list = history.events ?? [];
    events.push(list.length);
    let scheduled = 0;
    for (const event of list) {
      const attributes = event.activityTaskScheduledEventAttributes;
      if (!attributes) continue;
      scheduled++;
      const type = attributes.activityType?.name ?? '?';
      byType.set(type, (byType.get(type) ?? 0) + 1);
    }
    activities.push(scheduled);
  }
  return {
    sampled: sample.length,
    eventsPerRun: range(events),
    activitiesPerRun: range(activities),
    activitiesByType: Object.fromEntries([...byType].map(([type, n]) => [type, n / sample.length])),
  };
}

/** Runs of the phase still open, or undefined when the server cannot count (visibility lags a little either way). */
export async function openRuns(client: Client, query: string): Promise<number | undefined> {
  try {
    return (await client.workflow.count(`${query} AND ExecutionStatus = "Running"`)).count;
  } catch {
    return undefined;
  }
}
