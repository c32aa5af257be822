/**
 * One measured phase: N incidents through a subject (Gatehouse, or the baseline) from the
 * first webhook to the last write, then until every run closed, with the costs read before
 * and after from the simulators, /proc, the stats files and Temporal.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { outboundWebhookRule } from '../../test/simulators/servicenow';
import { AutoApprover } from './auto-approver';
import { HttpClient } from './http-client';
import type { LoadOptions } from './options';
import { summarize, type LatencySummary } from './percentiles';
import { runProblems, type RunProblems } from './run-diagnostics';
import { cpuBetween, sampleTrees, type CpuByLabel, type TreeRoot } from './process-tree';
import { approvers, channelId, type Simulators } from './simulators';
import { dbQueriesBetween, readStatsFiles, type DbQueriesByRole } from './stats-files';
import { historyCosts, openRuns, type HistoryCosts } from './temporal-costs';
import { driveWebhooks, type WebhookTarget } from './webhook-driver';
import type { ExactlyOnceError } from './write-tracker';

export interface PhaseSubject {
  name: 'gatehouse' | 'baseline';
  sims: Simulators;
  webhook: WebhookTarget;
  interactivityUrl: string;
  approveActionId: string;
  /** Visibility query that selects this subject's runs. */
  runsQuery: string;
  /** The nodeLabel of this subject's process tree; the Temporal server counts for every subject. */
  tree: string;
}

export interface PhaseEnvironment {
  client: Client;
  options: LoadOptions;
  trees: TreeRoot[];
  statsDir: string;
}

export interface ProcessCost extends CpuByLabel {
  /** Whether it is counted in this subject's CPU per run. */
  counted: boolean;
  cpuMsPerRun?: number;
}

