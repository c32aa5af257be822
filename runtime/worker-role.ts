/**
 * The worker role: workflows and activities, and the Schedules that must exist (reconciliation
 * per tenant, replay-record retention), converged on every start. Run it as its own process
 * (GATEHOUSE_ROLE=worker), as many as the load needs, against one Temporal and one PostgreSQL.
 */
import type { NativeConnection, Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../activities';
import { AuditLinks } from '../audit/audit-links';
import { encryptingCodecsOf } from '../temporal/data-converter';
import { defaultDeliveryRetentionSeconds, ensurePruneDeliveriesSchedule } from '../temporal/maintenance-schedules';
import { createGatehouseWorker } from '../temporal/worker';
import { minimumRetentionSeconds } from '../workflows/prune-types';
import type { RoleDeps, RoleOptions } from './role-deps';

export interface WorkerRoleOptions extends RoleOptions {
  workerConnection: NativeConnection;
  /** Where the API is reached from outside (audit links in Slack messages point there). */
  publicBaseUrl: string;
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** How long webhook delivery records (the replay record) are kept (default 7 days, at least 1). */
  webhookDeliveryRetentionSeconds?: number;
}

export interface WorkerRole {
  /** Stops the worker only (tests use it to show a waiting run survives a worker restart). */
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** Throws a RangeError for a retention below the minimum (checked before anything starts). */
export function checkRetention(seconds: number | undefined): number {
  const retention = seconds ?? defaultDeliveryRetentionSeconds;
  if (!Number.isInteger(retention) || retention < minimumRetentionSeconds) {
    throw new RangeError(`webhook delivery retention must be a whole number of seconds, at least ${minimumRetentionSeconds} (1 day); got ${seconds}`);
  }
  return retention;
}

export async function startWorkerRole(opts: WorkerRoleOptions, deps: RoleDeps): Promise<WorkerRole> {
  const retentionSeconds = checkRetention(opts.webhookDeliveryRetentionSeconds);
  const activities = createActivities({
    ...deps.tenantDeps, logger: opts.logger.child({ component: 'activities' }),
    auditLinks: new AuditLinks(opts.masterKey, opts.publicBaseUrl), registry: deps.registry, reconcileSchedules: deps.reconcileSchedules,
  });
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const startWorker = async () => {
    worker = await createGatehouseWorker({
      connection: opts.workerConnection, namespace: opts.namespace, taskQueue: opts.taskQueue,
      activities, workflowBundle: opts.workflowBundle,
      // The client's codecs: the worker encrypts with the key the client and codec endpoint decrypt with.
      dataConverter: { payloadCodecs: encryptingCodecsOf(opts.temporalClient) },
    });
    running = worker.run().catch((err: unknown) => opts.logger.error({ err }, 'worker stopped with an error'));
  };
  const stopWorker = async () => {
    if (worker && worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    worker = undefined;
  };
  await startWorker();
  // Schedules converge on every start: one deleted by hand, or missed while Temporal was down, comes back.
  if (opts.manageSchedules !== false) {
    await deps.reconcileSchedules.syncAll('startup');
    await ensurePruneDeliveriesSchedule(opts.temporalClient, { taskQueue: opts.taskQueue, retentionSeconds })
      .catch((err: unknown) => opts.logger.error({ err }, 'could not create the webhook delivery retention schedule'));
  }
  return { startWorker, stopWorker, stop: stopWorker };
}
