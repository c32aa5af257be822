/**
 * A power cut: the whole stack `npm start` runs (supervisor, embedded database, Temporal dev
 * server, API and worker) is SIGKILLed while approved runs are writing to ServiceNow, and
 * started again on the same data directory and ports. Every run accepted before the cut moves
 * on within 30 s of the restart — the approved ones complete, each incident written exactly once
 * (one work note, each field sent once), an Approve click answered just before the cut included —
 * the runs nobody approved yet still wait, and complete when approved after the restart, and
 * webhooks answered 202 just before the cut (stored, maybe not yet handed to Temporal) get their
 * runs all the same.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { HttpClient } from '../../bench/load/http-client';
import { approvers, channelId, startSimulators, type Simulators } from '../../bench/load/simulators';
import { createBenchTenant, type BenchTenant } from '../../bench/load/tenant-setup';
import { driveWebhooks } from '../../bench/load/webhook-driver';
import { approveActionId } from '../../connectors/slack/action-ids';
import { deliverClick, type SlackMessage } from '../simulators/slack';
import { startHoldingProxy, type HoldingProxy } from '../support/holding-proxy';
import { choosePlace, launchStack, type LaunchedStack, type StackPlace } from '../support/killable-stack';
import { hasDecisionButtons } from '../support/slack-assertions';

const repoRoot = join(__dirname, '..', '..');
const INCIDENTS = 10;
/** Approved, with their writes held in flight, before the cut. */
const APPROVED_EARLY = 5;
/** Webhooks sent (and answered 202) right before the cut. */
const LATE_WEBHOOKS = 2;
/** What the product promises: every accepted run moves on within this long after a restart. */
const RECOVERY_BOUND_MS = 30_000;

interface Run {
  sysId: string;
  number: string;
  workflowId: string;
}

let sims: Simulators;
let proxy: HoldingProxy;
let place: StackPlace;
let stack: LaunchedStack | undefined;
let tenant: BenchTenant;
const client = new HttpClient(20);

before(async () => {
  sims = await startSimulators();
  // The tenant's ServiceNow is reached through a proxy that can keep writes in flight.
  proxy = await startHoldingProxy(sims.sn.url);
  place = await choosePlace();
  stack = await launchStack(repoRoot, place);
  tenant = await createBenchTenant(place.apiUrl, place.adminToken, { ...sims, sn: { ...sims.sn, url: proxy.url } }, 'lifted');
});

after(async () => {
  await stack?.killGroup();
  client.close();
  await proxy?.close();
  await sims?.close();
  if (place) rmSync(place.dataDir, { recursive: true, force: true });
});

async function sendWebhooks(incidents: Array<{ sys_id: string; number: string }>): Promise<Run[]> {
  const outcomes = await driveWebhooks(client, { url: tenant.webhookUrl, secret: tenant.webhookSecret }, incidents, { kind: 'burst', incidents: incidents.length });
  assert.deepEqual(outcomes.map((o) => o.status), incidents.map(() => 202), JSON.stringify(outcomes.map((o) => o.error ?? o.status)));
  return incidents.map((incident, i) => {
    const workflowId = outcomes[i]?.workflowId;
    assert.ok(workflowId, `the webhook for ${incident.number} named its run`);
    return { sysId: incident.sys_id, number: incident.number, workflowId };
  });
}

function messageOf(run: Run): SlackMessage | undefined {
  return sims.slack.messages(channelId).find((m) => JSON.stringify(m.blocks).includes(run.workflowId));
}

/** Alice presses Approve on the run's message, as Slack sends it; resolves with the HTTP status. */
async function clickApprove(run: Run): Promise<number> {
  const message = messageOf(run);
  assert.ok(message, `${run.number} has an approval message`);
  const request = sims.slack.clickRequest({
    interactivityUrl: tenant.interactivityUrl, signingSecret: sims.signingSecret, channel: channelId,
    ts: message.ts, actionId: approveActionId, userId: approvers.alice,
  });
  return (await deliverClick(request)).status;
}

async function runState(run: Run): Promise<{ execution?: string; status?: string }> {
  const res = await fetch(`${place.apiUrl}/admin/runs/${run.workflowId}`, { headers: { authorization: `Bearer ${place.adminToken}` } });
  const body = (await res.json()) as { execution?: string; state?: { status?: string } };
  return { execution: body.execution, status: body.state?.status };
}

async function waitFor(what: string, until: number, check: () => boolean | Promise<boolean>, explain: () => string | Promise<string>): Promise<void> {
  while (!(await check())) {
    if (Date.now() > until) assert.fail(`${what}: ${await explain()}`);
    await sleep(100);
  }
}

/** What ServiceNow holds for each run: approved fields and Gatehouse work notes, for a failure message. */
function writesReport(runs: Run[]): string {
  return runs.map((r) => {
    const incident = sims.sn.getIncident(r.sysId);
    const notes = sims.sn.journal(r.sysId, 'work_notes').length;
    return `${r.number}: group ${incident?.assignment_group === sims.groupId ? 'written' : 'not written'}, ${notes} work note(s), completed ${sims.tracker.completedAt(r.sysId) !== undefined}`;
  }).join('; ');
}

