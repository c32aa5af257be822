/**
 * `npm run bench:load`: the real stack under load. Starts the product as `npm start` does, the
 * ServiceNow and Slack simulators, and (unless --skip-baseline) a bare Temporal workflow of the
 * same shape; sends signed webhooks (a burst, or a steady rate), approves every request in
 * Slack with a signed click, and reports throughput, latencies and what each run cost.
 * The baseline is measured first, then Gatehouse, against the same Temporal dev server.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { approveActionId } from '../../connectors/slack/action-ids';
import { loadMasterKey } from '../../db/secret-box';
import { gatehouseDataConverter } from '../../temporal/data-converter';
import { baselineApproveActionId } from './baseline-activities';
import { startBaseline, type Baseline } from './baseline-process';
import { parseOptions, usage, type LoadOptions } from './options';
import { runPhase, type PhaseEnvironment, type PhaseResult, type PhaseSubject } from './phase';
import { formatReport, withRatios } from './report';
import { startSimulators, type Simulators } from './simulators';
import { startStack, type Stack } from './stack-process';
import { createBenchTenant } from './tenant-setup';

const repoRoot = join(__dirname, '..', '..');
const WARMUP_RUNS = 3;

const progress = (message: string) => process.stderr.write(`[bench:load] ${message}\n`);

/** A few unmeasured runs through the subject first, so neither side pays its start-up in the figures. */
async function warmUpThenMeasure(subject: PhaseSubject, env: PhaseEnvironment): Promise<PhaseResult> {
  const warmOptions: LoadOptions = { ...env.options, load: { kind: 'burst', incidents: WARMUP_RUNS }, timeoutSeconds: Math.min(env.options.timeoutSeconds, 120) };
  const warm = await runPhase(subject, { ...env, options: warmOptions });
  if (warm.completed < WARMUP_RUNS) progress(`warning: only ${warm.completed} of ${WARMUP_RUNS} ${subject.name} warm-up runs completed`);
  subject.sims.tracker.forget();
  progress(`${subject.name}: measuring…`);
  return runPhase(subject, env);
}

async function main(): Promise<void> {
  let options: LoadOptions | undefined;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${usage}\n`);
    process.exitCode = 2;
    return;
  }
  if (!options) {
    process.stdout.write(`${usage}\n`);
    return;
  }

  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanUp = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch((err: unknown) => progress(`clean-up step failed: ${String(err)}`));
  };
  process.once('SIGINT', () => {
    progress('interrupted: stopping everything');
    void cleanUp().then(() => process.exit(130));
  });

  try {
    const gatehouseSims: Simulators = await startSimulators();
    cleanups.push(() => gatehouseSims.close());
    progress('starting the stack (node --import tsx scripts/start.ts)…');
    const stack: Stack = await startStack(repoRoot);
    cleanups.push(async () => {
      progress(`stopping the stack: ${await stack.stop()}`);
      rmSync(stack.dataDir, { recursive: true, force: true });
    });
    const connection = await Connection.connect({ address: stack.temporalAddress });
    cleanups.push(() => connection.close());
    // The stack encrypts its payloads under its master key (created in its data directory): read
    // results with the same key; the baseline's plain payloads pass through the codec unchanged.
    const client = new Client({ connection, dataConverter: gatehouseDataConverter(loadMasterKey({ env: process.env, dataDir: stack.dataDir })) });
    const tenant = await createBenchTenant(stack.apiUrl, stack.adminToken, gatehouseSims, options.limits);
    progress(`tenant ${tenant.slug} created; data dir ${stack.dataDirHonoured() ? 'honoured' : 'not honoured yet (./.data)'}`);

    let baselineProcess: Baseline | undefined;
    let baselineSims: Simulators | undefined;
    if (!options.skipBaseline) {
      baselineSims = await startSimulators();
      const sims = baselineSims;
      cleanups.push(() => sims.close());
      progress('starting the baseline worker (bundling its workflow)…');
      baselineProcess = await startBaseline(repoRoot, stack.temporalAddress, baselineSims);
      const started = baselineProcess;
      cleanups.push(() => started.stop());
    }

    const trees = [{ pid: stack.child.pid, nodeLabel: 'gatehouse' }, ...(baselineProcess ? [{ pid: baselineProcess.child.pid, nodeLabel: 'baseline' }] : [])];
    const env: PhaseEnvironment = { client, options, trees, statsDir: stack.statsDir };

    let baseline: PhaseResult | undefined;
    if (baselineProcess && baselineSims) {
      progress('baseline: warming up…');
      baseline = await warmUpThenMeasure({
        name: 'baseline', sims: baselineSims, tree: 'baseline', approveActionId: baselineApproveActionId,
        webhook: { url: baselineProcess.webhookUrl, secret: baselineProcess.webhookSecret }, interactivityUrl: baselineProcess.interactivityUrl,
        runsQuery: `TaskQueue = "${baselineProcess.taskQueue}"`,
      }, env);
    }
    progress('gatehouse: warming up…');
    const gatehouse = await warmUpThenMeasure({
      name: 'gatehouse', sims: gatehouseSims, tree: 'gatehouse', approveActionId,
      webhook: { url: tenant.webhookUrl, secret: tenant.webhookSecret }, interactivityUrl: tenant.interactivityUrl,
      runsQuery: `GatehouseTenant = "${tenant.slug}"`,
    }, env);

    const report = withRatios({
      options, date: new Date().toISOString().slice(0, 10), database: stack.database, dataDir: stack.dataDir,
      dataDirHonoured: stack.dataDirHonoured(), warmupRuns: WARMUP_RUNS, baselineOrder: baseline ? 'first' : 'skipped',
    }, gatehouse, baseline);
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  } finally {
    await cleanUp();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});
