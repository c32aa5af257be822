/**
 * Reconciliation: the safety net behind the webhook. It reads the incidents changed since the
 * stored watermark and gives each one that should have a triage run but has none exactly what
 * a webhook would have: the same deterministic workflow id, through the same start path, with
 * the same echo rule. The watermark moves only after a whole page is handled, so a failure
 * retries that page and never skips a change.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { serviceNowConnector } from '../connectors/servicenow/definition';
import {
  listChangedIncidents, shiftGlideDateTime, toGlideDateTime, type ChangedIncident,
} from '../connectors/servicenow/list-changed-incidents';
import { appendAudit } from '../db/audit-repo';
import { advanceWatermark, getWatermark, initWatermark, serviceNowIncidentSource } from '../db/watermarks-repo';
import { getDelivery, recordDelivery } from '../db/webhook-deliveries-repo';
import { startOrSignalTriage } from '../runs/start-triage';
import { loadTenant, serviceNowClientFor, type TenantContext } from '../tenancy/tenant-context';
import type {
  IncidentOutcome, ReconcileExample, ReconcilePageInput, ReconcilePageResult, ReconcileStart,
} from '../workflows/reconcile-types';
import { triageWorkflowId } from '../workflows/triage-ids';
import type { ActivityDeps } from './deps';
import { requireVerified, withFailureMapping } from './failures';

/** Activity dependencies; `temporal` defaults to the worker's own client (activity context). */
export type ReconcileDeps = ActivityDeps & { temporal?: Client };

/** Input of {@link ReconcileActivities.beginReconciliation}. */
export interface BeginReconciliationInput {
  tenantId: string;
  overlapSeconds: number;
  initialLookbackSeconds: number;
}

/** Examples kept per page: enough to see what happened, never a list of every id. */
const examplesPerPage = 5;
/** Incidents handled at once within a page (Temporal and database calls, not ServiceNow). */
const concurrency = 8;

interface Decision {
  outcome: IncidentOutcome;
  reason?: string;
  workflowId?: string;
}

