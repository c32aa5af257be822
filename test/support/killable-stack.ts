/**
 * The whole stack as `npm start` runs it (`node --import tsx scripts/start.ts`: supervisor,
 * embedded database, Temporal dev server, API and worker processes), started in a process group
 * of its own so a test can SIGKILL every process of it at once — a power cut — and start it again
 * on the same data directory and ports. Like bench/load/stack-process.ts, but with the state
 * directory and ports chosen by the caller, and kept across launches.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnChild } from '../../bench/load/child-process';
import { healthy } from '../../bench/load/stack-process';
import { findFreePort } from '../../temporal/dev-server';

/** Where the stack keeps its state and listens: the same for every launch. */
export interface StackPlace {
  dataDir: string;
  port: number;
  temporalPort: number;
  uiPort: number;
  adminToken: string;
  apiUrl: string;
}

export interface LaunchedStack {
  /** The supervisor's pid, also the id of the process group every part of the stack runs in. */
  pgid: number;
  /** When /healthz first answered (ms since the epoch). */
  readyAt: number;
  /** The last lines the stack wrote, for a failure message. */
  tail(): string[];
  /** SIGKILL to the whole process group at once; resolves when no process of it is left alive. */
  killGroup(): Promise<void>;
}

const READY_TIMEOUT_MS = 90_000;
/** Variables that would point the stack elsewhere than at what it starts itself. */
const STRIPPED = ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_API_KEY', 'GATEHOUSE_PUBLIC_URL', 'PORT', 'HOST', 'GATEHOUSE_ROLE', 'DATABASE_URL', 'GATEHOUSE_STATS_DIR'];

/** A fresh data directory and distinct free ports. */
export async function choosePlace(): Promise<StackPlace> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await findFreePort());
  const [port, temporalPort, uiPort] = [...ports] as [number, number, number];
  return {
    dataDir: mkdtempSync(join(tmpdir(), 'gatehouse-crash-')), port, temporalPort, uiPort,
    adminToken: randomBytes(24).toString('base64url'), apiUrl: `http://127.0.0.1:${port}`,
  };
}

/** Pids of the group's processes that are still running (zombies waiting for a reaper are dead). */
export function livingMembers(pgid: number): number[] {
  const living: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited between listing and reading
    }
    // After the name's ')': state, ppid, pgrp, …
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') living.push(Number(name));
  }
  return living;
}

/** Starts the stack in `place` and resolves once its API answers /healthz. */
export async function launchStack(repoRoot: string, place: StackPlace): Promise<LaunchedStack> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of STRIPPED) delete env[name];
  Object.assign(env, {
    PORT: String(place.port), TEMPORAL_PORT: String(place.temporalPort), TEMPORAL_UI_PORT: String(place.uiPort),
    GATEHOUSE_DATA_DIR: place.dataDir, GATEHOUSE_ADMIN_TOKEN: place.adminToken, GATEHOUSE_ALLOWED_PRIVATE_ORIGINS: 'http://127.0.0.1:*,http://localhost:*',
  });
  // detached: a new process group led by the supervisor, inherited by all it starts.
  const child = spawnChild(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: repoRoot, env, detached: true });
  const pgid = child.pid;

  const killGroup = async () => {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
    await child.exited;
    const deadline = Date.now() + 10_000;
    while (livingMembers(pgid).length > 0) {
      if (Date.now() > deadline) throw new Error(`processes ${livingMembers(pgid).join(', ')} of the stack survived SIGKILL`);
      await sleep(50);
    }
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await healthy(place.apiUrl))) {
    if (child.hasExited() || Date.now() > deadline) {
      await killGroup();
      throw new Error(`the stack did not become ready (${child.hasExited() ? 'it exited' : 'timed out'}); its last output:\n${child.tail().join('\n')}`);
    }
    await sleep(100);
  }
  return { pgid, readyAt: Date.now(), tail: child.tail, killGroup };
}
