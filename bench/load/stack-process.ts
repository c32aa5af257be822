/**
 * The product as `npm start` runs it (`node --import tsx scripts/start.ts`), on free ports with
 * a fresh data directory, readiness taken from the API's /healthz. The bench does not care how
 * many processes it spawns: it samples the whole tree.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnChild, stopChild, type Child } from './child-process';
import { findFreePort as freePort } from '../../temporal/dev-server';

export interface Stack {
  child: Child;
  apiUrl: string;
  temporalAddress: string;
  adminToken: string;
  statsDir: string;
  /** The fresh directory given as GATEHOUSE_DATA_DIR. */
  dataDir: string;
  /** Whether the stack used it (older start.ts keeps everything in ./.data). */
  dataDirHonoured(): boolean;
  database: 'DATABASE_URL' | 'embedded';
  stop(): Promise<'stopped' | 'killed'>;
}

const READY_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 30_000;

/** Variables that would point the stack elsewhere than at the dev server it starts itself. */
const STRIPPED = ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_API_KEY', 'GATEHOUSE_PUBLIC_URL', 'PORT', 'HOST', 'GATEHOUSE_ROLE'];

/** Whether the API at `apiUrl` answers GET /healthz (within 2 s). */
export async function healthy(apiUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${apiUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Distinct ports: the kernel may hand a just-released port out again. */
async function distinctPorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

/** A port taken by someone else between choosing it and the stack binding it: worth another try. */
class PortRaceError extends Error {}

const START_ATTEMPTS = 3;

export async function startStack(repoRoot: string): Promise<Stack> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startStackOnce(repoRoot);
    } catch (err) {
      if (!(err instanceof PortRaceError) || attempt >= START_ATTEMPTS) throw err;
    }
  }
}

async function startStackOnce(repoRoot: string): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-load-'));
  const statsDir = join(dataDir, 'stats');
  const [port, temporalPort, uiPort] = await distinctPorts(3) as [number, number, number];
  const adminToken = randomBytes(24).toString('base64url');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of STRIPPED) delete env[name];
  Object.assign(env, {
    PORT: String(port), TEMPORAL_PORT: String(temporalPort), TEMPORAL_UI_PORT: String(uiPort),
    GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_ADMIN_TOKEN: adminToken, GATEHOUSE_ALLOWED_PRIVATE_ORIGINS: 'http://127.0.0.1:*,http://localhost:*',
    GATEHOUSE_STATS_DIR: statsDir,
  });
  const child = spawnChild(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: repoRoot, env });
  const apiUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await healthy(apiUrl))) {
    if (child.hasExited() || Date.now() > deadline) {
      await stopChild(child, 5000);
      rmSync(dataDir, { recursive: true, force: true });
      if (child.tail().some((line) => /already in use|EADDRINUSE/.test(line))) throw new PortRaceError('a chosen port was taken');
      throw new Error(`the stack did not become ready (${child.hasExited() ? 'it exited' : 'timed out'}); its last output:\n${child.tail().join('\n')}`);
    }
    await sleep(250);
  }
  return {
    child, apiUrl, temporalAddress: `127.0.0.1:${temporalPort}`, adminToken, statsDir, dataDir,
    dataDirHonoured: () => existsSync(dataDir) && readdirSync(dataDir).some((name) => name !== 'stats'),
    database: process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded',
    stop: () => stopChild(child, STOP_GRACE_MS),
  };
}
