/**
 * `npm run bench`: Gatehouse's benchmarks, each a subject against a baseline measured in the same
 * run (see comparison.ts). Figures are ratios first; absolute times only say how busy the machine
 * was. `--quick` runs each for a fraction of a second (a smoke run); `--json` prints JSON.
 * Uses embedded PostgreSQL, or DATABASE_URL when set.
 */
import { createTestDatabase } from '../db/database';
import { auditBench } from './audit-bench';
import { fullSettings, quickSettings, type Comparison } from './comparison';
import { signatureBench } from './signature-bench';
import { webhookRouteBench } from './webhook-route-bench';

function table(results: Comparison[]): string {
  const lines = results.map((r) => [
    `${r.suite}`,
    `  ${r.subject}: ${r.ratio.toFixed(2)}× the baseline (${r.subjectMeanMs.toFixed(3)} ms vs ${r.baselineMeanMs.toFixed(3)} ms mean; p99 ${r.subjectP99Ms.toFixed(3)} ms; ${r.samples} samples)`,
    `  baseline: ${r.baseline}`,
    ...(r.notes ? [`  ${r.notes}`] : []),
  ].join('\n'));
  return lines.join('\n\n');
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const settings = args.has('--quick') ? quickSettings : fullSettings;
  const results: Comparison[] = [];
  results.push(...await signatureBench(settings));
  const db = await createTestDatabase();
  try {
    results.push(...await auditBench(db.pool, settings));
    results.push(...await webhookRouteBench(db.pool, settings));
  } finally {
    await db.close();
  }
  process.stdout.write(args.has('--json') ? `${JSON.stringify(results, null, 2)}\n` : `${table(results)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
