/** What one phase measured, computed from what it observed: the figures the report prints. */
import type { LoadOptions } from './options';
import { summarize, type LatencySummary } from './percentiles';
import { cpuBetween, type CpuByLabel, type ProcessSample } from './process-tree';
import type { RunProblems } from './run-diagnostics';
import { dbQueriesBetween, type DbQueriesByRole, type ProcessStats } from './stats-files';
import type { HistoryCosts } from './temporal-costs';
import type { WebhookOutcome } from './webhook-driver';
import type { ExactlyOnceError, WriteTracker } from './write-tracker';

export type SubjectName = 'gatehouse' | 'baseline';

export interface ProcessCost extends CpuByLabel {
  /** Whether it is counted in this subject's CPU per run. */
  counted: boolean;
  cpuMsPerRun?: number;
}

export interface PhaseResult {
  subject: SubjectName;
  incidents: number;
  webhooks: {
    accepted: number; refused: Record<string, number>; noAnswer: number; ackMs?: LatencySummary;
    /** The first answer (or failure) for each refused status, to say why. */
    refusalExamples: Record<string, string>;
  };
  /** Answers to the business rule's echoes, by status (undefined without --echoes). */
  echoes?: Record<string, number>;
  clicks: { approvalsSeen: number; byStatus: Record<string, number>; ackMs?: LatencySummary; refusalExamples: Record<string, string> };
  /** Runs whose approved fields and single work note are in ServiceNow, each field written once. */
  completed: number;
  exactlyOnceErrors: ExactlyOnceError[];
  /** Accepted runs that did not complete before --timeout. */
  incomplete: number;
  timedOut: boolean;
  /** Why accepted runs did not complete (only when some did not). */
  problems?: RunProblems;
  /** Runs still open in Temporal when the costs were read (undefined: could not count). */
  openRunsAtEnd?: number;
  /** First webhook sent → last run completed. */
  seconds?: number;
  runsPerSecond?: number;
  offeredPerSecond?: number;
  /** Webhook sent → the approval message seen in Slack (the approver polls every 20 ms). */
  webhookToAskedMs?: LatencySummary;
  clickToWrittenMs?: LatencySummary;
  perRun: {
    historyEvents?: HistoryCosts['eventsPerRun'];
    activities?: HistoryCosts['activitiesPerRun'];
    activitiesByType?: Record<string, number>;
    historiesSampled: number;
    dbQueries?: number;
    serviceNowCalls?: number;
    slackCalls?: number;
    cpuMs?: number;
  };
  dbQueriesByRole?: DbQueriesByRole[];
  processes: ProcessCost[];
  /** The bench process itself (load generator, simulators, auto-approver): it shares the machine. */
  benchProcessCpuMs: number;
  serviceNowCalls: Record<string, number>;
  slackCalls: Record<string, number>;
}