/** The triage run's state, or undefined when the incident never had one (or it aged out of retention). */
async function describeRun(temporal: Client, workflowId: string): Promise<{ status: string; closeTime?: Date } | undefined> {
  try {
    const described = await temporal.workflow.getHandle(workflowId).describe();
    return { status: described.status.name, closeTime: described.closeTime };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/**
 * Whether an existing run already covers this change, as it would for a webhook: an open run
 * would have been signalled, a finished triage is not redone, and a run that failed (or was
 * terminated, timed out, cancelled) is started again only by a change made after it closed.
 */
function coveredBy(run: { status: string; closeTime?: Date }, incident: ChangedIncident): string | undefined {
  if (run.status === 'RUNNING') return 'open';
  if (run.status === 'COMPLETED' || run.status === 'CONTINUED_AS_NEW') return 'finished';
  const changedAt = Date.parse(`${incident.updatedOn.replace(' ', 'T')}Z`);
  if (run.closeTime === undefined || changedAt <= run.closeTime.getTime()) return `${run.status.toLowerCase()} after this change`;
  return undefined;
}

/** Builds the reconciliation activities from injected dependencies. */
export function createReconcileActivities(deps: ReconcileDeps) {
  const temporal = () => deps.temporal ?? Context.current().client;

  /** One incident: skip, count as handled, or start its triage the way the webhook would. */
  async function decide(tenant: TenantContext, seenBefore: (incident: ChangedIncident) => boolean, incident: ChangedIncident): Promise<Decision> {
    if (seenBefore(incident)) return { outcome: 'skipped_seen_before' };
    // Same rule as the webhook route: our own write-backs are not new work.
    if (incident.updatedBy && incident.updatedBy === tenant.settings.servicenow.username) return { outcome: 'skipped_echo' };

    const client = temporal();
    const workflowId = triageWorkflowId(tenant.slug, incident.sysId);
    const run = await describeRun(client, workflowId);
    const covered = run && coveredBy(run, incident);
    if (covered) return { outcome: 'already_handled', reason: covered, workflowId };
    // Each change is started at most once by reconciliation, even if its run is gone again by
    // the next (overlapping) pass.
    const deliveryId = reconcileDeliveryId(incident);
    if (await getDelivery(deps.pool, tenant.id, deliveryId)) {
      return { outcome: 'already_handled', reason: 'started by reconciliation earlier', workflowId };
    }
    const { outcome } = await startOrSignalTriage(client, Context.current().info.taskQueue, tenant, {
      table: 'incident', sysId: incident.sysId, number: incident.number || undefined, event: 'reconciled',
      sysUpdatedOn: incident.updatedOn, sysModCount: incident.modCount, sysUpdatedBy: incident.updatedBy || undefined,
      deliveryId, source: 'reconciliation',
    });
    if (outcome === 'already_handled') return { outcome: 'already_handled', reason: 'finished', workflowId };
    await recordDelivery(deps.pool, { tenantId: tenant.id, webhookId: deliveryId, workflowId });
    // signalWithStart only signals when a webhook started the run a moment earlier: say so.
    const memo = (await client.workflow.getHandle(workflowId).describe()).memo;
    if (memo?.source !== 'reconciliation') return { outcome: 'already_handled', reason: 'webhook started it first', workflowId };
    await appendAudit(deps.pool, {
      tenantId: tenant.id, workflowId, type: 'reconcile.started', outcome: 'started',
      detail: { incident: incident.number || incident.sysId, deliveryId, updatedOn: incident.updatedOn },
    });
    return { outcome: 'started', workflowId };
  }

  return {
    /**
     * Where a pass starts: the stored watermark minus the overlap. A tenant's first pass stores
     * "now minus the initial lookback" as its watermark, so no pass ever reads the whole table.
     */
    async beginReconciliation(input: BeginReconciliationInput): Promise<ReconcileStart> {
      return withFailureMapping(async () => {
        const tenant = await loadTenant(deps, input.tenantId);
        const existing = await getWatermark(deps.pool, tenant.id, serviceNowIncidentSource);
        const stored = existing ?? await initWatermark(deps.pool, {
          tenantId: tenant.id, source: serviceNowIncidentSource,
          watermark: toGlideDateTime(new Date(Date.now() - input.initialLookbackSeconds * 1000)),
        });
        return {
          watermarkFrom: stored.watermark,
          position: { updatedOn: shiftGlideDateTime(stored.watermark, -input.overlapSeconds) },
        };
      });
    },

    /** Reads one page of changes after `position`, handles each, then advances the watermark. */
    async reconcilePage(input: ReconcilePageInput): Promise<ReconcilePageResult> {
      return withFailureMapping(async () => {
        requireVerified(deps, serviceNowConnector.connectorId);
        const tenant = await loadTenant(deps, input.tenantId);
        const serviceNow = await serviceNowClientFor(deps, tenant);
        const stored = await getWatermark(deps.pool, tenant.id, serviceNowIncidentSource);
        const handledAtWatermark = new Set(stored?.handledIds);
        const seenBefore = (c: ChangedIncident) => c.updatedOn === stored?.watermark && handledAtWatermark.has(c.sysId);
        const page = await listChangedIncidents(serviceNow, input.position, input.pageSize);

        const result: ReconcilePageResult = {
          scanned: page.incidents.length, started: 0, alreadyHandled: 0, skipped: { echo: 0, seenBefore: 0 },
          serviceNowRequests: page.requests, next: page.next, exhausted: page.exhausted,
          watermark: stored?.watermark ?? input.position.updatedOn, examples: [],
        };
        for (let i = 0; i < page.incidents.length; i += concurrency) {
          const batch = page.incidents.slice(i, i + concurrency);
          const decisions = await Promise.all(batch.map((incident) => decide(tenant, seenBefore, incident)));
          decisions.forEach((d, j) => {
            if (d.outcome === 'started') result.started++;
            else if (d.outcome === 'already_handled') result.alreadyHandled++;
            else if (d.outcome === 'skipped_echo') result.skipped.echo++;
            else result.skipped.seenBefore++;
            // Re-reads of the previous pass's last second are noise: they are counted, not shown.
            if (result.examples.length < examplesPerPage && d.outcome !== 'skipped_seen_before') {
              const incident = batch[j]!;
              result.examples.push({ incident: incident.number || incident.sysId, outcome: d.outcome, ...(d.reason ? { reason: d.reason } : {}), ...(d.workflowId ? { workflowId: d.workflowId } : {}) });
            }
          });
          Context.current().heartbeat({ handled: i + batch.length, of: page.incidents.length });
        }

        // Only now, with every incident of the page handled, may the watermark pass them.
        const last = page.incidents[page.incidents.length - 1];
        if (last) {
          const handledIds = page.incidents.filter((c) => c.updatedOn === last.updatedOn).map((c) => c.sysId);
          const advanced = await advanceWatermark(deps.pool, { tenantId: tenant.id, source: serviceNowIncidentSource, watermark: last.updatedOn, handledIds });
          result.watermark = advanced.watermark;
        }
        return result;
      });
    },
  };
}

/** The reconciliation activities' type (merged into {@link import('./index').Activities}). */
export type ReconcileActivities = ReturnType<typeof createReconcileActivities>;

/**
 * The delivery id a reconciliation start records (in webhook_deliveries) and puts on the
 * trigger: one per incident change, like a webhook-id.
 */
export function reconcileDeliveryId(incident: Pick<ChangedIncident, 'sysId' | 'modCount'>): string {
  return `reconcile:${incident.sysId}:${incident.modCount}`;
}
