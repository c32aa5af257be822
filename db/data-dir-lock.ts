/**
 * A pid lock file for the embedded database's data directory.
 *
 * PGlite has no postmaster.pid of its own: two processes opening the same directory both
 * "succeed", write over each other and leave a directory PGlite can no longer start from
 * (observed: `RuntimeError: Aborted()` on the next start). So we refuse the second opener.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';

/** The directory is held by another live process. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  constructor(readonly lockFile: string, readonly pid: number) {
    super(`the embedded database is in use by process ${pid} (lock file ${lockFile}); stop that process, or delete the lock file if it is stale`);
  }
}

/** Lock files this process holds: a pid equal to ours is only "ours" if it is in here. */
const held = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(lockFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockFile, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock at `lockFile` for this process, replacing a stale one (its process is gone,
 * e.g. after a crash or a container restart that reused our pid). Returns the release function.
 * @throws DataDirLockedError when a live process holds it.
 */
export function acquireDataDirLock(lockFile: string): () => void {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      held.add(lockFile);
      return () => releaseDataDirLock(lockFile);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = readPid(lockFile);
    const ours = pid === process.pid && held.has(lockFile);
    if (pid !== undefined && (ours || (pid !== process.pid && isAlive(pid)))) throw new DataDirLockedError(lockFile, pid);
    unlinkSync(lockFile);
  }
  throw new Error(`could not take the lock file ${lockFile}: another process keeps recreating it`);
}

function releaseDataDirLock(lockFile: string): void {
  if (!held.delete(lockFile)) return;
  if (readPid(lockFile) === process.pid) unlinkSync(lockFile);
}
