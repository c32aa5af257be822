/**
 * What `npm start` reads from the environment, in one place, for the supervisor and for each
 * role process (which are started with the same environment plus what the supervisor adds).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

/** The process roles: both (the default, as separate processes), or one of them alone. */
export type Role = 'all' | 'api' | 'worker';

export function roleFromEnv(env: NodeJS.ProcessEnv = process.env): Role {
  const role = env.GATEHOUSE_ROLE ?? 'all';
  if (role !== 'all' && role !== 'api' && role !== 'worker') {
    throw new Error(`GATEHOUSE_ROLE must be all, api or worker; got "${role}"`);
  }
  return role;
}

/** Local state (embedded database, Temporal's history, the dev keys): GATEHOUSE_DATA_DIR or ./.data. */
export function dataDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const dir = resolve(env.GATEHOUSE_DATA_DIR || join(__dirname, '..', '..', '.data'));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** A local admin token, created once and kept in the data directory (never printed). */
export function adminTokenFrom(env: NodeJS.ProcessEnv, dataDir: string): string {
  if (env.GATEHOUSE_ADMIN_TOKEN) return env.GATEHOUSE_ADMIN_TOKEN;
  const file = join(dataDir, 'admin-token');
  if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

export const apiHost = (env: NodeJS.ProcessEnv = process.env): string => env.HOST ?? '127.0.0.1';
export const apiPort = (env: NodeJS.ProcessEnv = process.env): number => Number(env.PORT ?? 3000);

/** Where people and Slack reach the API (audit links): GATEHOUSE_PUBLIC_URL or the local address. */
export function publicUrlFrom(env: NodeJS.ProcessEnv = process.env): string {
  return env.GATEHOUSE_PUBLIC_URL ?? `http://${apiHost(env)}:${apiPort(env)}`;
}
