/**
 * Rotating the master key while a run waits for approval, on the whole stack `npm start` runs:
 * the run was started (its payloads encrypted, the tenant's secrets sealed) under the old key;
 * the stack is restarted with the new key and the old one as a previous key, `keys:rotate`
 * re-wraps the tenant's data key, and the run — approved after the rotation — still reads its
 * history, opens the tenant's credentials and writes to ServiceNow exactly once. A run started
 * after the rotation completes too.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { HttpClient } from '../../bench/load/http-client';
import { approvers, channelId, startSimulators, type Simulators } from '../../bench/load/simulators';
import { createBenchTenant, type BenchTenant } from '../../bench/load/tenant-setup';
import { driveWebhooks } from '../../bench/load/webhook-driver';
import { approveActionId } from '../../connectors/slack/action-ids';
import { deliverClick } from '../simulators/slack';
import { choosePlace, launchStack, type LaunchedStack, type StackPlace } from '../support/killable-stack';

const repoRoot = join(__dirname, '..', '..');
const oldKey = randomBytes(32).toString('base64');
const newKey = randomBytes(32).toString('base64');

let sims: Simulators;
let place: StackPlace;
let stack: LaunchedStack | undefined;
let tenant: BenchTenant;
const client = new HttpClient(4);

/** launchStack passes this process's environment on: the keys a launch runs with. */
function useKeys(current: string, previous?: string): void {
  process.env['GATEHOUSE_MASTER_KEY'] = current;
  if (previous) process.env['GATEHOUSE_PREVIOUS_MASTER_KEYS'] = previous;
  else delete process.env['GATEHOUSE_PREVIOUS_MASTER_KEYS'];
}

before(async () => {
  sims = await startSimulators();
  place = await choosePlace();
  useKeys(oldKey);
  stack = await launchStack(repoRoot, place);
  tenant = await createBenchTenant(place.apiUrl, place.adminToken, sims, 'lifted');
});

after(async () => {
  await stack?.killGroup();
  client.close();
  await sims?.close();
  if (place) rmSync(place.dataDir, { recursive: true, force: true });
});

async function startRun(): Promise<{ sysId: string; workflowId: string }> {
  const incident = sims.createIncident();
  const [outcome] = await driveWebhooks(client, { url: tenant.webhookUrl, secret: tenant.webhookSecret }, [incident], { kind: 'burst', incidents: 1 });
  assert.equal(outcome?.status, 202, outcome?.error);
  assert.ok(outcome.workflowId);
  return { sysId: incident.sys_id, workflowId: outcome.workflowId };
}

async function status(workflowId: string): Promise<string | undefined> {
  const res = await fetch(`${place.apiUrl}/admin/runs/${workflowId}`, { headers: { authorization: `Bearer ${place.adminToken}` } });
  return ((await res.json()) as { state?: { status?: string } }).state?.status;
}

async function waitForStatus(workflowId: string, wanted: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  while ((last = await status(workflowId)) !== wanted) {
    if (Date.now() > deadline) assert.fail(`${workflowId} is ${last}, not ${wanted}; stack output:\n${stack?.tail().slice(-20).join('\n')}`);
    await sleep(200);
  }
}

async function approve(workflowId: string): Promise<void> {
  const message = sims.slack.messages(channelId).find((m) => JSON.stringify(m.blocks).includes(workflowId));
  assert.ok(message, `${workflowId} has an approval message`);
  const request = sims.slack.clickRequest({
    interactivityUrl: tenant.interactivityUrl, signingSecret: sims.signingSecret, channel: channelId,
    ts: message.ts, actionId: approveActionId, userId: approvers.alice,
  });
  assert.equal((await deliverClick(request)).status, 200);
}

describe('master key rotation with a run in flight', { concurrency: false }, () => {
  let inFlight: { sysId: string; workflowId: string };

  it('a run started under the old key waits for approval', async () => {
    inFlight = await startRun();
    await waitForStatus(inFlight.workflowId, 'awaiting_approval');
  });

  it('keys:rotate re-wraps the tenant data key under the new key', async () => {
    await stack!.killGroup();
    stack = undefined;
    const rotated = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/keys-rotate.ts'], {
      cwd: repoRoot, encoding: 'utf8',
      env: { ...process.env, GATEHOUSE_DATA_DIR: place.dataDir, GATEHOUSE_MASTER_KEY: newKey, GATEHOUSE_PREVIOUS_MASTER_KEYS: oldKey, DATABASE_URL: '' },
    });
    assert.equal(rotated.status, 0, rotated.stderr);
    const report = JSON.parse(rotated.stdout.slice(rotated.stdout.indexOf('{'))) as { rewrappedDataKeys: number; currentDataKeys: number };
    assert.ok(!rotated.stdout.includes(oldKey) && !rotated.stdout.includes(newKey), 'the report shows no key');
    assert.ok(report.rewrappedDataKeys >= 1, `at least the tenant's data key was re-wrapped: ${rotated.stdout}`);
  });

  it('after a restart on the new key, the run approved then completes and writes once; a new run completes too', async () => {
    useKeys(newKey, oldKey);
    stack = await launchStack(repoRoot, place);
    await approve(inFlight.workflowId);
    await waitForStatus(inFlight.workflowId, 'completed');
    assert.equal(sims.sn.journal(inFlight.sysId, 'work_notes').length, 1, 'one work note');

    const fresh = await startRun();
    await waitForStatus(fresh.workflowId, 'awaiting_approval');
    await approve(fresh.workflowId);
    await waitForStatus(fresh.workflowId, 'completed');
    assert.equal(sims.sn.journal(fresh.sysId, 'work_notes').length, 1);
  });
});
