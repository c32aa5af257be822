/**
 * Composes one Gatehouse process: the API (express) and the worker (workflows + activities),
 * over a database, a Temporal connection and a logger it is given. `npm start`, the demo and
 * the end-to-end tests all run exactly this.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { Pool } from 'pg';
import { createActivities } from '../activities';
import { createApp } from '../api/app';
import { AuditLinks } from '../audit/audit-links';
import { defaultRegistryOptions, loadConnectorRegistry, type ConnectorRegistry } from '../connectors/framework/registry';
import { registryCatalogue } from '../connectors/registry-catalogue';
import { appendAudit } from '../db/audit-repo';
import { createConnectorLimiter } from '../ratelimit';
import { loadTenant } from '../tenancy/tenant-context';
import type { SecretBox } from '../db/secret-box';
import type { UrlPolicy } from '../tenancy/url-guard';
import { defaultDeliveryRetentionSeconds, ensurePruneDeliveriesSchedule } from '../temporal/maintenance-schedules';
import { createReconcileSchedules } from '../temporal/reconcile-schedule-sync';
import { createGatehouseWorker } from '../temporal/worker';
import { minimumRetentionSeconds } from '../workflows/prune-types';

export interface RuntimeOptions {
  pool: Pool;
  secrets: SecretBox;
  masterKey: Buffer;
  logger: Logger;
  temporalClient: Client;
  workerConnection: NativeConnection;
  namespace: string;
  taskQueue: string;
  adminToken: string;
  urlPolicy: UrlPolicy;
  port?: number;
  host?: string;
  /** Defaults to http://host:port of the API. */
  publicBaseUrl?: string;
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** Standard Webhooks timestamp tolerance (seconds). */
  webhookToleranceSeconds?: number;
  /** Verified connector manifests (default: this repository's, trusting development keys only if told to). */
  registry?: ConnectorRegistry;
  trustDevelopmentKeys?: boolean;
  /**
   * false turns the shared outbound rate limiter off. Only for tests on the time-skipping server,
   * whose skipped clock and the database's real clock would disagree about provider pauses.
   */
  rateLimiter?: false;
  /**
   * false: this process does not create, pause or resume tenants' reconciliation Schedules. Only
   * for the time-skipping test server, which has no Schedule API.
   */
  manageSchedules?: false;
  /** How long webhook delivery records (the replay record) are kept (default 7 days, at least 1). */
  webhookDeliveryRetentionSeconds?: number;
}

export interface Runtime {
  apiUrl: string;
  /** Stops the worker only (tests use it to show a waiting run survives a worker restart). */
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}

export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const retentionSeconds = opts.webhookDeliveryRetentionSeconds ?? defaultDeliveryRetentionSeconds;
  if (!Number.isInteger(retentionSeconds) || retentionSeconds < minimumRetentionSeconds) {
    throw new RangeError(`webhook delivery retention must be a whole number of seconds, at least ${minimumRetentionSeconds} (1 day); got ${opts.webhookDeliveryRetentionSeconds}`);
  }
  const host = opts.host ?? '127.0.0.1';
  // The public URL is needed by the app and the activities, and depends on the bound port: bind first.
  const { createServer } = await import('node:http');
  const server = createServer();
  const address = await listen(server, opts.port ?? 0, host);
  const apiUrl = `http://${host}:${address.port}`;
  const publicBaseUrl = opts.publicBaseUrl ?? apiUrl;
  const auditLinks = new AuditLinks(opts.masterKey, publicBaseUrl);
  const baseDeps = { pool: opts.pool, secrets: opts.secrets, urlPolicy: opts.urlPolicy };
  // One limiter per process; its state lives in Postgres, so every worker shares the limits.
  const limiter = opts.rateLimiter === false ? undefined : createConnectorLimiter(opts.pool, {
    tenantLimits: async (tenantId) => (await loadTenant(baseDeps, tenantId)).settings.rateLimits,
    log: opts.logger.child({ component: 'ratelimit' }),
  });
  const tenantDeps = { ...baseDeps, ...(limiter ? { limiter } : {}) };
  const registry = opts.registry ?? await loadConnectorRegistry({
    ...(await defaultRegistryOptions()),
    ...(opts.trustDevelopmentKeys !== undefined ? { trustDevelopmentKeys: opts.trustDevelopmentKeys } : {}),
    // Every refused connector artifact is audited: an unsigned or tampered connector never runs silently.
    onRefusal: (refusal) => void appendAudit(opts.pool, { type: 'connector.refused', outcome: refusal.reason, detail: { ...refusal } })
      .catch((err: unknown) => opts.logger.error({ err }, 'could not audit a connector refusal')),
  });
  for (const refusal of registry.refusals()) opts.logger.warn({ refusal }, 'connector refused');

  const reconcileSchedules = createReconcileSchedules({
    pool: opts.pool, logger: opts.logger, taskQueue: opts.taskQueue,
    temporal: opts.manageSchedules === false ? undefined : opts.temporalClient,
  });

  const app = createApp({
    ...tenantDeps, logger: opts.logger.child({ component: 'api' }), temporal: opts.temporalClient,
    taskQueue: opts.taskQueue, auditLinks, adminToken: opts.adminToken, publicBaseUrl,
    webhookToleranceSeconds: opts.webhookToleranceSeconds, registry, catalogue: registryCatalogue(registry), reconcileSchedules,
  });
  server.on('request', app);

  const activities = createActivities({ ...tenantDeps, logger: opts.logger.child({ component: 'activities' }), auditLinks, registry, reconcileSchedules });
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const startWorker = async () => {
    worker = await createGatehouseWorker({
      connection: opts.workerConnection, namespace: opts.namespace, taskQueue: opts.taskQueue,
      activities, workflowBundle: opts.workflowBundle,
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
    await reconcileSchedules.syncAll('startup');
    await ensurePruneDeliveriesSchedule(opts.temporalClient, { taskQueue: opts.taskQueue, retentionSeconds }).catch((err: unknown) => opts.logger.error({ err }, 'could not create the webhook delivery retention schedule'));
  }

  return {
    apiUrl,
    startWorker,
    stopWorker,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await stopWorker();
    },
  };
}
