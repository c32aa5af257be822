/** The bench's child processes: spawned with their output kept for diagnostics, stopped politely first. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { treePids } from './process-tree';

const TAIL_LINES = 60;

export interface Child {
  process: ChildProcess;
  pid: number;
  /** The last lines it wrote (stdout and stderr), for an error message when it fails. */
  tail(): string[];
  /** Resolves with the exit code (or signal name) once it exited. */
  exited: Promise<string>;
  hasExited(): boolean;
}

/** `detached`: the child leads a new process group (inherited by all it starts), so the group can be signalled at once. */
export function spawnChild(command: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; detached?: boolean }): Child {
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, detached: opts.detached ?? false, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${command} ${args.join(' ')}`);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
    }
  };
  // Always drained: a full pipe would block the child's logging and so the child itself.
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let done = false;
  const exited = once(child, 'exit').then(([code, signal]: unknown[]) => {
    done = true;
    return String(code ?? signal);
  });
  return { process: child, pid: child.pid, tail: () => [...lines], exited, hasExited: () => done };
}

/**
 * SIGINT (what Ctrl-C sends `npm start`), then SIGKILL to the whole tree after `graceMs`: the
 * pids are collected before the kill, since a killed parent's children are re-parented away.
 */
export async function stopChild(child: Child, graceMs: number): Promise<'stopped' | 'killed'> {
  if (child.hasExited()) return 'stopped';
  const tree = treePids([{ pid: child.pid, nodeLabel: '' }]);
  child.process.kill('SIGINT');
  const stopped = await Promise.race([child.exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (stopped) return 'stopped';
  for (const pid of tree) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await child.exited;
  return 'killed';
}
