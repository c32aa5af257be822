/**
 * The per-process stats files Gatehouse writes to GATEHOUSE_STATS_DIR (`<role>-<pid>.json`,
 * every second and at exit): the only place database query counts are visible from outside.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ProcessStats } from '../../observability/process-stats';

export type { ProcessStats };

function isProcessStats(value: unknown): value is ProcessStats {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.role === 'string' && typeof v.pid === 'number' && typeof v.dbQueries === 'number'
    && typeof v.cpuUserMicros === 'number' && typeof v.cpuSystemMicros === 'number';
}

/** Every readable stats file, keyed by file name. A file caught mid-write is skipped this time. */
export function readStatsFiles(dir: string): Map<string, ProcessStats> {
  const out = new Map<string, ProcessStats>();
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return out;
  }
  for (const name of names) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      if (isProcessStats(parsed)) out.set(name, parsed);
    } catch {
      // Partially written or removed while listing: the next sample will have it.
    }
  }
  return out;
}

export interface DbQueriesByRole {
  role: string;
  dbQueries: number;
}

/** Database queries made between two readings, by role; undefined when no process writes stats yet. */
export function dbQueriesBetween(before: Map<string, ProcessStats>, after: Map<string, ProcessStats>): DbQueriesByRole[] | undefined {
  if (after.size === 0) return undefined;
  const byRole = new Map<string, number>();
  for (const [name, stats] of after) {
    const delta = stats.dbQueries - (before.get(name)?.dbQueries ?? 0);
    byRole.set(stats.role, (byRole.get(stats.role) ?? 0) + delta);
  }
  return [...byRole].map(([role, dbQueries]) => ({ role, dbQueries })).sort((a, b) => a.role.localeCompare(b.role));
}
