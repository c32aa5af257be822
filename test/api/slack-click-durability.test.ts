/**
 * A Slack click answered 200 is a decision the run has: it is signalled before the answer, so it
 * is in the run's history even while no worker is running, and the run acts on it once one is.
 * A click that changes nothing is never a silent 200: a click Temporal could not take, or one on
 * a closed request, is answered and the person told why through the click's response_url; a click
 * on a request another approver already decided is told so privately by the run itself.
 *
 * On a Temporal dev server of the test's own (real time): on the time-skipping test server a
 * restarted worker never gets the run's tasks back from the stopped worker's sticky queue, and
 * freezing the server (SIGSTOP) needs its pid.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import { encryptingCodecsOf, gatehouseDataConverter } from '../../temporal/data-converter';
import { startDevServer, type DevServer } from '../../temporal/dev-server';
import { bundleWorkflows } from '../../temporal/worker';
import type { TriageResult } from '../../triage/types';
import { decideSignal } from '../../workflows/messages';
import type { EphemeralMessage, SlackMessage } from '../simulators/slack';
import { approvers, startHarness, type Harness } from '../support/harness';
import { hasDecisionButtons } from '../support/slack-assertions';

let dev: DevServer;
let connection: Connection;
let nativeConnection: NativeConnection;
let h: Harness;

before(async () => {
  const [server, bundle] = await Promise.all([startDevServer(), bundleWorkflows()]);
  dev = server;
  connection = await Connection.connect({ address: dev.address });
  nativeConnection = await NativeConnection.connect({ address: dev.address });
  h = await startHarness({ client: new Client({ connection, namespace: dev.namespace, dataConverter: gatehouseDataConverter(randomBytes(32)) }), nativeConnection, namespace: dev.namespace }, { workflowBundle: bundle });
});

/** Freezes (SIGSTOP) or thaws (SIGCONT) the Temporal server: it keeps its connections but answers nothing. */
function freezeTemporal(frozen: boolean): void {
  try {
    process.kill(dev.pid, frozen ? 'SIGSTOP' : 'SIGCONT');
  } catch {
    // It has exited: nothing to freeze or thaw.
  }
}

after(async () => {
  if (dev) freezeTemporal(false);
  await h?.close();
  await nativeConnection?.close();
  await connection?.close();
  await dev?.stop();
});

function messageOf(workflowId: string): SlackMessage {
  const message = h.slack.messages().find((m) => JSON.stringify(m.blocks).includes(workflowId));
  assert.ok(message, `the approval message of ${workflowId}`);
  return message;
}

/** A new run waiting for approval. */
async function waitingRun(): Promise<{ incident: { sys_id: string; number: string }; workflowId: string; message: SlackMessage }> {
  const incident = h.createVpnIncident();
  const sent = await h.webhook(h.incidentEvent(incident));
  assert.equal(sent.status, 202);
  const workflowId = String(sent.body.workflowId);
  await h.waitForStatus(workflowId, 'awaiting_approval');
  return { incident, workflowId, message: messageOf(workflowId) };
}

function clickApprove(message: SlackMessage, userId: string, opts: { force?: boolean } = {}) {
  return h.slack.click({
    interactivityUrl: h.interactivityUrl, signingSecret: h.signingSecret, channel: message.channel, ts: message.ts,
    actionId: 'gatehouse_approve', userId, ...opts,
  });
}

/** The decide signals in the run's history, as they were sent (decrypted with the client's codec). */
async function decideSignals(workflowId: string): Promise<Array<Record<string, unknown>>> {
  const history = await h.env.client.workflow.getHandle(workflowId).fetchHistory();
  const codecs = [...encryptingCodecsOf(h.env.client)].reverse();
  const signals = (history.events ?? [])
    .map((e) => e.workflowExecutionSignaledEventAttributes)
    .filter((a) => a?.signalName === decideSignal.name);
  return Promise.all(signals.map(async (a) => {
    let payloads = a?.input?.payloads?.slice(0, 1) ?? [];
    for (const codec of codecs) payloads = await codec.decode(payloads);
    return payloads[0] ? defaultPayloadConverter.fromPayload<Record<string, unknown>>(payloads[0]) : {};
  }));
}

/** The first private message `user` got after the first `since` ones. */
async function nextEphemeral(user: string, since: number, what: string): Promise<EphemeralMessage> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = h.slack.ephemerals(user).slice(since);
    if (found.length > 0) return found[0]!;
    if (Date.now() > deadline) assert.fail(`${user} was not told ${what}`);
    await sleep(50);
  }
}

/** Whether a workflow task completed after the run received its first decision. */
async function decisionTaken(workflowId: string): Promise<boolean> {
  const events = (await h.env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const decided = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes?.signalName === decideSignal.name);
  return decided >= 0 && events.slice(decided + 1).some((e) => e.workflowTaskCompletedEventAttributes);
}

async function result(workflowId: string): Promise<TriageResult> {
  return (await h.env.client.workflow.getHandle(workflowId).result()) as TriageResult;
}

function assertWrittenOnce(sysId: string): void {
  const incident = h.sn.getIncident(sysId);
  assert.equal(incident?.assignment_group, h.networkGroupId, 'the approved group');
  assert.equal(incident?.category, 'network', 'the approved category');
  assert.equal(h.sn.journal(sysId, 'work_notes').length, 1, 'exactly one work note');
}

