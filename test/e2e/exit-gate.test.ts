/**
 * The Phase 4 exit gate on the Temporal dev server (the one `npm start` runs): a ServiceNow
 * webhook triggers a run, Slack approves it, ServiceNow is written back once. Plus: a burst of
 * duplicate webhooks gives one run, a worker restart mid-wait still completes, and no secret
 * shows up in logs, Temporal history or API answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDevServerEnv } from '../../temporal/test-environments';
import { bundleWorkflows } from '../../temporal/worker';
import type { TriageResult } from '../../triage/types';
import { approvers, startHarness, type Harness } from '../support/harness';
import { decodedPayloadText } from '../support/decoded-payloads';
import { approvalMessage, hasDecisionButtons } from '../support/slack-assertions';

let env: TestWorkflowEnvironment;
let h: Harness;
const workflowIds: string[] = [];

before(async () => {
  const [e, bundle] = await Promise.all([createDevServerEnv(), bundleWorkflows()]);
  env = e;
  h = await startHarness(env, { workflowBundle: bundle, timeoutSeconds: 3600 });
});
after(async () => {
  await h?.close();
  await env?.teardown();
});

const result = (id: string) => env.client.workflow.getHandle(id).result() as Promise<TriageResult>;

describe('exit gate on the dev server', { concurrency: false }, () => {
  it('webhook → Slack approve → ServiceNow updated as expected', async () => {
    const incident = h.createVpnIncident();
    const sent = await h.webhook(h.incidentEvent(incident));
    assert.equal(sent.status, 202);
    const id = String(sent.body.workflowId);
    workflowIds.push(id);
    await h.waitForStatus(id, 'awaiting_approval');
    const message = approvalMessage(h.slack);
    await h.slack.click({ interactivityUrl: h.interactivityUrl, signingSecret: h.signingSecret, channel: message.channel, ts: message.ts, actionId: 'gatehouse_approve', userId: approvers.alice });
    const outcome = await result(id);
    assert.equal(outcome.status, 'completed', outcome.detail);
    const after = h.sn.getIncident(incident.sys_id)!;
    assert.equal(after.assignment_group, h.networkGroupId);
    assert.equal(after.category, 'network');
    assert.equal(after.priority, '2');
    assert.equal(h.sn.journal(incident.sys_id, 'work_notes').length, 1);
    assert.equal(hasDecisionButtons(approvalMessage(h.slack)), false);

    // Operators can filter by the custom search attributes.
    const found: string[] = [];
    for await (const run of env.client.workflow.list({ query: `GatehouseTenant = 'acme' AND GatehouseStatus = 'completed' AND GatehouseIncident = '${incident.number}'` })) found.push(run.workflowId);
    assert.deepEqual(found, [id]);

    // The audit link in the final message opens the run's events.
    const link = /<(http[^|>]+\/audit\/runs\/[^|>]+)\|/.exec(JSON.stringify(approvalMessage(h.slack).blocks))?.[1];
    assert.ok(link, 'audit link present');
    const audit = await fetch(link.replace(/&amp;/g, '&'));
    assert.equal(audit.status, 200);
    const types = ((await audit.json()) as { events: Array<{ type: string }> }).events.map((e) => e.type);
    for (const t of ['webhook.accepted', 'approval.requested', 'approval.approved', 'action.write', 'run.completed']) assert.ok(types.includes(t), t);
    const tampered = await fetch(link.replace(/&amp;/g, '&').replace(/sig=[^&]+/, 'sig=forged'));
    assert.equal(tampered.status, 403);
    // The tenant's audit trail is an unbroken hash chain.
    const verified = await h.admin('GET', '/admin/audit/verify?tenant=acme');
    assert.equal(verified.body.ok, true, JSON.stringify(verified.body));
    assert.ok(Number(verified.body.checked) >= 5);
  });

  it('many identical webhooks sent at once give one run', async () => {
    const incident = h.createVpnIncident();
    const event = h.incidentEvent(incident);
    const answers = await Promise.all([
      ...Array.from({ length: 10 }, () => h.webhook(event, { webhookId: 'msg_same_delivery' })),
      ...Array.from({ length: 10 }, (_, i) => h.webhook(event, { webhookId: `msg_retry_${i}` })),
    ]);
    assert.ok(answers.every((a) => a.status === 202 || a.status === 200), JSON.stringify(answers.map((a) => a.status)));
    const ids = new Set(answers.map((a) => String(a.body.workflowId)));
    assert.equal(ids.size, 1);
    const [id] = [...ids];
    workflowIds.push(id!);
    const runs: string[] = [];
    for await (const run of env.client.workflow.list({ query: `WorkflowId = '${id}'` })) runs.push(run.runId);
    assert.equal(runs.length, 1);
    await h.waitForStatus(id!, 'awaiting_approval');
    assert.equal(h.slack.messages().filter((m) => m.text.includes(incident.number)).length, 1, 'one approval request');
  });

  it('a run waiting for approval survives a worker restart', async () => {
    const incident = h.createVpnIncident();
    const sent = await h.webhook(h.incidentEvent(incident));
    const id = String(sent.body.workflowId);
    workflowIds.push(id);
    await h.waitForStatus(id, 'awaiting_approval');
    await h.runtime.stopWorker();
    await h.runtime.startWorker();
    const message = h.slack.messages().find((m) => m.text.includes(incident.number))!;
    await h.slack.click({ interactivityUrl: h.interactivityUrl, signingSecret: h.signingSecret, channel: message.channel, ts: message.ts, actionId: 'gatehouse_approve', userId: approvers.bob });
    const outcome = await result(id);
    assert.equal(outcome.status, 'completed', outcome.detail);
    assert.equal(h.sn.journal(incident.sys_id, 'work_notes').length, 1);
  });

  it('no secret appears in logs, Temporal history or admin API answers', async () => {
    assert.ok(h.logLines.length > 5, 'the run logged something');
    const haystacks: Array<[string, string]> = [['logs', h.logLines.join('\n')]];
    for (const id of workflowIds) {
      const history = await env.client.workflow.getHandle(id).fetchHistory();
      haystacks.push([`history of ${id}`, JSON.stringify(history, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v))]);
      // Payloads are encrypted: scan what the codec endpoint would show an operator too.
      haystacks.push([`decrypted payloads of ${id}`, await decodedPayloadText(env.client, history)]);
    }
    const tenants = await h.admin('GET', '/admin/tenants');
    haystacks.push(['admin API', JSON.stringify(tenants.body)]);
    for (const [where, text] of haystacks) {
      for (const secret of h.secretsUsed) assert.ok(!text.includes(secret), `a secret leaked into ${where}`);
    }
  });
});
