/**
 * `npm start` (GATEHOUSE_ROLE=all): the whole stack on one machine with embedded defaults.
 * - PostgreSQL: DATABASE_URL, or an embedded PGlite persisted in <data>/pg, served from this
 *   process over the wire protocol to the role processes; migrations run here, once;
 * - Temporal: the CLI dev server with its Web UI, persisted in <data>/temporal.db (unless
 *   TEMPORAL_ADDRESS points at a cluster);
 * - the API and the worker as two child processes, so a worker at 100 % CPU never delays an
 *   acknowledgement; a child that dies is started again.
 * Ctrl-C stops everything, children included.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { openDatabase } from '../../db/database';
import { loadMasterKey } from '../../db/secret-box';
import { createLogger } from '../../observability/logger';
import { writeProcessStats } from '../../observability/process-stats';
import { loadTemporalConfig } from '../../temporal/connection-config';
import { startDevServer, type DevServer } from '../../temporal/dev-server';
import { defaultCodecCorsOrigins } from '../../api/codec/codec-settings';
import { adminTokenFrom, dataDirFromEnv, publicUrlFrom } from './environment';

const entry = join(__dirname, '..', 'start.ts');
const RESTART_DELAY_MS = 1_000;

export async function runSupervisor(): Promise<void> {
  const logger = createLogger().child({ role: 'supervisor' });
  const cleanups: Array<() => Promise<void> | void> = [];
  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping Gatehouse…');
    await Promise.all([...children.values()].map((child) => stopChild(child)));
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch((err: unknown) => logger.error({ err }, 'shutdown step failed'));
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const dataDir = dataDirFromEnv();
    const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: join(dataDir, 'pg'), log: logger });
    cleanups.push(() => db.close());
    cleanups.push(writeProcessStats(process.env.GATEHOUSE_STATS_DIR, 'supervisor'));
    // Created here once, so both roles read the same key and token files.
    loadMasterKey({ env: process.env, dataDir });
    adminTokenFrom(process.env, dataDir);

    let dev: DevServer | undefined;
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url, GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_SKIP_MIGRATIONS: 'true' };
    if (!process.env.TEMPORAL_ADDRESS) {
      const uiPort = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
      dev = await startDevServer({
        dbFile: join(dataDir, 'temporal.db'),
        port: Number(process.env.TEMPORAL_PORT ?? 7233),
        uiPort,
        // The UI decrypts payloads through the API's codec endpoint; reading the history raw shows ciphertext.
        uiCodecEndpoint: `${publicUrlFrom(process.env)}/codec`,
      });
      cleanups.push(() => dev!.stop());
      env.TEMPORAL_ADDRESS = dev.address;
      // This UI has no login and sends no token: the codec answers it only from this machine and its origin.
      env.GATEHOUSE_CODEC_CORS_ORIGINS ??= defaultCodecCorsOrigins(uiPort).join(',');
      env.GATEHOUSE_CODEC_LOCAL_UI ??= 'true';
    }
    const config = loadTemporalConfig(env);

    const start = (role: 'api' | 'worker'): Promise<{ apiUrl?: string }> => new Promise((resolve, reject) => {
      const child = fork(entry, [], { env: { ...env, GATEHOUSE_ROLE: role }, execArgv: ['--import', 'tsx'], stdio: 'inherit' });
      children.set(role, child);
      let ready = false;
      child.on('message', (message: { ready?: string; apiUrl?: string }) => {
        if (message.ready !== role) return;
        ready = true;
        resolve({ apiUrl: message.apiUrl });
      });
      child.on('exit', (code, signal) => {
        children.delete(role);
        if (stopping) return;
        if (!ready) {
          reject(new Error(`the ${role} process exited while starting (${signal ?? `code ${code}`})`));
          return;
        }
        logger.error({ code, signal }, `the ${role} process died; starting it again`);
        setTimeout(() => void start(role).catch((err: unknown) => logger.error({ err }, `could not restart the ${role} process`)), RESTART_DELAY_MS);
      });
    });
    const [api] = await Promise.all([start('api'), start('worker')]);

    console.log(`
Gatehouse is running.
  API:          ${api.apiUrl}   (admin token: ${process.env.GATEHOUSE_ADMIN_TOKEN ? '$GATEHOUSE_ADMIN_TOKEN' : join(dataDir, 'admin-token')})
  Temporal UI:  ${dev ? dev.uiUrl : '(external cluster)'}
  Temporal:     ${config.address}, namespace ${config.namespace}, task queue ${config.taskQueue}
  Database:     ${db.embedded ? `embedded PostgreSQL (PGlite) in ${join(dataDir, 'pg')}` : 'DATABASE_URL'}
  Processes:    api ${children.get('api')?.pid}, worker ${children.get('worker')?.pid} (supervisor ${process.pid})
Press Ctrl-C to stop.`);
  } catch (err) {
    logger.error({ err }, 'Gatehouse failed to start');
    await stop(1);
  }
}

/** SIGTERM, then SIGKILL if the child has not gone within 10 s. */
function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
