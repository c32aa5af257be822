/**
 * The baseline process (spawned by the load bench): a Temporal worker for baseline-workflow.ts
 * and the endpoint that starts and signals its runs. Its own process, so its CPU time can be
 * read apart from the load generator's and compared with the product's processes.
 * Configuration comes as JSON in BENCH_BASELINE_CONFIG (see baseline-process.ts).
 */
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createBaselineActivities, type BaselineConfig } from './baseline-activities';
import { startBaselineEndpoint } from './baseline-endpoint';

export interface BaselineProcessConfig extends BaselineConfig {
  temporalAddress: string;
  taskQueue: string;
  port: number;
  webhookSecret: string;
  signingSecret: string;
  integrationUser: string;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_BASELINE_CONFIG ?? '') as BaselineProcessConfig;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./baseline-workflow'), logger: new DefaultLogger('WARN') });
  const nativeConnection = await NativeConnection.connect({ address: config.temporalAddress });
  const worker = await Worker.create({
    connection: nativeConnection, taskQueue: config.taskQueue, workflowBundle, activities: createBaselineActivities(config),
  });
  const connection = await Connection.connect({ address: config.temporalAddress });
  const client = new Client({ connection });
  const server = await startBaselineEndpoint({ client, ...config }, config.port);
  const stop = () => {
    server.close();
    server.closeAllConnections();
    worker.shutdown();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await worker.run();
  await connection.close();
  await nativeConnection.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
