/**
 * A process's running costs in a small JSON file (`<dir>/<role>-<pid>.json`, rewritten every
 * second and at exit) when GATEHOUSE_STATS_DIR is set: CPU time and database queries, so the
 * load benchmark can print per-run costs for each process of the stack.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryCount } from '../db/query-counter';

/** The file's content. */
export interface ProcessStats {
  role: string;
  pid: number;
  cpuUserMicros: number;
  cpuSystemMicros: number;
  dbQueries: number;
  writtenAt: string;
}

/** Starts writing the stats file; returns a function that writes it a last time and stops. */
export function writeProcessStats(dir: string | undefined, role: string, extra: () => Record<string, number> = () => ({})): () => void {
  if (!dir) return () => undefined;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${role}-${process.pid}.json`);
  const write = () => {
    const cpu = process.cpuUsage();
    const stats: ProcessStats = {
      role, pid: process.pid, cpuUserMicros: cpu.user, cpuSystemMicros: cpu.system,
      dbQueries: queryCount.total, writtenAt: new Date().toISOString(), ...extra(),
    };
    try {
      writeFileSync(file, JSON.stringify(stats));
    } catch {
      // Statistics are a courtesy: a full disk must not take the process down.
    }
  };
  write();
  const timer = setInterval(write, 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    write();
  };
}
