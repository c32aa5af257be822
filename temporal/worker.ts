/**
 * The Gatehouse worker: the triage workflows plus activities built from injected dependencies.
 * Tests pass a pre-built bundle so the workflow code is bundled once per test file.
 */
import { bundleWorkflowCode, DefaultLogger, Worker, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import type { Activities } from '../activities';
import { heartbeatInterceptor } from './activity-heartbeats';
import { workflowEntryPath } from './workflow-entry';

export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: workflowEntryPath(), logger: new DefaultLogger('WARN') });
}

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** Payload encryption (gatehouseDataConverter); the workflow bundle itself needs no codec. */
  dataConverter: DataConverter;
}

export function createGatehouseWorker(opts: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: opts.activities,
    dataConverter: opts.dataConverter,
    interceptors: { activity: [heartbeatInterceptor] },
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: workflowEntryPath() }),
  });
}
