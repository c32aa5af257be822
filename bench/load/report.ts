/** The load benchmark's readable report: Gatehouse and the baseline side by side, with ratios. */
import type { LoadOptions } from './options';
import type { LatencySummary } from './percentiles';
import type { PhaseResult } from './phase';

export interface RunDescription {
  options: LoadOptions;
  date: string;
  database: string;
  dataDir: string;
  dataDirHonoured: boolean;
  warmupRuns: number;
  baselineOrder: 'first' | 'skipped';
}

export interface LoadReport extends RunDescription {
  gatehouse: PhaseResult;
  baseline?: PhaseResult;
  ratios?: { runsPerSecond?: number; webhookAckP99?: number; clickToWrittenP50?: number; cpuMsPerRun?: number };
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

export function withRatios(description: RunDescription, gatehouse: PhaseResult, baseline?: PhaseResult): LoadReport {
  if (!baseline) return { ...description, gatehouse };
  return {
    ...description, gatehouse, baseline,
    ratios: {
      runsPerSecond: ratio(gatehouse.runsPerSecond, baseline.runsPerSecond),
      webhookAckP99: ratio(gatehouse.webhooks.ackMs?.p99, baseline.webhooks.ackMs?.p99),
      clickToWrittenP50: ratio(gatehouse.clickToWrittenMs?.p50, baseline.clickToWrittenMs?.p50),
      cpuMsPerRun: ratio(gatehouse.perRun.cpuMs, baseline.perRun.cpuMs),
    },
  };
}

const num = (n: number | undefined, digits = 1) => (n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits));
const times = (n: number | undefined) => (n === undefined ? '' : `${n.toFixed(2)}×`);
const latency = (s: LatencySummary | undefined, keys: Array<keyof LatencySummary>) => (s ? keys.map((k) => num(s[k], 0)).join(' / ') : 'n/a');
const statuses = (counts: Record<string, number> | undefined) => {
  if (!counts) return 'off';
  const entries = Object.entries(counts);
  return entries.length === 0 ? 'none' : entries.map(([status, n]) => `${status} ×${n}`).join(', ');
};

function rows(report: LoadReport): string[][] {
  const g = report.gatehouse;
  const b = report.baseline;
  const both = (pick: (p: PhaseResult) => string, ratioText = ''): string[] => [pick(g), b ? pick(b) : '', ratioText];
  const range = (r: { mean: number; min: number; max: number } | undefined) => (r ? `${num(r.mean)} (${num(r.min, 0)}–${num(r.max, 0)})` : 'n/a');
  const out: string[][] = [
    ['', 'Gatehouse', b ? 'baseline' : '', b ? 'Gatehouse/baseline' : ''],
    ['webhooks accepted (2xx)', ...both((p) => `${p.webhooks.accepted}/${p.incidents}`)],
    ['  refused, by status', ...both((p) => statuses(p.webhooks.refused) + (p.webhooks.noAnswer ? `, no answer ×${p.webhooks.noAnswer}` : ''))],
    ['echo webhooks answered', ...both((p) => statuses(p.echoes))],
    ['approval clicks answered', ...both((p) => statuses(p.clicks.byStatus))],
    ['runs completed (exactly once)', ...both((p) => `${p.completed}${p.incomplete > 0 ? ` (${p.incomplete} not done${p.timedOut ? ', timed out' : ''})` : ''}`)],
    ['exactly-once errors', ...both((p) => String(p.exactlyOnceErrors.length))],
    ['runs per second', ...both((p) => num(p.runsPerSecond, 2), times(report.ratios?.runsPerSecond))],
    ['  first webhook → last write, s', ...both((p) => num(p.seconds, 1))],
  ];
  if (report.options.load.kind === 'rate') out.push(['  offered rate achieved, /s', ...both((p) => num(p.offeredPerSecond, 2))]);
  out.push(
    ['webhook ack ms p50/p95/p99/max', ...both((p) => latency(p.webhooks.ackMs, ['p50', 'p95', 'p99', 'max']), report.ratios?.webhookAckP99 === undefined ? '' : `p99 ${times(report.ratios.webhookAckP99)}`)],
    ['webhook → approval asked ms p50/p99', ...both((p) => latency(p.webhookToAskedMs, ['p50', 'p99']))],
    ['click ack ms p50/p99', ...both((p) => latency(p.clicks.ackMs, ['p50', 'p99']))],
    ['click → written ms p50/p99', ...both((p) => latency(p.clickToWrittenMs, ['p50', 'p99']), report.ratios?.clickToWrittenP50 === undefined ? '' : `p50 ${times(report.ratios.clickToWrittenP50)}`)],
    ['per run:', '', '', ''],
    [`  history events (${g.perRun.historiesSampled} sampled)`, ...both((p) => range(p.perRun.historyEvents))],
    ['  activities', ...both((p) => range(p.perRun.activities))],
    ['  database queries', ...both((p) => (p.subject === 'baseline' ? '-' : num(p.perRun.dbQueries)))],
    ...(g.dbQueriesByRole ?? []).map((r) => [`    ${r.role}`, g.completed > 0 ? num(r.dbQueries / g.completed) : 'n/a', b ? '-' : '', '']),
    ['  ServiceNow calls', ...both((p) => num(p.perRun.serviceNowCalls))],
    ['  Slack calls', ...both((p) => num(p.perRun.slackCalls))],
    ['  CPU ms, counted processes', ...both((p) => num(p.perRun.cpuMs, 0), times(report.ratios?.cpuMsPerRun))],
  );
  const labels = [...new Set([...g.processes, ...(b?.processes ?? [])].filter((p) => p.counted).map((p) => p.label))].sort();
  for (const label of labels) {
    const cell = (p: PhaseResult) => {
      const entry = p.processes.find((x) => x.counted && x.label === label);
      return entry ? `${num(entry.cpuMsPerRun, 1)}${entry.processes > 1 ? ` (${entry.processes} processes)` : ''}` : '-';
    };
    out.push([`    ${label}`, ...both(cell)]);
  }
  return out;
}

