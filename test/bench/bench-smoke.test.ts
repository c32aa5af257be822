/**
 * `npm run bench` keeps working: a quick run of every benchmark produces a comparison with a
 * finite ratio for each suite. (The figures themselves are not asserted: this machine is shared,
 * and speed is what the benchmarks report, not what tests judge.)
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';
import type { Comparison } from '../../bench/comparison';

it('runs every benchmark against its baseline and reports ratios', async () => {
  const root = join(__dirname, '..', '..');
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/run.ts', '--quick', '--json'], { cwd: root, env: process.env, timeout: 240_000 });
  const results = JSON.parse(stdout) as Comparison[];
  assert.deepEqual(results.map((r) => r.suite), ['webhook verification (CPU)', 'audit trail (database)', 'webhook intake (HTTP + database)']);
  for (const r of results) {
    assert.ok(Number.isFinite(r.ratio) && r.ratio > 0, `${r.suite}: ratio ${r.ratio}`);
    assert.ok(r.samples > 0 && r.baselineMeanMs > 0, r.suite);
  }
  assert.match(results[2]?.notes ?? '', /heap retained per 1,000 requests/);
});
