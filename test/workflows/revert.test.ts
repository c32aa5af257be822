/**
 * Reverting a triage run: asked for through the admin API, approved in Slack like any write
 * (never by the person who asked), it puts back each field the triage wrote — unless someone
 * changed that field since — and adds a correcting work note. Time-skipping Temporal server,
 * real activities, API, PostgreSQL and the ServiceNow/Slack simulators.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { listWrites } from '../../db/write-log-repo';
import { createTimeSkippingEnv } from '../../temporal/test-environments';
import { bundleWorkflows } from '../../temporal/worker';
import type { TriageResult } from '../../triage/types';
import type { SlackMessage } from '../simulators/slack';
import { approvers, channelId, startHarness, type Harness } from '../support/harness';
import { hasDecisionButtons, messageText } from '../support/slack-assertions';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let h: Harness;

before(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
});
after(async () => {
  await env?.teardown();
});

describe('revert of a triage run', { concurrency: false }, () => {
  beforeEach(async () => {
    await h?.close();
    h = await startHarness(env, { workflowBundle: bundle, timeoutSeconds: 3600, rateLimiter: false });
  });
  after(async () => {
    await h?.close();
  });

  const latestMessage = (): SlackMessage => {
    const message = h.slack.messages(channelId).at(-1);
    if (!message) throw new Error('no message in the approvals channel');
    return message;
  };
  const result = (workflowId: string) => env.client.workflow.getHandle(workflowId).result() as Promise<TriageResult>;

  /** Clicks the button of the newest message and waits until the run has judged the click. */
  async function click(workflowId: string, actionId: 'gatehouse_approve' | 'gatehouse_deny', userId: string): Promise<void> {
    const message = latestMessage();
    const judgedBefore = (await h.state(workflowId)).refusedDecisions.length;
    await h.slack.click({ interactivityUrl: h.interactivityUrl, signingSecret: h.signingSecret, channel: message.channel, ts: message.ts, actionId, userId });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const state = await h.state(workflowId);
      if (state.decision || state.refusedDecisions.length > judgedBefore) return;
      if (Date.now() > deadline) throw new Error('the click never reached the run');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** An incident triaged and approved by alice: network group, category network, impact 2, urgency 1. */
  async function triaged() {
    const incident = h.createVpnIncident();
    const original = { ...h.sn.getIncident(incident.sys_id)! };
    const sent = await h.webhook(h.incidentEvent(incident));
    const triageId = String(sent.body.workflowId);
    await h.waitForStatus(triageId, 'awaiting_approval');
    await click(triageId, 'gatehouse_approve', approvers.alice);
    assert.equal((await result(triageId)).status, 'completed');
    return { incident, original, triageId };
  }

  const askRevert = (triageId: string, requestedBy: string = approvers.alice, reason = 'routed to the wrong team') =>
    h.admin('POST', `/admin/runs/${triageId}/revert`, { requestedBy, reason });

  it('puts back what the triage wrote once someone else approves, with a correcting work note', async () => {
    const { incident, original, triageId } = await triaged();
    const asked = await askRevert(triageId);
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    const revertId = String(asked.body.workflowId);
    await h.waitForStatus(revertId, 'awaiting_approval');

    const request = latestMessage();
    assert.ok(hasDecisionButtons(request));
    assert.match(messageText(request), /revert of the triage of/);
    assert.match(messageText(request), /routed to the wrong team/);
    assert.match(messageText(request), new RegExp(triageId));

    // The person who asked may not approve their own revert; nothing is written on their click.
    await click(revertId, 'gatehouse_approve', approvers.alice);
    const refused = (await h.state(revertId)).refusedDecisions;
    assert.deepEqual(refused.map((r) => [r.approver, r.reason]), [[approvers.alice, 'asked for this revert']]);
    assert.equal(h.sn.getIncident(incident.sys_id)!.category, 'network');

    await click(revertId, 'gatehouse_approve', approvers.bob);
    const outcome = await result(revertId);
    assert.equal(outcome.status, 'completed', outcome.detail);
    assert.match(outcome.detail, /reverted/);

    const now = h.sn.getIncident(incident.sys_id)!;
    for (const field of ['assignment_group', 'category', 'impact', 'urgency', 'priority'] as const) {
      assert.equal(now[field], original[field], `${field} is back to its value before the triage`);
    }
    const notes = h.sn.journal(incident.sys_id, 'work_notes').map((n) => n.value);
    assert.equal(notes.length, 2, 'the triage note stays; the revert adds one');
    const revertNote = notes.find((n) => n.includes('Gatehouse revert'));
    const { runId: revertRunId } = await env.client.workflow.getHandle(revertId).describe();
    assert.ok(revertNote?.endsWith(`[gatehouse:${revertId}/${revertRunId}]`), revertNote);
    assert.match(revertNote!, /routed to the wrong team/);

    const logged = await listWrites(h.db.pool, { workflowId: revertId });
    assert.deepEqual(logged.filter((w) => w.status === 'applied').map((w) => w.field).sort(),
      ['assignment_group', 'category', 'impact', 'urgency', 'work_notes']);
    assert.equal(hasDecisionButtons(latestMessage()), false);

    // Asking again finds nothing left to put back, and says why.
    const again = await askRevert(triageId, approvers.bob);
    assert.equal(again.status, 202);
    const second = await result(String(again.body.workflowId));
    assert.equal(second.status, 'nothing_to_do');
    assert.match(second.detail, /already holds its earlier value/);
  });

  /** The ephemeral answer `user` gets after clicking, once it arrives. */
  async function answerTo(user: string, count: number): Promise<string> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const answers = h.slack.ephemerals(user);
      if (answers.length >= count) return answers[count - 1]!.text;
      if (Date.now() > deadline) throw new Error(`no answer to ${user}'s click`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('can be asked for from the Slack outcome message by anyone but approved only by someone else', async () => {
    const { incident, original, triageId } = await triaged();
    const outcome = latestMessage();
    assert.match(messageText(outcome), /gatehouse_revert/, 'a completed triage offers "Revert…"');
    /** Presses "Revert…" and waits for the modal it opens for this user. */
    const pressRevert = async (userId: string) => {
      const before = h.slack.views(userId).length;
      await h.slack.click({ interactivityUrl: h.interactivityUrl, signingSecret: h.signingSecret, channel: outcome.channel, ts: outcome.ts, actionId: 'gatehouse_revert', userId });
      const deadline = Date.now() + 10_000;
      while (h.slack.views(userId).length === before) {
        if (Date.now() > deadline) throw new Error('the revert form never opened');
        await new Promise((r) => setTimeout(r, 50));
      }
      return h.slack.views(userId).at(-1)!;
    };
    const submit = (viewId: string, reason: string) =>
      h.slack.submitView({ interactivityUrl: h.interactivityUrl, signingSecret: h.signingSecret, viewId, values: { reason: { reason } } });

    const form = await pressRevert(approvers.bob);
    assert.equal(form.callbackId, 'gatehouse_revert_reason');
    const blank = await submit(form.id, '  ');
    assert.match(blank.errors?.['reason'] ?? '', /at least 5 characters/, 'a reason is required');
    assert.equal(h.slack.views(approvers.bob).at(-1)!.closed, false, 'the form stays open to be corrected');
    const sent = await submit(form.id, 'routed to the wrong team');
    assert.equal(sent.errors, undefined, JSON.stringify(sent));
    assert.equal(h.slack.views(approvers.bob).at(-1)!.closed, true);
    assert.match(await answerTo(approvers.bob, 1), /Revert requested/);
    const revertId = `revert-${h.tenant.slug}-${incident.sys_id}`;
    const waiting = await h.waitForStatus(revertId, 'awaiting_approval');
    assert.equal(waiting.plan?.revertOf?.requestedBy, approvers.bob);
    assert.equal(waiting.plan?.revertOf?.workflowId, triageId);
    assert.equal(waiting.plan?.revertOf?.reason, 'routed to the wrong team', 'the reason as written in the form');
    assert.deepEqual(waiting.eligibleApprovers, [approvers.alice], 'the person who asked is not among the approvers');
    const request = messageText(latestMessage());
    assert.match(request, new RegExp(`<@${approvers.bob}>: asked for this revert`), 'the request says why the asker cannot approve');
    assert.match(request, /assignment_group\*: Network → \*\(empty\)\*/, 'putting back an empty field reads as such');

    // A second request while the revert is open starts nothing and says why, in the form.
    const second = await submit((await pressRevert(approvers.alice)).id, 'me too, wrong team');
    assert.match(second.errors?.['reason'] ?? '', /No revert started: a revert of this incident is already open/);

    await click(revertId, 'gatehouse_approve', approvers.alice);
    assert.equal((await result(revertId)).status, 'completed');
    assert.equal(h.sn.getIncident(incident.sys_id)!.assignment_group, original.assignment_group);
    assert.doesNotMatch(messageText(latestMessage()), /gatehouse_revert/, 'a revert is not itself offered for reverting');
  });

  it('leaves a field someone changed since the triage as they set it, and says so', async () => {
    const { incident, original, triageId } = await triaged();
    h.sn.updateIncidentAsUser(incident.sys_id, { category: 'hardware' }, 'beth.anglin');

    const asked = await askRevert(triageId, approvers.bob, 'wrong rule matched');
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    const revertId = String(asked.body.workflowId);
    const waiting = await h.waitForStatus(revertId, 'awaiting_approval');
    assert.deepEqual(waiting.plan?.leftAlone?.map((f) => [f.field, f.reason, f.currentValue]), [['category', 'changed_since', 'hardware']]);
    assert.match(messageText(latestMessage()), /category\*: left alone, changed since the triage/);

    await click(revertId, 'gatehouse_approve', approvers.alice);
    assert.equal((await result(revertId)).status, 'completed');
    const now = h.sn.getIncident(incident.sys_id)!;
    assert.equal(now.category, 'hardware', 'the later human change stands');
    assert.equal(now.assignment_group, original.assignment_group);
    assert.equal(now.impact, original.impact);
    assert.equal(now.urgency, original.urgency);
  });

  it('writes nothing when the revert is denied', async () => {
    const { incident, triageId } = await triaged();
    const before = h.sn.getIncident(incident.sys_id)!;
    const asked = await askRevert(triageId, approvers.alice);
    const revertId = String(asked.body.workflowId);
    await h.waitForStatus(revertId, 'awaiting_approval');
    await click(revertId, 'gatehouse_deny', approvers.bob);
    assert.equal((await result(revertId)).status, 'denied');
    assert.doesNotMatch(messageText(latestMessage()), /gatehouse_revert/, 'a denied request offers no revert');
    const after = h.sn.getIncident(incident.sys_id)!;
    assert.equal(after.sys_mod_count, before.sys_mod_count);
    assert.equal(h.sn.journal(incident.sys_id, 'work_notes').length, 1);
  });

  it('refuses what cannot be reverted, each with its reason', async () => {
    // An open triage run: nothing written yet.
    const open = h.createVpnIncident();
    const openId = String((await h.webhook(h.incidentEvent(open))).body.workflowId);
    await h.waitForStatus(openId, 'awaiting_approval');
    const whileOpen = await askRevert(openId);
    assert.equal(whileOpen.status, 409);
    assert.equal((whileOpen.body.error as { code: string }).code, 'run_open');

    // A denied triage wrote nothing.
    await click(openId, 'gatehouse_deny', approvers.bob);
    assert.equal((await result(openId)).status, 'denied');
    const denied = await askRevert(openId);
    assert.equal(denied.status, 409);
    assert.equal((denied.body.error as { code: string }).code, 'nothing_to_revert');

    // One revert of an incident at a time.
    const { triageId } = await triaged();
    const first = await askRevert(triageId);
    assert.equal(first.status, 202);
    await h.waitForStatus(String(first.body.workflowId), 'awaiting_approval');
    const second = await askRevert(triageId, approvers.bob);
    assert.equal(second.status, 409);
    assert.equal((second.body.error as { code: string }).code, 'revert_in_progress');

    // A revert is not itself reverted; unknown runs and bad requests are named as such.
    const ofRevert = await askRevert(String(first.body.workflowId));
    assert.equal(ofRevert.status, 422);
    assert.equal((ofRevert.body.error as { code: string }).code, 'not_a_triage_run');
    const unknown = await askRevert(`triage-${h.tenant.slug}-${'0'.repeat(32)}`);
    assert.equal(unknown.status, 404);
    const noReason = await h.admin('POST', `/admin/runs/${triageId}/revert`, { requestedBy: approvers.alice });
    assert.equal(noReason.status, 422);
    assert.match(String((noReason.body.error as { message: string }).message), /reason/);
    const notSlackUser = await askRevert(triageId, 'alice@example.com');
    assert.equal(notSlackUser.status, 422);
  });
});