/** Everything a phase saw, before and after the load. */
export interface PhaseObservations {
  subject: SubjectName;
  /** The nodeLabel of the subject's process tree; the Temporal server counts for every subject. */
  tree: string;
  options: LoadOptions;
  incidents: number;
  outcomes: WebhookOutcome[];
  accepted: WebhookOutcome[];
  tracker: WriteTracker;
  clickedAt: (sysId: string) => number | undefined;
  clicks: { messages: number; byStatus: Record<string, number>; ackMs: number[]; examples: Record<string, string> };
  echoes?: Record<string, number>;
  timedOut: boolean;
  problems?: RunProblems;
  openAtEnd?: number;
  histories?: HistoryCosts;
  cpu: { before: ProcessSample[]; after: ProcessSample[] };
  stats: { before: Map<string, ProcessStats>; after: Map<string, ProcessStats> };
  benchCpuMs: number;
  serviceNowCalls: Record<string, number>;
  slackCalls: Record<string, number>;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Milliseconds from one per-incident time to another, for the incidents that have both. */
function between(incidents: WebhookOutcome[], from: (o: WebhookOutcome) => number | undefined, to: (o: WebhookOutcome) => number | undefined): number[] {
  return incidents.flatMap((o) => {
    const start = from(o);
    const end = to(o);
    return start === undefined || end === undefined ? [] : [end - start];
  });
}

export function phaseResult(obs: PhaseObservations): PhaseResult {
  const { outcomes, accepted, tracker } = obs;
  const completed = tracker.completedCount();
  const perRun = (n: number | undefined) => (n === undefined || completed === 0 ? undefined : n / completed);
  const firstSent = Math.min(...outcomes.map((o) => o.sentAt));
  const lastSent = Math.max(...outcomes.map((o) => o.sentAt));
  const lastCompleted = tracker.lastCompletedAt();
  const seconds = lastCompleted === undefined ? undefined : (lastCompleted - firstSent) / 1000;

  const refused: Record<string, number> = {};
  const refusalExamples: Record<string, string> = {};
  for (const o of outcomes) {
    if (accepted.includes(o)) continue;
    const status = o.status === 0 ? 'no answer' : String(o.status);
    if (o.status !== 0) refused[status] = (refused[status] ?? 0) + 1;
    if (o.error !== undefined) refusalExamples[status] ??= o.error;
  }

  const processes: ProcessCost[] = cpuBetween(obs.cpu.before, obs.cpu.after).map((p) => {
    const counted = p.tree === obs.tree || p.label === 'temporal';
    return { ...p, counted, ...(counted && completed > 0 ? { cpuMsPerRun: p.cpuMs / completed } : {}) };
  });
  const countedCpu = processes.filter((p) => p.counted).reduce((sum, p) => sum + p.cpuMs, 0);
  // Only the product writes stats files; the baseline has no database.
  const db = obs.subject === 'gatehouse' ? dbQueriesBetween(obs.stats.before, obs.stats.after) : undefined;

  return {
    subject: obs.subject,
    incidents: obs.incidents,
    webhooks: {
      accepted: accepted.length, refused, noAnswer: outcomes.filter((o) => o.status === 0).length,
      ackMs: summarize(accepted.flatMap((o) => (o.ackMs === undefined ? [] : [o.ackMs]))), refusalExamples,
    },
    ...(obs.echoes ? { echoes: obs.echoes } : {}),
    clicks: { approvalsSeen: obs.clicks.messages, byStatus: obs.clicks.byStatus, ackMs: summarize(obs.clicks.ackMs), refusalExamples: obs.clicks.examples },
    completed,
    exactlyOnceErrors: tracker.errors(),
    incomplete: accepted.length - tracker.landedCount(),
    timedOut: obs.timedOut,
    ...(obs.problems ? { problems: obs.problems } : {}),
    ...(obs.openAtEnd === undefined ? {} : { openRunsAtEnd: obs.openAtEnd }),
    ...(seconds === undefined ? {} : { seconds, runsPerSecond: completed / seconds }),
    ...(obs.options.load.kind === 'rate' && lastSent > firstSent ? { offeredPerSecond: (outcomes.length - 1) / ((lastSent - firstSent) / 1000) } : {}),
    webhookToAskedMs: summarize(between(accepted, (o) => o.sentAt, (o) => obs.clickedAt(o.sysId))),
    clickToWrittenMs: summarize(between(accepted, (o) => obs.clickedAt(o.sysId), (o) => tracker.noteAt(o.sysId))),
    perRun: {
      historyEvents: obs.histories?.eventsPerRun,
      activities: obs.histories?.activitiesPerRun,
      activitiesByType: obs.histories?.activitiesByType,
      historiesSampled: obs.histories?.sampled ?? 0,
      dbQueries: perRun(db?.reduce((sum, r) => sum + r.dbQueries, 0)),
      serviceNowCalls: perRun(total(obs.serviceNowCalls)),
      slackCalls: perRun(total(obs.slackCalls)),
      cpuMs: perRun(countedCpu),
    },
    ...(db ? { dbQueriesByRole: db } : {}),
    processes,
    benchProcessCpuMs: obs.benchCpuMs,
    serviceNowCalls: obs.serviceNowCalls,
    slackCalls: obs.slackCalls,
  };
}