function assertWrittenExactlyOnce(runs: Run[]): void {
  for (const run of runs) {
    const incident = sims.sn.getIncident(run.sysId);
    assert.ok(incident, run.number);
    assert.deepEqual(
      { group: incident.assignment_group, category: incident.category, impact: incident.impact, urgency: incident.urgency },
      { group: sims.groupId, category: 'network', impact: '2', urgency: '1' },
      `${run.number}: the approved fields`,
    );
    assert.equal(sims.sn.journal(run.sysId, 'work_notes').length, 1, `${run.number}: exactly one work note`);
  }
  const ids = new Set(runs.map((r) => r.sysId));
  assert.deepEqual(sims.tracker.errors().filter((e) => ids.has(e.sysId)), [], 'no note or field written twice');
}

describe('crash recovery of the whole stack', { concurrency: false }, () => {
  const runs: Run[] = [];
  let approvedBeforeCut: Run[] = [];
  let lastClicked: Run;
  let waiting: Run[] = [];
  let acceptedLast: Run[] = [];

  it('accepts the incidents and asks for approval of each', async () => {
    runs.push(...await sendWebhooks(Array.from({ length: INCIDENTS }, () => sims.createIncident())));
    await waitFor('every run asked for approval', Date.now() + 60_000, () => runs.every((r) => messageOf(r) !== undefined),
      () => `${runs.filter((r) => messageOf(r) === undefined).map((r) => r.number).join(', ')} not asked yet`);
  });

  it('after a SIGKILL of every process mid-write and a restart, each approved run completes within 30 s, exactly once', async () => {
    approvedBeforeCut = runs.slice(0, APPROVED_EARLY);
    lastClicked = runs[APPROVED_EARLY]!;
    waiting = runs.slice(APPROVED_EARLY + 1);

    // Writes made but unanswered, and writes not yet made, alternately: both kinds in flight at the cut.
    proxy.hold({ method: 'PATCH', applyFirst: (n) => n % 2 === 0 });
    for (const run of approvedBeforeCut) assert.equal(await clickApprove(run), 200, `approve ${run.number}`);
    await waitFor('approved writes in flight', Date.now() + 30_000, () => proxy.heldCount().applied + proxy.heldCount().unsent >= 3,
      () => JSON.stringify(proxy.heldCount()));
    // The last click and the last webhooks are answered — and then the power goes.
    const [clicked, late] = await Promise.all([clickApprove(lastClicked), sendWebhooks(Array.from({ length: LATE_WEBHOOKS }, () => sims.createIncident()))]);
    assert.equal(clicked, 200, `approve ${lastClicked.number}`);
    acceptedLast = late;
    await stack!.killGroup();
    stack = undefined;
    const held = proxy.heldCount();
    assert.ok(held.applied >= 1, `a write was made but not answered before the cut (${JSON.stringify(held)})`);
    proxy.passThrough();

    stack = await launchStack(repoRoot, place);
    const approved = [...approvedBeforeCut, lastClicked];
    const bound = stack.readyAt + RECOVERY_BOUND_MS;
    await waitFor('the approved runs wrote to ServiceNow within 30 s of the restart', bound,
      () => approved.every((r) => sims.tracker.completedAt(r.sysId) !== undefined), () => writesReport(approved));
    await waitFor('the approved runs closed as completed within 30 s of the restart', bound,
      async () => (await Promise.all(approved.map(runState))).every((s) => s.execution === 'COMPLETED' && s.status === 'completed'),
      async () => JSON.stringify(await Promise.all(approved.map(async (r) => [r.number, await runState(r)]))));
    assertWrittenExactlyOnce(approved);
    for (const run of approved) assert.equal(hasDecisionButtons(messageOf(run)!), false, `${run.number}: the request was replaced by its outcome`);
  });

  it('runs not approved before the cut still wait, and complete when approved after the restart', async () => {
    await waitFor('the webhooks answered just before the cut have their runs asking for approval', stack!.readyAt + RECOVERY_BOUND_MS,
      () => acceptedLast.every((r) => messageOf(r) !== undefined),
      () => `${acceptedLast.filter((r) => messageOf(r) === undefined).map((r) => r.number).join(', ')} not asked`);
    waiting.push(...acceptedLast);
    runs.push(...acceptedLast);
    for (const run of waiting) {
      await waitFor(`${run.number} is awaiting approval`, stack!.readyAt + RECOVERY_BOUND_MS, async () => (await runState(run)).status === 'awaiting_approval',
        async () => JSON.stringify(await runState(run)));
      assert.equal((await runState(run)).execution, 'RUNNING', run.number);
      assert.equal(hasDecisionButtons(messageOf(run)!), true, `${run.number} still offers Approve`);
      assert.equal(sims.tracker.completedAt(run.sysId), undefined, `${run.number}: nothing written without approval`);
    }
    for (const run of waiting) assert.equal(await clickApprove(run), 200, `approve ${run.number}`);
    await waitFor('the runs approved after the restart completed', Date.now() + RECOVERY_BOUND_MS,
      async () => (await Promise.all(waiting.map(runState))).every((s) => s.status === 'completed'), () => writesReport(waiting));
    assertWrittenExactlyOnce(runs);
    for (const run of runs) {
      const asked = sims.slack.messages(channelId).filter((m) => JSON.stringify(m.blocks).includes(run.workflowId));
      assert.equal(asked.length, 1, `${run.number}: one approval message, not asked again after the restart`);
    }
  });
});
