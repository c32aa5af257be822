/**
 * The triage run on the time-skipping Temporal server, with real activities, the real API,
 * PostgreSQL and the ServiceNow/Slack simulators. Approval timeouts of an hour pass in seconds.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { listWrites } from '../../db/write-log-repo';
import { createTimeSkippingEnv } from '../../temporal/test-environments';
import { bundleWorkflows } from '../../temporal/worker';
import type { TriageResult } from '../../triage/types';
import { decideSignal } from '../../workflows/messages';
import { approvers, integrationUser, outsider, startHarness, type Harness } from '../support/harness';
import { approvalMessage, hasDecisionButtons, messageText } from '../support/slack-assertions';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let h: Harness;

before(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
});
after(async () => {
  await env?.teardown();
});

describe('triage run', { concurrency: false }, () => {
  beforeEach(async () => {
    await h?.close();
    // Retry-After handling is Temporal's here (nextRetryDelay); the shared limiter, whose pauses run
    // on the database's real clock, is covered by rate-limits.test.ts.
    h = await startHarness(env, { workflowBundle: bundle, timeoutSeconds: 3600, rateLimiter: false });
  });
  after(async () => {
    await h?.close();
  });

  async function startRun() {
    const incident = h.createVpnIncident();
    const sent = await h.webhook(h.incidentEvent(incident));
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const workflowId = String(sent.body.workflowId);
    const state = await h.waitForStatus(workflowId, 'awaiting_approval');
    const message = approvalMessage(h.slack);
    return { incident, workflowId, state, message };
  }

  const click = (ts: string, actionId: 'gatehouse_approve' | 'gatehouse_deny', userId: string, force = false) =>
    h.slack.click({ interactivityUrl: h.interactivityUrl, signingSecret: h.signingSecret, channel: approvalMessage(h.slack).channel, ts, actionId, userId, force });

  /** Clicks, then waits until the run has taken the decision: only then may time skip ahead. */
  async function decide(workflowId: string, ts: string, actionId: 'gatehouse_approve' | 'gatehouse_deny', userId: string) {
    const answer = await click(ts, actionId, userId);
    const deadline = Date.now() + 10_000;
    while (!(await h.state(workflowId)).decision) {
      if (Date.now() > deadline) throw new Error('the decision never reached the run');
      await new Promise((r) => setTimeout(r, 50));
    }
    return answer;
  }

  const result = (workflowId: string) => env.client.workflow.getHandle(workflowId).result() as Promise<TriageResult>;

  it('approve: writes assignment, classification and one work note, then updates Slack', async () => {
    const { incident, workflowId, message } = await startRun();
    assert.ok(hasDecisionButtons(message), 'the request has Approve/Deny buttons');
    const text = messageText(message);
    assert.match(text, new RegExp(incident.number));
    assert.match(text, /Network/);
    assert.match(text, /2 - High/, 'the derived priority is shown');

    const answer = await decide(workflowId, message.ts, 'gatehouse_approve', approvers.alice);
    assert.equal(answer.status, 200);
    assert.ok(answer.elapsedMs < 3000, `acked in ${answer.elapsedMs} ms`);
    const outcome = await result(workflowId);
    assert.equal(outcome.status, 'completed', outcome.detail);

    const after = h.sn.getIncident(incident.sys_id)!;
    assert.equal(after.assignment_group, h.networkGroupId);
    assert.equal(after.category, 'network');
    assert.equal(after.impact, '2');
    assert.equal(after.urgency, '1');
    assert.equal(after.priority, '2');
    assert.equal(after.sys_updated_by, integrationUser);
    const notes = h.sn.journal(incident.sys_id, 'work_notes');
    assert.equal(notes.length, 1);
    assert.match(notes[0]!.value, /Gatehouse triage/);
    // The marker names the run, not only the workflow id, which a later triage of the incident reuses.
    const { runId } = await env.client.workflow.getHandle(workflowId).describe();
    assert.ok(notes[0]!.value.endsWith(`[gatehouse:${workflowId}/${runId}]`), notes[0]!.value);
    const logged = await listWrites(h.db.pool, { workflowId });
    assert.deepEqual(logged.map((w) => w.field).sort(), ['assignment_group', 'category', 'impact', 'urgency', 'work_notes']);
    assert.ok(logged.every((w) => w.runId === runId), 'the write log names the run');

    const final = approvalMessage(h.slack);
    assert.equal(hasDecisionButtons(final), false, 'buttons are gone once decided');
    assert.match(messageText(final), new RegExp(`<@${approvers.alice}>`));
    assert.match(messageText(final), /\/audit\/runs\//);
  });

  it('deny: nothing is written and Slack says so', async () => {
    const { incident, workflowId, message } = await startRun();
    const before = h.sn.getIncident(incident.sys_id)!;
    await decide(workflowId, message.ts, 'gatehouse_deny', approvers.bob);
    const outcome = await result(workflowId);
    assert.equal(outcome.status, 'denied');
    const after = h.sn.getIncident(incident.sys_id)!;
    assert.equal(after.sys_mod_count, before.sys_mod_count);
    assert.equal(h.sn.journal(incident.sys_id).length, 0);
    assert.match(messageText(approvalMessage(h.slack)), /Denied/);
    assert.equal(hasDecisionButtons(approvalMessage(h.slack)), false);
  });

  it('timeout: the request expires after the configured time, writes nothing and says so', async () => {
    const { incident, workflowId } = await startRun();
    const before = h.sn.getIncident(incident.sys_id)!;
    const outcome = await result(workflowId); // time-skipping: an hour passes at once
    assert.equal(outcome.status, 'expired');
    assert.equal(h.sn.getIncident(incident.sys_id)!.sys_mod_count, before.sys_mod_count);
    assert.match(messageText(approvalMessage(h.slack)), /Expired/);
    assert.equal(hasDecisionButtons(approvalMessage(h.slack)), false);
  });

  it('an unauthorised approver changes nothing and is told why', async () => {
    const { workflowId, message } = await startRun();
    await click(message.ts, 'gatehouse_approve', outsider);
    const deadline = Date.now() + 10_000;
    while (h.slack.ephemerals(outsider).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.match(h.slack.ephemerals(outsider)[0]?.text ?? '', /not an approver/);
    const state = await h.state(workflowId);
    assert.equal(state.status, 'awaiting_approval');
    assert.equal(state.refusedDecisions[0]?.approver, outsider);

    await decide(workflowId, message.ts, 'gatehouse_approve', approvers.bob);
    const outcome = await result(workflowId);
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.decision?.approver, approvers.bob);
  });

  it('a second click after the decision changes nothing', async () => {
    const { incident, workflowId, message } = await startRun();
    const waitForEphemeral = async (user: string, pattern: RegExp) => {
      const deadline = Date.now() + 10_000;
      while (!h.slack.ephemerals(user).some((e) => pattern.test(e.text)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return h.slack.ephemerals(user).some((e) => pattern.test(e.text));
    };
    await decide(workflowId, message.ts, 'gatehouse_deny', approvers.alice);
    // The buttons are gone from the updated message only once the run finishes: click the stale ones.
    await click(message.ts, 'gatehouse_approve', approvers.bob, true);
    assert.ok(await waitForEphemeral(approvers.bob, /already decided|closed/), 'told it was already decided');
    const outcome = await result(workflowId);
    assert.equal(outcome.status, 'denied');
    assert.equal(outcome.decision?.approver, approvers.alice);
    assert.equal(h.sn.journal(incident.sys_id).length, 0);
    // After the run closed, a click is answered privately and still changes nothing.
    await click(message.ts, 'gatehouse_approve', approvers.alice, true);
    assert.ok(await waitForEphemeral(approvers.alice, /closed/), 'told the request is closed');
    assert.equal(h.sn.journal(incident.sys_id).length, 0);
    assert.equal((await result(workflowId)).status, 'denied');
  });

  it('decisions through the admin API and a Temporal signal are judged like Slack clicks', async () => {
    const first = await startRun();
    // The API answers an outsider as refused, with why, from the recorded request…
    const refused = await h.admin('POST', `/admin/runs/${first.workflowId}/decision`, { approver: outsider, decision: 'approve' });
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal((refused.body.error as { code: string }).code, 'not_eligible');
    // …and the run, the final judge, refuses one that reaches it another way.
    await env.client.workflow.getHandle(first.workflowId).signal(decideSignal, { approver: outsider, decision: 'approve', channel: 'temporal' });
    const deadline = Date.now() + 10_000;
    while ((await h.state(first.workflowId)).refusedDecisions.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await h.state(first.workflowId)).status, 'awaiting_approval', 'an outsider cannot approve through the API either');
    const accepted = await h.admin('POST', `/admin/runs/${first.workflowId}/decision`, { approver: approvers.alice, decision: 'approve', reason: 'checked on the phone' });
    assert.equal(accepted.status, 202);
    while (!(await h.state(first.workflowId)).decision) await new Promise((r) => setTimeout(r, 50));
    const viaApi = await result(first.workflowId);
    assert.equal(viaApi.status, 'completed');
    assert.equal(viaApi.decision?.channel, 'api');
    const live = await h.admin('GET', `/admin/runs/${first.workflowId}`);
    assert.equal((live.body.state as { status: string }).status, 'completed');
  });

  it('an operator can decide with a Temporal signal', async () => {
    const { incident, workflowId, state } = await startRun();
    await env.client.workflow.getHandle(workflowId).signal(decideSignal, {
      approver: approvers.bob, decision: 'deny', requestId: state.requestId!, channel: 'temporal',
    });
    const outcome = await result(workflowId);
    assert.equal(outcome.status, 'denied');
    assert.equal(outcome.decision?.channel, 'temporal');
    assert.equal(h.sn.journal(incident.sys_id).length, 0);
  });

  it('a decision without a request id answers the open request, and none when it came before any request', async () => {
    const first = await startRun();
    const { taskQueue } = await env.client.workflow.getHandle(first.workflowId).describe();
    // An API decision needs no worker query: without a request id the run takes it for the open request.
    const viaApi = await h.admin('POST', `/admin/runs/${first.workflowId}/decision`, { approver: approvers.alice, decision: 'deny' });
    assert.equal(viaApi.status, 202, JSON.stringify(viaApi.body));
    assert.equal((await result(first.workflowId)).status, 'denied');

    // One that reaches a run before its request exists approves nothing the approver could have seen.
    const incident = h.createVpnIncident();
    const workflowId = `triage-${h.tenant.slug}-${incident.sys_id}`;
    await env.client.workflow.signalWithStart('triageIncident', {
      workflowId, taskQueue,
      args: [{ tenantId: h.tenant.id, tenantSlug: h.tenant.slug, trigger: { table: 'incident', sysId: incident.sys_id, number: incident.number, deliveryId: 'early', source: 'api' } }],
      signal: decideSignal, signalArgs: [{ approver: approvers.alice, decision: 'approve', channel: 'api' }],
    });
    const waiting = await h.waitForStatus(workflowId, 'awaiting_approval');
    assert.equal(waiting.decision, undefined);
    assert.match(waiting.refusedDecisions[0]?.reason ?? '', /another approval request/);
  });

  it('ServiceNow throttling: writes wait for Retry-After and still complete once', async () => {
    const { incident, workflowId, message } = await startRun();
    h.sn.faults.rateLimit({ count: 2, retryAfterSeconds: 120, method: 'PATCH' });
    await decide(workflowId, message.ts, 'gatehouse_approve', approvers.alice);
    const outcome = await result(workflowId);
    assert.equal(outcome.status, 'completed', outcome.detail);
    assert.equal(h.sn.journal(incident.sys_id, 'work_notes').length, 1);
    assert.equal(h.sn.getIncident(incident.sys_id)!.category, 'network');
    // The retries waited as long as ServiceNow asked (2 × 120 s), not the default 1 s backoff:
    // a local activity's wait that long is a durable timer in the run's history.
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const waits = (history.events ?? []).flatMap((e) => {
      const fire = e.timerStartedEventAttributes?.startToFireTimeout;
      return fire ? [Number(fire.seconds ?? 0)] : [];
    });
    // (The approval request's own deadline is a timer too: an hour here.)
    assert.equal(waits.filter((s) => s >= 119 && s <= 121).length, 2, `timers: ${JSON.stringify(waits)}`);
  });

  it('stale approval: a field a human changed after the request is not overwritten', async () => {
    const { incident, workflowId, message } = await startRun();
    h.sn.updateIncidentAsUser(incident.sys_id, { category: 'hardware' }, 'beth.anglin');
    await decide(workflowId, message.ts, 'gatehouse_approve', approvers.alice);
    const outcome = await result(workflowId);
    assert.equal(outcome.status, 'completed_with_conflicts');
    assert.match(outcome.detail, /category/);
    const after = h.sn.getIncident(incident.sys_id)!;
    assert.equal(after.category, 'hardware', 'the human edit wins');
    assert.equal(after.assignment_group, h.networkGroupId, 'untouched fields are still written');
    const category = outcome.writes.flatMap((w) => w.fields).find((f) => f.field === 'category');
    assert.equal(category?.outcome, 'skipped_stale');
    assert.match(messageText(approvalMessage(h.slack)), /skipped stale/);
  });

  it('a retried write after a lost response adds exactly one work note and changes each field once', async () => {
    const { incident, workflowId, message } = await startRun();
    const before = h.sn.getIncident(incident.sys_id)!;
    // The PATCH is applied by ServiceNow but its response never arrives.
    h.sn.faults.dropResponseAfterCommit({ count: 1, method: 'PATCH' });
    await decide(workflowId, message.ts, 'gatehouse_approve', approvers.alice);
    const outcome = await result(workflowId);
    assert.equal(outcome.status, 'completed', outcome.detail);
    assert.equal(h.sn.journal(incident.sys_id, 'work_notes').length, 1);
    const after = h.sn.getIncident(incident.sys_id)!;
    // Every approved field and the note went in one PATCH; the retry saw it had landed.
    assert.equal(Number(after.sys_mod_count) - Number(before.sys_mod_count), 1, 'one write, not repeated');
    assert.equal(after.category, 'network');
    assert.equal(after.assignment_group, h.networkGroupId);
    assert.ok(outcome.writes.every((w) => w.outcome === 'already_applied'), JSON.stringify(outcome.writes));
  });
});
