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
import { phaseResult, type PhaseResult, type SubjectName } from './phase-result';
import { sampleTrees, type TreeRoot } from './process-tree';
import { runProblems } from './run-diagnostics';
import { approvers, channelId, type Simulators } from './simulators';
import { readStatsFiles } from './stats-files';
import { historyCosts } from './temporal-costs';
import { waitForClosed, waitForWrites } from './wait-for-runs';
import { driveWebhooks, type WebhookTarget } from './webhook-driver';

export type { PhaseResult } from './phase-result';

export interface PhaseSubject {
  name: SubjectName;
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

/** Counts minus an earlier snapshot of them, with record ids folded so calls group by kind. */
function countsSince(now: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(now)) {
    const delta = n - (before[key] ?? 0);
    const kind = key.replace(/\/[0-9a-f]{32}(?=\/|$)/g, '/:sys_id');
    if (delta > 0) out[kind] = (out[kind] ?? 0) + delta;
  }
  return out;
}

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
  const timedOut = await waitForWrites(client, subject.runsQuery, () => sims.tracker.landedCount(), accepted.length, deadline);
  const openAtEnd = await waitForClosed(client, subject.runsQuery, deadline);
  await approver.stop();
  await echoRule?.settled();
  sims.setEchoRule(undefined);
  await sleep(STATS_FLUSH_MS);
  const cpuAfter = sampleTrees(env.trees);
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const statsAfter = readStatsFiles(env.statsDir);
  for (const c of [webhookClient, clickClient, echoClient]) c.close();

  return phaseResult({
    subject: subject.name, tree: subject.tree, options, incidents: incidents.length, outcomes, accepted,
    tracker: sims.tracker, clickedAt: (sysId) => approver.clickedAt(sysId), clicks: approver.clicks(),
    ...(echoRule ? { echoes: echoRule.results() } : {}),
    timedOut, openAtEnd,
    problems: sims.tracker.landedCount() < accepted.length ? await runProblems(client, subject.runsQuery) : undefined,
    histories: await historyCosts(client, accepted.flatMap((o) => (o.workflowId ? [o.workflowId] : []))),
    cpu: { before: cpuBefore, after: cpuAfter },
    stats: { before: statsBefore, after: statsAfter },
    benchCpuMs: (benchCpu.user + benchCpu.system) / 1000,
    serviceNowCalls: countsSince(sims.sn.requestCounts(), snBefore),
    slackCalls: countsSince(sims.slack.callCounts(), slackBefore),
  });
}
