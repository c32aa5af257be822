/**
 * One role of Gatehouse in this process (GATEHOUSE_ROLE=api or worker): connects to the
 * PostgreSQL named by DATABASE_URL and the Temporal named by TEMPORAL_ADDRESS, and runs the API
 * or the worker. The `npm start` supervisor starts one of each; a deployment runs N of each.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { openDatabase } from '../../db/database';
import { loadMasterKey, loadPreviousMasterKeys, SecretBox } from '../../db/secret-box';
import { createLogger } from '../../observability/logger';
import { writeProcessStats } from '../../observability/process-stats';
import { startApiRole } from '../../runtime/api-role';
import { buildRoleDeps } from '../../runtime/role-deps';
import { startWorkerRole } from '../../runtime/worker-role';
import { codecSettingsFromEnv } from '../../api/codec/codec-settings';
import { connectClient, connectWorkerConnection, loadTemporalConfig } from '../../temporal/connection-config';
import { gatehouseDataConverter } from '../../temporal/data-converter';
import { urlPolicyFromEnv } from '../../tenancy/url-guard';
import { adminTokenFrom, apiHost, apiPort, dataDirFromEnv, publicUrlFrom } from './environment';

export async function runRole(role: 'api' | 'worker'): Promise<void> {
  Runtime.install({ logger: new DefaultLogger(process.env.TEMPORAL_SDK_LOG_LEVEL === 'INFO' ? 'INFO' : 'WARN') });
  const logger = createLogger().child({ role });
  if (!process.env.DATABASE_URL) throw new Error(`GATEHOUSE_ROLE=${role} needs DATABASE_URL (only GATEHOUSE_ROLE=all starts an embedded database)`);
  if (!process.env.TEMPORAL_ADDRESS) throw new Error(`GATEHOUSE_ROLE=${role} needs TEMPORAL_ADDRESS (only GATEHOUSE_ROLE=all starts a Temporal dev server)`);
  const cleanups: Array<() => Promise<void> | void> = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch((err: unknown) => logger.error({ err }, 'shutdown step failed'));
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  // The supervisor going away (even by SIGKILL) closes the IPC channel: follow it.
  process.on('disconnect', () => void stop(0));

  try {
    const dataDir = dataDirFromEnv();
    const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, log: logger, migrate: process.env.GATEHOUSE_SKIP_MIGRATIONS !== 'true' });
    cleanups.push(() => db.close());
    cleanups.push(writeProcessStats(process.env.GATEHOUSE_STATS_DIR, role));
    const masterKey = loadMasterKey({ env: process.env, dataDir });
    // Earlier master keys only open what they sealed (secrets, payloads) until a rotation finishes.
    const previousKeys = loadPreviousMasterKeys(process.env);
    const config = loadTemporalConfig(process.env);
    const { client, connection } = await connectClient(config, gatehouseDataConverter(masterKey, previousKeys));
    cleanups.push(() => connection.close());
    const common = {
      pool: db.pool, secrets: new SecretBox(masterKey, previousKeys), masterKey, logger, temporalClient: client,
      namespace: config.namespace, taskQueue: config.taskQueue, urlPolicy: urlPolicyFromEnv(),
      // A local run trusts the committed development signing key unless told otherwise; a
      // production deployment sets GATEHOUSE_TRUST_DEVELOPMENT_KEYS=false and ships its release key.
      trustDevelopmentKeys: process.env.GATEHOUSE_TRUST_DEVELOPMENT_KEYS !== 'false',
    };
    const deps = await buildRoleDeps(common);
    cleanups.push(() => deps.close());
    if (role === 'api') {
      const api = await startApiRole({
        ...common, adminToken: adminTokenFrom(process.env, dataDir), host: apiHost(), port: apiPort(),
        publicBaseUrl: process.env.GATEHOUSE_PUBLIC_URL, codec: codecSettingsFromEnv(),
      }, deps);
      cleanups.push(() => api.stop());
      process.send?.({ ready: role, apiUrl: api.apiUrl });
    } else {
      const workerConnection = await connectWorkerConnection(config);
      cleanups.push(() => workerConnection.close());
      const worker = await startWorkerRole({
        ...common, workerConnection, publicBaseUrl: publicUrlFrom(),
        ...(process.env.GATEHOUSE_WEBHOOK_RETENTION_DAYS ? { webhookDeliveryRetentionSeconds: Number(process.env.GATEHOUSE_WEBHOOK_RETENTION_DAYS) * 86_400 } : {}),
      }, deps);
      cleanups.push(() => worker.stop());
      process.send?.({ ready: role });
    }
  } catch (err) {
    logger.error({ err }, `Gatehouse ${role} failed to start`);
    await stop(1);
  }
}
