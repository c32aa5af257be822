/**
 * The per-tenant reconciliation Schedule (`reconcile-<slug>`), visible under Schedules in the
 * Temporal Web UI: every `intervalSeconds` it starts one `reconcileIncidents` pass for the tenant.
 * Overlap policy SKIP: a pass still running when the next tick comes simply absorbs that tick
 * (the next pass reads from the watermark anyway). Filter with `GatehouseTenant = "<slug>"`.
 */
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { reconcileIncidents } from '../workflows/reconcile-incidents';
import { reconcileWorkflowType, type ReconcileInput } from '../workflows/reconcile-types';
import { tenantKey } from './search-attributes';
import { upsertSchedule, type ScheduleBody } from './upsert-schedule';

/** What {@link ensureReconcileSchedule} needs to know about the tenant. */
export interface ReconcileScheduleOptions {
  tenantId: string;
  tenantSlug: string;
  /** Task queue of the Gatehouse worker. */
  taskQueue: string;
  /** Seconds between passes (at least 10). */
  intervalSeconds: number;
  /** How far back the tenant's first pass reads (the workflow's default when absent). */
  initialLookbackSeconds?: number;
}

/** The Schedule id of a tenant's reconciliation, also the prefix of its runs' workflow ids. */
export function reconcileScheduleId(tenantSlug: string): string {
  return `reconcile-${tenantSlug}`;
}

function scheduleBody(opts: ReconcileScheduleOptions): ScheduleBody<typeof reconcileIncidents> {
  if (!Number.isInteger(opts.intervalSeconds) || opts.intervalSeconds < 10) {
    throw new RangeError(`reconciliation interval must be a whole number of seconds, at least 10 (got ${opts.intervalSeconds})`);
  }
  const input: ReconcileInput = {
    tenantId: opts.tenantId, tenantSlug: opts.tenantSlug,
    ...(opts.initialLookbackSeconds !== undefined ? { initialLookbackSeconds: opts.initialLookbackSeconds } : {}),
  };
  return {
    spec: { intervals: [{ every: `${opts.intervalSeconds}s` }] },
    action: {
      type: 'startWorkflow',
      workflowType: reconcileWorkflowType,
      // The Schedule appends the scheduled time, e.g. reconcile-acme-2025-08-01T10:00:00Z.
      workflowId: reconcileScheduleId(opts.tenantSlug),
      taskQueue: opts.taskQueue,
      args: [input],
      typedSearchAttributes: [{ key: tenantKey, value: opts.tenantSlug }],
      memo: { tenantId: opts.tenantId, purpose: 'ServiceNow incident reconciliation' },
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' },
    typedSearchAttributes: [{ key: tenantKey, value: opts.tenantSlug }],
  };
}

const activeNote = (intervalSeconds: number) => `ServiceNow connection enabled: reconciling every ${intervalSeconds} s`;

/**
 * Creates the tenant's Schedule, or brings an existing one to these options and unpauses it
 * (the connection is enabled, so it should run). Safe to call any number of times.
 */
export function ensureReconcileSchedule(client: Client, opts: ReconcileScheduleOptions): Promise<'created' | 'updated'> {
  return upsertSchedule<typeof reconcileIncidents>(
    client, reconcileScheduleId(opts.tenantSlug), scheduleBody(opts),
    { paused: false, note: activeNote(opts.intervalSeconds) },
    { tenantId: opts.tenantId, tenantSlug: opts.tenantSlug, purpose: 'ServiceNow incident reconciliation' },
  );
}

/** Runs one action of `fn` on the tenant's Schedule; false when the tenant has none. */
async function onSchedule(client: Client, tenantSlug: string, fn: (h: ReturnType<Client['schedule']['getHandle']>) => Promise<void>): Promise<boolean> {
  try {
    await fn(client.schedule.getHandle(reconcileScheduleId(tenantSlug)));
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}

/** Pauses the tenant's reconciliation (its ServiceNow connection was disabled); false when there is no Schedule. */
export function pauseReconcileSchedule(client: Client, tenantSlug: string, note = 'ServiceNow connection disabled'): Promise<boolean> {
  return onSchedule(client, tenantSlug, (h) => h.pause(note));
}

/** Resumes a paused reconciliation; false when there is no Schedule. */
export function unpauseReconcileSchedule(client: Client, tenantSlug: string, note = 'ServiceNow connection enabled'): Promise<boolean> {
  return onSchedule(client, tenantSlug, (h) => h.unpause(note));
}

/** Removes the tenant's Schedule (runs already started finish); false when there was none. */
export function deleteReconcileSchedule(client: Client, tenantSlug: string): Promise<boolean> {
  return onSchedule(client, tenantSlug, (h) => h.delete());
}
