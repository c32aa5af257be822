/**
 * `npm start`: the whole stack with embedded defaults.
 * - Temporal: the CLI dev server with its Web UI, persisted in .data/temporal.db (unless
 *   TEMPORAL_ADDRESS points at a cluster);
 * - PostgreSQL: DATABASE_URL, or an embedded PGlite persisted in .data/pg;
 * - the worker and the API in this process.
 * Ctrl-C stops everything, children included.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { openDatabase } from '../db/database';
import { loadMasterKey, SecretBox } from '../db/secret-box';
import { createLogger } from '../observability/logger';
import { startRuntime } from '../runtime/gatehouse-runtime';
import { connectClient, connectWorkerConnection, loadTemporalConfig } from '../temporal/connection-config';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { urlPolicyFromEnv } from '../tenancy/url-guard';

const root = join(__dirname, '..');
const dataDir = join(root, '.data');

/** A local admin token, created once and kept in .data (never printed). */
function adminToken(): string {
  if (process.env.GATEHOUSE_ADMIN_TOKEN) return process.env.GATEHOUSE_ADMIN_TOKEN;
  const file = join(dataDir, 'admin-token');
  if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  // The SDK's own INFO lines (bundle sizes, worker states) drown the useful output of a dev run.
  Runtime.install({ logger: new DefaultLogger(process.env.TEMPORAL_SDK_LOG_LEVEL === 'INFO' ? 'INFO' : 'WARN') });
  const logger = createLogger();
  const cleanups: Array<() => Promise<void>> = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping Gatehouse…');
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => logger.error({ err }, 'shutdown step failed'));
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: join(dataDir, 'pg') });
    cleanups.push(() => db.close());
    const masterKey = loadMasterKey({ env: process.env, dataDir });

    let dev: DevServer | undefined;
    const env = { ...process.env };
    if (!process.env.TEMPORAL_ADDRESS) {
      dev = await startDevServer({
        dbFile: join(dataDir, 'temporal.db'),
        port: Number(process.env.TEMPORAL_PORT ?? 7233),
        uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
      });
      cleanups.push(() => dev!.stop());
      env.TEMPORAL_ADDRESS = dev.address;
    }
    const config = loadTemporalConfig(env);
    const { client, connection } = await connectClient(config);
    cleanups.push(() => connection.close());
    const workerConnection = await connectWorkerConnection(config);
    cleanups.push(() => workerConnection.close());

    const runtime = await startRuntime({
      pool: db.pool, secrets: new SecretBox(masterKey), masterKey, logger,
      temporalClient: client, workerConnection, namespace: config.namespace, taskQueue: config.taskQueue,
      adminToken: adminToken(), urlPolicy: urlPolicyFromEnv(), host: process.env.HOST ?? '127.0.0.1',
      port: Number(process.env.PORT ?? 3000), publicBaseUrl: process.env.GATEHOUSE_PUBLIC_URL,
      // A local run trusts the committed development signing key unless told otherwise; a
      // production deployment sets GATEHOUSE_TRUST_DEVELOPMENT_KEYS=false and ships its release key.
      trustDevelopmentKeys: process.env.GATEHOUSE_TRUST_DEVELOPMENT_KEYS !== 'false',
      ...(process.env.GATEHOUSE_WEBHOOK_RETENTION_DAYS ? { webhookDeliveryRetentionSeconds: Number(process.env.GATEHOUSE_WEBHOOK_RETENTION_DAYS) * 86_400 } : {}),
    });
    cleanups.push(() => runtime.stop());

    console.log(`
Gatehouse is running.
  API:          ${runtime.apiUrl}   (admin token: ${process.env.GATEHOUSE_ADMIN_TOKEN ? '$GATEHOUSE_ADMIN_TOKEN' : '.data/admin-token'})
  Temporal UI:  ${dev ? dev.uiUrl : '(external cluster)'}
  Temporal:     ${config.address}, namespace ${config.namespace}, task queue ${config.taskQueue}
  Database:     ${db.embedded ? 'embedded PostgreSQL (PGlite) in .data/pg' : 'DATABASE_URL'}
Press Ctrl-C to stop.`);
  } catch (err) {
    logger.error({ err }, 'Gatehouse failed to start');
    await stop(1);
  }
}

void main();
