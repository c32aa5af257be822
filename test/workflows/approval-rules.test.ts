/**
 * Approval rules from the tenant policy, on the time-skipping server with the real API and
 * simulators: quorum of distinct approvers, no self-approval, reminder and escalation when
 * nobody answers, shadow mode, and the policy API's simulation.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { listWrites } from '../../db/write-log-repo';
import type { PolicyDocumentInput } from '../../policy/policy-document';
import { createTimeSkippingEnv } from '../../temporal/test-environments';
import { bundleWorkflows } from '../../temporal/worker';
import type { TriageResult } from '../../triage/types';
import { approvers, channelId, outsider, startHarness, type Harness } from '../support/harness';
import { approvalMessage, messageText } from '../support/slack-assertions';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let h: Harness;

before(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
});
after(async () => {
  await h?.close();
  await env?.teardown();
});

const policy = (over: Partial<PolicyDocumentInput> = {}): PolicyDocumentInput => ({
  approverGroups: { leads: { members: [approvers.alice, approvers.bob] }, managers: { members: [outsider] } },
  tiers: {
    low: { group: 'leads', quorum: 1, timeoutSeconds: 3600 },
    medium: { group: 'leads', quorum: 2, timeoutSeconds: 7200, reminderAfterSeconds: 1800, escalation: { afterSeconds: 3600, group: 'managers' } },
    high: { group: 'leads', quorum: 2, timeoutSeconds: 7200 },
  },
  ...over,
});

describe('approval rules', { concurrency: false }, () => {
  beforeEach(async () => {
    await h?.close();
    h = await startHarness(env, { workflowBundle: bundle });
  });

  async function start(fields?: Record<string, string>) {
    const incident = h.createVpnIncident(fields);
    const sent = await h.webhook(h.incidentEvent(incident));
    const workflowId = String(sent.body.workflowId);
    const state = await h.waitForStatus(workflowId, 'awaiting_approval');
    return { incident, workflowId, state, message: approvalMessage(h.slack) };
  }
  const click = (ts: string, userId: string, actionId: 'gatehouse_approve' | 'gatehouse_deny' = 'gatehouse_approve') =>
    h.slack.click({ interactivityUrl: h.interactivityUrl, signingSecret: h.signingSecret, channel: channelId, ts, actionId, userId, force: true });
  const until = async (what: string, check: () => Promise<boolean> | boolean) => {
    const deadline = Date.now() + 10_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const result = (id: string) => env.client.workflow.getHandle(id).result() as Promise<TriageResult>;

  it('needs two distinct approvers when the policy says quorum 2', async () => {
    assert.equal((await h.admin('PUT', '/admin/tenants/acme/policy', policy())).status, 201);
    const { workflowId, message, state } = await start();
    assert.equal(state.plan?.approval.quorum, 2);
    assert.match(messageText(message), /2 approvals needed/);
    await click(message.ts, approvers.alice);
    await until('first approval', async () => (await h.state(workflowId)).approvals.length === 1);
    await click(message.ts, approvers.alice);
    await until('repeat refused', async () => (await h.state(workflowId)).refusedDecisions.some((r) => /already approved/.test(r.reason)));
    assert.equal((await h.state(workflowId)).status, 'awaiting_approval', 'one person twice is not a quorum');
    await click(message.ts, approvers.bob);
    await until('decision', async () => (await h.state(workflowId)).decision !== undefined);
    const outcome = await result(workflowId);
    assert.equal(outcome.status, 'completed');
    assert.deepEqual(outcome.decision?.approvers, [approvers.alice, approvers.bob]);
  });

  it('the incident\'s caller cannot approve it (no self-approval), on every path', async () => {
    h.sn.addUser({ user_name: 'alice.caller', password: 'x-unused-1', sys_id: 'a'.repeat(32), email: 'ALICE@acme.test' });
    const { workflowId, message, state } = await start({ caller_id: 'a'.repeat(32) });
    assert.deepEqual(state.plan?.approval.approvers, [approvers.bob]);
    assert.equal(state.plan?.excludedApprovers[0]?.approver, approvers.alice);
    await click(message.ts, approvers.alice);
    await until('slack refusal', () => h.slack.ephemerals(approvers.alice).some((e) => /self-approval/.test(e.text)));
    const viaApi = await h.admin('POST', `/admin/runs/${workflowId}/decision`, { approver: approvers.alice, decision: 'approve' });
    assert.equal(viaApi.status, 403, 'the API refuses it, with why, before the run is asked');
    assert.match((viaApi.body.error as { message: string }).message, /self-approval/);
    assert.equal((await h.state(workflowId)).status, 'awaiting_approval');
    await click(message.ts, approvers.bob);
    await until('decision', async () => (await h.state(workflowId)).decision !== undefined);
    assert.equal((await result(workflowId)).decision?.approver, approvers.bob);
  });

  it('reminds, then escalates to the second group when nobody answers', async () => {
    await h.admin('PUT', '/admin/tenants/acme/policy', policy({
      tiers: {
        low: { group: 'leads', quorum: 1, timeoutSeconds: 3600 },
        medium: { group: 'leads', quorum: 1, timeoutSeconds: 7200, reminderAfterSeconds: 1800, escalation: { afterSeconds: 3600, group: 'managers' } },
        high: { group: 'leads', quorum: 1, timeoutSeconds: 7200 },
      },
    }));
    const { workflowId, message } = await start();
    // Let an hour and a bit pass on the server's clock, without completing the run.
    await env.sleep('3700 seconds');
    const state = await h.state(workflowId);
    assert.equal(state.remindersSent, 1);
    assert.equal(state.escalated, true);
    assert.ok(state.eligibleApprovers.includes(outsider));
    const thread = h.slack.messages(channelId).filter((m) => m.thread_ts === message.ts).map((m) => m.text);
    assert.ok(thread.some((t) => /Reminder/.test(t) && t.includes(approvers.alice)), JSON.stringify(thread));
    assert.ok(thread.some((t) => /Escalated/.test(t) && t.includes(outsider)), JSON.stringify(thread));
    await click(message.ts, outsider);
    await until('decision', async () => (await h.state(workflowId)).decision !== undefined);
    assert.equal((await result(workflowId)).status, 'completed');
  });

  it('shadow mode runs the whole flow but records the writes instead of making them', async () => {
    await h.admin('PUT', '/admin/tenants/acme/policy', policy({
      tiers: { low: { group: 'leads' }, medium: { group: 'leads' }, high: { group: 'leads' } }, shadowConnectors: ['servicenow'],
    }));
    const { incident, workflowId, message } = await start();
    const before = h.sn.getIncident(incident.sys_id)!;
    await click(message.ts, approvers.bob);
    await until('decision', async () => (await h.state(workflowId)).decision !== undefined);
    const outcome = await result(workflowId);
    assert.equal(outcome.status, 'shadow_completed');
    assert.equal(h.sn.getIncident(incident.sys_id)!.sys_mod_count, before.sys_mod_count, 'nothing written');
    assert.equal(h.sn.journal(incident.sys_id).length, 0);
    const recorded = await listWrites(h.db.pool, { workflowId });
    assert.ok(recorded.length >= 4 && recorded.every((w) => w.status === 'shadow'));
    assert.ok(recorded.some((w) => w.field === 'category' && w.afterValue === 'network'));
    assert.match(messageText(approvalMessage(h.slack)), /shadow mode/);
  });

  it('simulates a policy without side effects', async () => {
    const current = await h.admin('POST', '/admin/tenants/acme/policy/simulate', { connectorId: 'servicenow' });
    assert.equal(current.status, 200);
    const byId = Object.fromEntries((current.body.evaluations as Array<{ actionId: string; decision: string }>).map((e) => [e.actionId, e.decision]));
    assert.equal(byId['servicenow.incident.get'], 'allow');
    assert.equal(byId['servicenow.incident.add_work_note'], 'needs_approval');
    const draft = await h.admin('POST', '/admin/tenants/acme/policy/simulate', {
      connectorId: 'servicenow', actionIds: ['servicenow.incident.add_work_note'],
      policy: policy({ actions: { 'servicenow.incident.add_work_note': { mode: 'block' } } }),
    });
    assert.equal((draft.body.evaluations as Array<{ decision: string }>)[0]?.decision, 'blocked');
    assert.equal((await h.admin('GET', '/admin/tenants/acme/policy')).body.revision, 0, 'simulation stored nothing');
    assert.equal((await h.admin('POST', '/admin/tenants/acme/policy/simulate', { connectorId: 'nope' })).status, 404);
    const bad = await h.admin('PUT', '/admin/tenants/acme/policy', { approverGroups: {}, tiers: {} });
    assert.equal(bad.status, 422);
  });
});
