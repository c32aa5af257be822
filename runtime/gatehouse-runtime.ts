/**
 * Both roles in one process: the API (express) and the worker (workflows + activities), over a
 * database, a Temporal connection and a logger it is given. The end-to-end tests, the demo and
 * the benchmarks' in-process baselines run exactly this; `npm start` runs the same two roles as
 * separate processes (scripts/start.ts), so a saturated worker never slows an acknowledgement.
 */
import type { NativeConnection, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startApiRole, type ApiRoleOptions } from './api-role';
import { buildRoleDeps } from './role-deps';
import { checkRetention, startWorkerRole } from './worker-role';

export interface RuntimeOptions extends ApiRoleOptions {
  workerConnection: NativeConnection;
  workflowBundle?: WorkflowBundleWithSourceMap;
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

export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  checkRetention(opts.webhookDeliveryRetentionSeconds);
  const deps = await buildRoleDeps(opts);
  const api = await startApiRole(opts, deps);
  const worker = await startWorkerRole({ ...opts, publicBaseUrl: api.publicBaseUrl }, deps).catch(async (err: unknown) => {
    await api.stop();
    throw err;
  });
  return {
    apiUrl: api.apiUrl,
    startWorker: worker.startWorker,
    stopWorker: worker.stopWorker,
    async stop() {
      await api.stop();
      await worker.stop();
      deps.close();
    },
  };
}