describe('Slack click durability', { concurrency: false }, () => {
  let closedRun: { workflowId: string; message: SlackMessage } | undefined;

  it('with no worker running, an Approve click is answered 200 and is already in the run\'s history; the run completes once a worker is back', async () => {
    const { incident, workflowId, message } = await waitingRun();
    const { requestId } = await h.state(workflowId);
    await h.runtime.stopWorker();
    try {
      const answer = await clickApprove(message, approvers.alice);
      assert.equal(answer.status, 200, answer.body);
      assert.deepEqual(await decideSignals(workflowId), [{ approver: approvers.alice, decision: 'approve', requestId, channel: 'slack' }]);
      assert.equal(h.slack.ephemerals(approvers.alice).length, 0, 'not told that anything went wrong');
      assert.equal(h.sn.journal(incident.sys_id, 'work_notes').length, 0, 'nothing written yet');
    } finally {
      await h.runtime.startWorker();
    }
    const outcome = await result(workflowId);
    assert.equal(outcome.status, 'completed', outcome.detail);
    assert.equal(outcome.decision?.approver, approvers.alice);
    assertWrittenOnce(incident.sys_id);
    assert.equal(hasDecisionButtons(messageOf(workflowId)), false, 'the request was replaced by its outcome');
    closedRun = { workflowId, message: messageOf(workflowId) };
  });

  it('a click on a closed request is answered 200 and the person is told privately that it is closed', async () => {
    assert.ok(closedRun, 'the run of the previous test');
    const { execution } = (await h.admin('GET', `/admin/runs/${closedRun.workflowId}`)).body;
    assert.equal(execution, 'COMPLETED');
    const since = h.slack.ephemerals(approvers.bob).length;
    // Bob's Slack still showed the buttons when he clicked.
    const answer = await clickApprove(closedRun.message, approvers.bob, { force: true });
    assert.equal(answer.status, 200, answer.body);
    const told = await nextEphemeral(approvers.bob, since, 'that the request is closed');
    assert.equal(told.viaResponseUrl, true);
    assert.match(told.text, /closed/);
  });

  it('a click Temporal cannot take is answered 200 and the person is told privately it was not recorded', async () => {
    const { message } = await waitingRun();
    const since = h.slack.ephemerals(approvers.alice).length;
    // Temporal stops answering (frozen, not gone: nothing refuses the connection).
    freezeTemporal(true);
    let answer: Awaited<ReturnType<typeof clickApprove>>;
    try {
      answer = await clickApprove(message, approvers.alice);
    } finally {
      freezeTemporal(false);
    }
    assert.equal(answer.status, 200, answer.body);
    const told = await nextEphemeral(approvers.alice, since, 'that the click was not recorded');
    assert.equal(told.viaResponseUrl, true, 'through the click\'s response_url');
    assert.match(told.text, /may not have been recorded/);
  });

  it('a click on a request another approver already decided is answered, and the run tells the person privately that it changed nothing', async () => {
    const { incident, workflowId, message } = await waitingRun();
    // ServiceNow is unavailable for a while: the approved write is retried (after 1, 2, 4 and 8 s),
    // so the decided run stays open about 15 s, its request still showing the buttons.
    h.sn.faults.error({ count: 4, status: 503, method: 'PATCH' });
    assert.equal((await clickApprove(message, approvers.alice)).status, 200);
    // Bob clicks once the run has taken Alice's decision: a workflow task completed after it (the
    // write is a local activity; its workflow task is completed as a heartbeat after about 8 s).
    const deadline = Date.now() + 30_000;
    while (!(await decisionTaken(workflowId))) {
      assert.ok(Date.now() < deadline, 'the run took the decision');
      await sleep(200);
    }
    assert.equal(h.sn.journal(incident.sys_id, 'work_notes').length, 0, 'still writing');
    const since = h.slack.ephemerals(approvers.bob).length;
    const answer = await clickApprove(message, approvers.bob);
    assert.equal(answer.status, 200, answer.body);
    const told = await nextEphemeral(approvers.bob, since, 'that the request was already decided');
    assert.equal(told.viaResponseUrl, false, 'told by the run (chat.postEphemeral), not by the click handler');
    assert.equal(told.channel, message.channel);
    assert.match(told.text, new RegExp(`already decided \\(approve\\) by ${approvers.alice}`));
    const outcome = await result(workflowId);
    assert.equal(outcome.status, 'completed', outcome.detail);
    assert.equal(outcome.decision?.approver, approvers.alice);
    assertWrittenOnce(incident.sys_id);
    assert.equal(h.slack.ephemerals(approvers.bob).length, since + 1, 'told once');
  });

  it('two approvers clicking while no worker runs: the one who came second is told privately that theirs changed nothing', async () => {
    const { workflowId, message } = await waitingRun();
    const since = h.slack.ephemerals(approvers.bob).length;
    await h.runtime.stopWorker();
    try {
      assert.equal((await clickApprove(message, approvers.alice)).status, 200);
      assert.equal((await clickApprove(message, approvers.bob)).status, 200);
    } finally {
      await h.runtime.startWorker();
    }
    const outcome = await result(workflowId);
    assert.equal(outcome.decision?.approver, approvers.alice);
    // The run lets its answers to late clicks finish before it closes.
    assert.equal(h.slack.ephemerals(approvers.bob).length, since + 1, 'Bob was told');
  });
});
