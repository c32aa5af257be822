/** Starts the baseline process (baseline-main.ts) against the stack's dev server and a phase's simulators. */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BaselineProcessConfig } from './baseline-main';
import { spawnChild, stopChild, type Child } from './child-process';
import { findFreePort as freePort } from '../../temporal/dev-server';
import { channelId, integrationUser, type Simulators } from './simulators';

export interface Baseline {
  child: Child;
  taskQueue: string;
  webhookUrl: string;
  interactivityUrl: string;
  webhookSecret: string;
  stop(): Promise<'stopped' | 'killed'>;
}

const READY_TIMEOUT_MS = 120_000;

export async function startBaseline(repoRoot: string, temporalAddress: string, sims: Simulators): Promise<Baseline> {
  const port = await freePort();
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const config: BaselineProcessConfig = {
    temporalAddress, taskQueue: `bench-baseline-${randomBytes(4).toString('hex')}`, port, webhookSecret,
    signingSecret: sims.signingSecret, integrationUser,
    serviceNowUrl: sims.sn.url, serviceNowUser: integrationUser, serviceNowPassword: sims.snPassword,
    slackApiUrl: sims.slack.apiUrl, slackBotToken: sims.botToken, channel: channelId, groupId: sims.groupId,
  };
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_BASELINE_CONFIG: JSON.stringify(config) };
  delete env.GATEHOUSE_ROLE;
  const child = spawnChild(process.execPath, ['--import', 'tsx', join(__dirname, 'baseline-main.ts')], { cwd: repoRoot, env });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (child.hasExited() || Date.now() > deadline) {
      await stopChild(child, 5000);
      throw new Error(`the baseline process did not become ready; its last output:\n${child.tail().join('\n')}`);
    }
    await sleep(250);
  }
  return {
    child, taskQueue: config.taskQueue, webhookUrl: `${url}/webhook`, interactivityUrl: `${url}/slack`, webhookSecret,
    stop: () => stopChild(child, 15_000),
  };
}
