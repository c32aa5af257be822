/**
 * One benchmark result: a subject measured against a baseline in the same run, on the same
 * machine, interleaved, so the ratio means something even on a shared, noisy host where the
 * absolute figures do not.
 */
import { Bench, type Task } from 'tinybench';

export interface Comparison {
  suite: string;
  subject: string;
  baseline: string;
  /** Mean time per operation (ms). */
  subjectMeanMs: number;
  baselineMeanMs: number;
  /** subject mean / baseline mean: how many baselines one subject operation costs. */
  ratio: number;
  subjectP99Ms: number;
  samples: number;
  /** Extra figures a suite reports (e.g. retained memory), also as ratios where it can. */
  notes?: string;
}

export interface BenchSettings {
  /** Milliseconds of measurement per task (after warm-up). */
  timeMs: number;
  warmupMs: number;
}

export const fullSettings: BenchSettings = { timeMs: 3000, warmupMs: 500 };
export const quickSettings: BenchSettings = { timeMs: 150, warmupMs: 30 };

function meanAndP99(task: Task): { mean: number; p99: number; samples: number } {
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`benchmark task ${task.name} did not complete (${result.state})`);
  return { mean: result.latency.mean, p99: result.latency.p99, samples: result.latency.samplesCount };
}

/**
 * Runs `baseline` and `subject` in alternation (baseline, subject, baseline, subject) so drift in
 * machine load affects both; each figure is the mean of its two rounds.
 */
export async function compare(
  suite: string, settings: BenchSettings,
  baseline: { name: string; fn: () => unknown },
  subject: { name: string; fn: () => unknown },
): Promise<Comparison> {
  const rounds: Array<{ baseline: ReturnType<typeof meanAndP99>; subject: ReturnType<typeof meanAndP99> }> = [];
  for (let round = 0; round < 2; round++) {
    const bench = new Bench({ time: settings.timeMs / 2, warmupTime: settings.warmupMs, throws: true });
    bench.add(baseline.name, baseline.fn).add(subject.name, subject.fn);
    await bench.run();
    rounds.push({ baseline: meanAndP99(bench.tasks[0]!), subject: meanAndP99(bench.tasks[1]!) });
  }
  const avg = (pick: (r: (typeof rounds)[number]) => number) => rounds.reduce((sum, r) => sum + pick(r), 0) / rounds.length;
  const subjectMeanMs = avg((r) => r.subject.mean);
  const baselineMeanMs = avg((r) => r.baseline.mean);
  return {
    suite, subject: subject.name, baseline: baseline.name, subjectMeanMs, baselineMeanMs,
    ratio: subjectMeanMs / baselineMeanMs, subjectP99Ms: Math.max(...rounds.map((r) => r.subject.p99)),
    samples: rounds.reduce((n, r) => n + r.subject.samples, 0),
  };
}
