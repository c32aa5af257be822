/**
 * CPU time of every process under the bench's children, read from /proc, so the figures do not
 * depend on how many processes the stack happens to run (one, or an API and a worker apart).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

export interface ProcessSample {
  pid: number;
  /** The nodeLabel of the tree it was found in. */
  tree: string;
  /** What the process is: temporal, a Gatehouse role, baseline, esbuild, or its program name. */
  label: string;
  /** utime + stime, milliseconds. */
  cpuMs: number;
}

/** A tree to sample: its root pid, and the label its unlabelled node processes get. */
export interface TreeRoot {
  pid: number;
  nodeLabel: string;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // The process exited between listing and reading: it simply is not there any more.
    return undefined;
  }
}

/** ppid and utime+stime (ticks) from /proc/<pid>/stat; the name field may hold spaces, so split after its ')'. */
function readStat(pid: number): { ppid: number; ticks: number } | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
}

function allPids(): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
}

function label(pid: number, nodeLabel: string): string {
  const argv = (readText(`/proc/${pid}/cmdline`) ?? '').split('\0').filter((a) => a !== '');
  const program = basename(argv[0] ?? '');
  if (program.startsWith('temporal') && argv.includes('server') && argv.includes('start-dev')) return 'temporal';
  if (program.includes('esbuild')) return 'esbuild';
  const role = (readText(`/proc/${pid}/environ`) ?? '').split('\0').find((v) => v.startsWith('GATEHOUSE_ROLE='));
  if (role) return role.slice('GATEHOUSE_ROLE='.length) || nodeLabel;
  return program === 'node' || program.startsWith('node') ? nodeLabel : program || `pid ${pid}`;
}

/** Every live process in the given trees (roots included), with its CPU time so far. */
export function sampleTrees(roots: TreeRoot[]): ProcessSample[] {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const pid of allPids()) {
    const stat = readStat(pid);
    if (stat) stats.set(pid, stat);
  }
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of stats) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const msPerTick = 1000 / clockTicks();
  const samples: ProcessSample[] = [];
  for (const root of roots) {
    const queue = stats.has(root.pid) ? [root.pid] : [];
    while (queue.length > 0) {
      const pid = queue.shift()!;
      const stat = stats.get(pid);
      if (!stat) continue;
      samples.push({ pid, tree: root.nodeLabel, label: label(pid, root.nodeLabel), cpuMs: stat.ticks * msPerTick });
      queue.push(...(children.get(pid) ?? []));
    }
  }
  return samples;
}

/** Pids of the trees, deepest first: the order to kill them in when a polite stop failed. */
export function treePids(roots: TreeRoot[]): number[] {
  return sampleTrees(roots).map((s) => s.pid).reverse();
}

export interface CpuByLabel {
  tree: string;
  label: string;
  processes: number;
  cpuMs: number;
}

/**
 * CPU spent between two samples, summed by tree and label. A process that started in between counts
 * from zero; one that exited in between is lost (its time went to its parent's cutime).
 */
export function cpuBetween(before: ProcessSample[], after: ProcessSample[]): CpuByLabel[] {
  const start = new Map(before.map((s) => [s.pid, s.cpuMs]));
  const byLabel = new Map<string, CpuByLabel>();
  for (const s of after) {
    const key = `${s.tree}/${s.label}`;
    const entry = byLabel.get(key) ?? { tree: s.tree, label: s.label, processes: 0, cpuMs: 0 };
    entry.processes++;
    entry.cpuMs += s.cpuMs - (start.get(s.pid) ?? 0);
    byLabel.set(key, entry);
  }
  return [...byLabel.values()].sort((a, b) => a.tree.localeCompare(b.tree) || a.label.localeCompare(b.label));
}