function table(cells: string[][]): string {
  const widths = cells[0]!.map((_, col) => Math.max(...cells.map((row) => (row[col] ?? '').length)));
  return cells.map((row) => row.map((cell, col) => cell.padEnd(widths[col]!)).join('  ').trimEnd()).join('\n');
}

function describeLoad(options: LoadOptions): string {
  const load = options.load.kind === 'burst'
    ? `burst of ${options.load.incidents} incidents`
    : `${options.load.perSecond} incidents/s for ${options.load.seconds} s (${options.load.incidents} incidents)`;
  return `${load}, outbound limits ${options.limits}, echoes ${options.echoes ? 'on' : 'off'}, ${options.concurrency} client connections`;
}

export function formatReport(report: LoadReport): string {
  const idle = (p: PhaseResult) => p.processes.filter((x) => !x.counted && x.cpuMs > 0).map((x) => `${x.tree}/${x.label} ${num(x.cpuMs, 0)} ms`).join(', ');
  const lines = [
    `Gatehouse load benchmark (${report.date}): ${describeLoad(report.options)}`,
    `Stack: npm start's process tree; ${report.database === 'embedded' ? 'embedded PostgreSQL' : 'PostgreSQL at DATABASE_URL (its server CPU not counted)'}; data ${report.dataDirHonoured ? `in ${report.dataDir}` : 'in ./.data (GATEHOUSE_DATA_DIR not honoured yet)'}.`,
    report.baseline
      ? 'Baseline: a bare Temporal workflow of the same shape (bench/load/baseline-workflow.ts), its own process, same dev server, its own simulators; run FIRST, then Gatehouse.'
      : 'Baseline: skipped.',
    `Each subject had ${report.warmupRuns} warm-up runs first (not counted). CPU counts the subject's processes and the Temporal server; PostgreSQL counts where it runs (embedded: in a Gatehouse process).`,
    'Processes are labelled by GATEHOUSE_ROLE; "gatehouse" is one without it (e.g. npm start\'s supervisor).',
    '',
    table(rows(report)),
  ];
  const b = report.baseline;
  if (b && report.gatehouse.webhooks.accepted < b.webhooks.accepted) {
    lines.push('', `Note: Gatehouse accepted ${report.gatehouse.webhooks.accepted} webhooks and the baseline ${b.webhooks.accepted}: its figures are for less work, so the ratios are not like for like.`);
  }
  for (const p of [report.gatehouse, report.baseline]) {
    if (!p) continue;
    const other = idle(p);
    lines.push('', `${p.subject} phase, CPU not counted: the bench process (load generator, simulators, approver) ${num(p.benchProcessCpuMs, 0)} ms${other ? `; other processes, idle: ${other}` : ''}`);
    if (p.dbQueriesByRole === undefined && p.subject === 'gatehouse') lines.push('', 'database queries: n/a (no stats files in GATEHOUSE_STATS_DIR: the stack does not write them yet)');
    for (const [what, examples] of [['webhook', p.webhooks.refusalExamples], ['click', p.clicks.refusalExamples]] as const) {
      for (const [status, body] of Object.entries(examples ?? {})) lines.push(`${p.subject}: a ${what} answered ${status}: ${body}`);
    }
    if (p.perRun.activitiesByType) {
      lines.push('', `${p.subject} activities per run by type: ${Object.entries(p.perRun.activitiesByType).map(([t, n]) => `${t} ${num(n, 1)}`).join(', ')}`);
    }
    if (p.exactlyOnceErrors.length > 0) {
      lines.push('', `${p.subject} exactly-once errors:`, ...p.exactlyOnceErrors.slice(0, 20).map((e) => `  ${e.number} (${e.sysId}): ${e.problem}`));
      if (p.exactlyOnceErrors.length > 20) lines.push(`  … and ${p.exactlyOnceErrors.length - 20} more (see --json)`);
    }
    if (p.problems) {
      const closed = Object.entries(p.problems.closedBadly).map(([status, n]) => `${status} ×${n}`).join(', ');
      lines.push('', `${p.subject}: ${p.incomplete} accepted runs did not complete${closed ? `; closed without completing: ${closed}` : ''}`);
      if (p.problems.failureExample) lines.push(`  failed run: ${p.problems.failureExample}`);
      if (p.problems.stuckExample) lines.push(`  open run: ${p.problems.stuckExample}`);
    }
    if (p.openRunsAtEnd) lines.push('', `${p.subject}: ${p.openRunsAtEnd} runs still open in Temporal when the costs were read`);
  }
  return `${lines.join('\n')}\n`;
}