export interface PhaseResult {
  subject: 'gatehouse' | 'baseline';
  incidents: number;
  webhooks: { accepted: number; refused: Record<string, number>; noAnswer: number; ackMs?: LatencySummary };
  /** Answers to the business rule's echoes, by status (undefined without --echoes). */
  echoes?: Record<string, number>;
  clicks: { approvalsSeen: number; byStatus: Record<string, number>; ackMs?: LatencySummary };
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

/** Counts minus an earlier snapshot of them. */
function countsSince(now: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(now).map(([k, v]) => [k, v - (before[k] ?? 0)] as const).filter(([, v]) => v > 0));
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
/** Stats files are rewritten every second: wait long enough that the last one covers the phase. */
const STATS_FLUSH_MS = 1500;

export async function runPhase(subject: PhaseSubject, env: PhaseEnvironment): Promise<PhaseResult> {
  const { options, client } = env;
  const { sims } = subject;
  const incidents = Array.from({ length: options.load.incidents }, () => sims.createIncident());
  const deadline = Date.now() + options.timeoutSeconds * 1000;

  const webhookClient = new HttpClient(options.concurrency);
  const clickClient = new HttpClient(options.concurrency);
  // ServiceNow's instance sends its business-rule webhooks over its own connections.
  const echoClient = new HttpClient(options.concurrency);
  const echoRule = options.echoes
    ? outboundWebhookRule({
      url: subject.webhook.url, secret: subject.webhook.secret, operations: ['update'],
      send: async (r) => (await echoClient.post(r.url, r.headers, r.body)).status,
    })
    : undefined;
  sims.setEchoRule(echoRule);
  const approver = new AutoApprover({
    slack: sims.slack, channel: channelId, interactivityUrl: subject.interactivityUrl, signingSecret: sims.signingSecret,
    userId: approvers.alice, actionId: subject.approveActionId, client: clickClient,
  });

  const snBefore = sims.sn.requestCounts();
  const slackBefore = sims.slack.callCounts();
  const statsBefore = readStatsFiles(env.statsDir);
  const cpuBefore = sampleTrees(env.trees);
  const benchCpuBefore = process.cpuUsage();

  approver.start();
  const outcomes = await driveWebhooks(webhookClient, subject.webhook, incidents, options.load);
  const accepted = outcomes.filter((o) => o.status >= 200 && o.status < 300 && o.workflowId !== undefined);
  let timedOut = false;
  let nothingOpenSince: number | undefined;
  let checkedOpenAt = 0;
  while (sims.tracker.landedCount() < accepted.length) {
    if (Date.now() > deadline) {
      timedOut = true;
      break;
    }
    // Runs that failed never land: stop waiting once none is open (seen twice, a second apart,
    // since visibility lags behind the starts).
    if (Date.now() - checkedOpenAt >= 1000) {
      checkedOpenAt = Date.now();
      if ((await openRuns(client, subject.runsQuery)) === 0) {
        nothingOpenSince ??= checkedOpenAt;
        if (checkedOpenAt - nothingOpenSince >= 1000) break;
      } else {
        nothingOpenSince = undefined;
      }
    }
    await sleep(50);
  }
  // The runs still update Slack after the last write: costs are read once every run closed.
  let open = await openRuns(client, subject.runsQuery);
  while (open !== undefined && open > 0 && Date.now() < deadline) {
    await sleep(250);
    open = await openRuns(client, subject.runsQuery);
  }
  await approver.stop();
  await echoRule?.settled();
  sims.setEchoRule(undefined);
  await sleep(STATS_FLUSH_MS);
  const cpuAfter = sampleTrees(env.trees);
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const statsAfter = readStatsFiles(env.statsDir);
  const serviceNowCalls = countsSince(sims.sn.requestCounts(), snBefore);
  const slackCalls = countsSince(sims.slack.callCounts(), slackBefore);
  for (const c of [webhookClient, clickClient, echoClient]) c.close();

  const completed = sims.tracker.completedCount();
  const perRun = (n: number | undefined) => (n === undefined || completed === 0 ? undefined : n / completed);
  const firstSent = Math.min(...outcomes.map((o) => o.sentAt));
  const lastCompleted = sims.tracker.lastCompletedAt();
  const seconds = lastCompleted === undefined ? undefined : (lastCompleted - firstSent) / 1000;
  const lastSent = Math.max(...outcomes.map((o) => o.sentAt));

  const refused: Record<string, number> = {};
  for (const o of outcomes) if (o.status !== 0 && !accepted.includes(o)) refused[String(o.status)] = (refused[String(o.status)] ?? 0) + 1;
  const clickToWritten = accepted.flatMap((o) => {
    const clicked = approver.clickedAt(o.sysId);
    const written = sims.tracker.noteAt(o.sysId);
    return clicked === undefined || written === undefined ? [] : [written - clicked];
  });
  const webhookToAsked = accepted.flatMap((o) => {
    const clicked = approver.clickedAt(o.sysId);
    return clicked === undefined ? [] : [clicked - o.sentAt];
  });
  const clicks = approver.clicks();
  const problems = sims.tracker.landedCount() < accepted.length ? await runProblems(client, subject.runsQuery) : undefined;
  const histories = await historyCosts(client, accepted.flatMap((o) => (o.workflowId ? [o.workflowId] : [])));

  const cpu = cpuBetween(cpuBefore, cpuAfter);
  const processes: ProcessCost[] = cpu.map((p) => {
    const counted = p.tree === subject.tree || p.label === 'temporal';
    return { ...p, counted, ...(counted && completed > 0 ? { cpuMsPerRun: p.cpuMs / completed } : {}) };
  });
  const countedCpu = processes.filter((p) => p.counted).reduce((sum, p) => sum + p.cpuMs, 0);
  const db = subject.name === 'gatehouse' ? dbQueriesBetween(statsBefore, statsAfter) : undefined;

  return {
    subject: subject.name,
    incidents: incidents.length,
    webhooks: {
      accepted: accepted.length, refused, noAnswer: outcomes.filter((o) => o.status === 0).length,
      ackMs: summarize(accepted.flatMap((o) => (o.ackMs === undefined ? [] : [o.ackMs]))),
    },
    ...(echoRule ? { echoes: echoRule.results() } : {}),
    clicks: { approvalsSeen: clicks.messages, byStatus: clicks.byStatus, ackMs: summarize(clicks.ackMs) },
    completed,
    exactlyOnceErrors: sims.tracker.errors(),
    incomplete: accepted.length - sims.tracker.landedCount(),
    timedOut,
    ...(problems ? { problems } : {}),
    ...(open === undefined ? {} : { openRunsAtEnd: open }),
    ...(seconds === undefined ? {} : { seconds, runsPerSecond: completed / seconds }),
    ...(options.load.kind === 'rate' && lastSent > firstSent ? { offeredPerSecond: (outcomes.length - 1) / ((lastSent - firstSent) / 1000) } : {}),
    webhookToAskedMs: summarize(webhookToAsked),
    clickToWrittenMs: summarize(clickToWritten),
    perRun: {
      historyEvents: histories?.eventsPerRun,
      activities: histories?.activitiesPerRun,
      activitiesByType: histories?.activitiesByType,
      historiesSampled: histories?.sampled ?? 0,
      dbQueries: perRun(db?.reduce((sum, r) => sum + r.dbQueries, 0)),
      serviceNowCalls: perRun(total(serviceNowCalls)),
      slackCalls: perRun(total(slackCalls)),
      cpuMs: perRun(countedCpu),
    },
    ...(db ? { dbQueriesByRole: db } : {}),
    processes,
    benchProcessCpuMs: (benchCpu.user + benchCpu.system) / 1000,
    serviceNowCalls,
    slackCalls,
  };
}
