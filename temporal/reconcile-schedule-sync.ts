/**
 * Keeps each tenant's reconciliation Schedule in line with what the tenant has: it runs while
 * reconciliation is on in the tenant's settings and its ServiceNow connection is enabled, and is
 * paused (with the reason as the Schedule's note, visible in the Temporal UI) otherwise.
 * Called whenever one of those changes — tenant created, settings saved, ServiceNow connector
 * installed or disconnected — and for every tenant when the process starts, so a Schedule lost
 * or edited by hand converges back.
 */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { appendAudit } from '../db/audit-repo';
import { getInstall, type InstallStatus } from '../db/installs-repo';
import type { Pool } from 'pg';
import { getTenantById, listTenants, type TenantRow } from '../db/tenants-repo';
import { tenantSettingsSchema, type ReconcileSettings } from '../tenancy/tenant-settings';
import { ensureReconcileSchedule, pauseReconcileSchedule, reconcileScheduleId } from './schedules';

/** What a sync did to the tenant's Schedule. */
export type ScheduleSyncOutcome =
  | { scheduleId: string; outcome: 'created' | 'updated'; intervalSeconds: number }
  /** `absent`: it should not run and there is none, so nothing was created. */
  | { scheduleId: string; outcome: 'paused' | 'absent'; reason: string }
  /** This process does not manage Schedules (the time-skipping test server has none). */
  | { scheduleId: string; outcome: 'not_managed'; reason: string }
  /** The Schedule could not be changed; the next sync (at the latest the next start) retries. */
  | { scheduleId: string; outcome: 'failed'; error: string };

/** Whether the tenant's reconciliation should run, and if not, why (the pause note). */
export type DesiredReconcileState = { run: true } | { run: false; reason: string };

/**
 * The rule itself. A tenant without a ServiceNow install record was configured with ServiceNow
 * at creation and counts as connected; once the connector goes through the marketplace, only
 * `enabled` does (pending review, failed healthcheck, rejected, expired and disconnected don't).
 */
export function desiredReconcileState(settings: ReconcileSettings, serviceNowInstall: { status: InstallStatus } | undefined): DesiredReconcileState {
  if (!settings.enabled) return { run: false, reason: 'reconciliation is turned off in the tenant settings' };
  if (serviceNowInstall && serviceNowInstall.status !== 'enabled') {
    return { run: false, reason: `ServiceNow connection ${serviceNowInstall.status.replace(/_/g, ' ')}` };
  }
  return { run: true };
}

export interface ReconcileSchedules {
  /** Brings one tenant's Schedule in line; `trigger` says why (audited). Never throws. */
  sync(tenantId: string, trigger: string): Promise<ScheduleSyncOutcome>;
  /** Every tenant's, one after the other (at start-up). */
  syncAll(trigger: string): Promise<ScheduleSyncOutcome[]>;
}

export interface ReconcileScheduleDeps {
  pool: Pool;
  logger: Logger;
  taskQueue: string;
  /** undefined: Schedules are not managed by this process. */
  temporal: Client | undefined;
}

export function createReconcileSchedules(deps: ReconcileScheduleDeps): ReconcileSchedules {
  const log = deps.logger.child({ component: 'reconcile-schedules' });

  async function apply(row: TenantRow): Promise<ScheduleSyncOutcome> {
    const scheduleId = reconcileScheduleId(row.slug);
    if (!deps.temporal) return { scheduleId, outcome: 'not_managed', reason: 'this process does not manage Temporal Schedules' };
    const settings = tenantSettingsSchema.parse(row.settings).reconcile;
    const desired = desiredReconcileState(settings, await getInstall(deps.pool, row.id, 'servicenow'));
    if (!desired.run) {
      const paused = await pauseReconcileSchedule(deps.temporal, row.slug, desired.reason);
      return { scheduleId, outcome: paused ? 'paused' : 'absent', reason: desired.reason };
    }
    const outcome = await ensureReconcileSchedule(deps.temporal, {
      tenantId: row.id, tenantSlug: row.slug, taskQueue: deps.taskQueue,
      intervalSeconds: settings.intervalSeconds, initialLookbackSeconds: settings.initialLookbackSeconds,
    });
    return { scheduleId, outcome, intervalSeconds: settings.intervalSeconds };
  }

  async function syncRow(row: TenantRow, trigger: string, quietWhenUnchanged: boolean): Promise<ScheduleSyncOutcome> {
    let result: ScheduleSyncOutcome;
    try {
      result = await apply(row);
    } catch (err) {
      result = { scheduleId: reconcileScheduleId(row.slug), outcome: 'failed', error: err instanceof Error ? err.message : String(err) };
    }
    if (result.outcome === 'failed') log.error({ tenant: row.slug, trigger, error: result.error }, 'could not sync the reconciliation schedule');
    else log.info({ tenant: row.slug, trigger, outcome: result.outcome }, 'reconciliation schedule synced');
    // A start-up pass that changed nothing would only add noise to every tenant's trail.
    const unchanged = result.outcome === 'updated' || result.outcome === 'absent' || result.outcome === 'not_managed';
    if (!(quietWhenUnchanged && unchanged)) {
      await appendAudit(deps.pool, {
        tenantId: row.id, type: 'reconcile.schedule_synced', outcome: result.outcome, actor: 'gatehouse', detail: { trigger, ...result },
      }).catch((err: unknown) => log.error({ err }, 'could not audit a schedule sync'));
    }
    return result;
  }

  return {
    async sync(tenantId, trigger) {
      const row = await getTenantById(deps.pool, tenantId).catch(() => undefined);
      if (!row) return { scheduleId: reconcileScheduleId(tenantId), outcome: 'failed', error: `no tenant ${tenantId}` };
      return syncRow(row, trigger, false);
    },
    async syncAll(trigger) {
      const results: ScheduleSyncOutcome[] = [];
      for (const row of await listTenants(deps.pool)) results.push(await syncRow(row, trigger, true));
      return results;
    },
  };
}
