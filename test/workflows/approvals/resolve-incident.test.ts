/**
 * The example approval workflow (workflows/approvals/resolve-incident.ts) on the time-skipping
 * server with the real stack: asked in Slack with the exact diff, resolved in the ServiceNow
 * simulator once approved, prior values in the write log; a bad input fails with the field named.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { listWrites } from '../../../db/write-log-repo';
import { startApprovalRun } from '../../../runs/start-approval-run';
import { createTimeSkippingEnv } from '../../../temporal/test-environments';
import { bundleWorkflows } from '../../../temporal/worker';
import type { TriageResult } from '../../../triage/types';
import type { ResolveIncidentInput } from '../../../workflows/approvals/resolve-incident';
import { approvers, startHarness, type Harness } from '../../support/harness';
import { approvalMessage, hasDecisionButtons, messageText } from '../../support/slack-assertions';

let env: TestWorkflowEnvironment;
let h: Harness;
const taskQueue = 'gatehouse-resolve-example';

before(async () => {
  const [e, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
  env = e;
  h = await startHarness(env, { workflowBundle: bundle, timeoutSeconds: 3600, rateLimiter: false, taskQueue });
});
after(async () => {
  await h?.close();
  await env?.teardown();
});

describe('example workflow: resolve an incident after approval', { concurrency: false }, () => {
  const start = (input: Omit<ResolveIncidentInput, 'tenantId' | 'tenantSlug'>, key: string) => startApprovalRun(env.client, {
    taskQueue, workflowType: 'resolveIncidentAfterApproval', key,
    input: { tenantId: h.tenant.id, tenantSlug: h.tenant.slug, ...input },
  });

  it('asks in Slack with the diff, then resolves the incident and records the prior values', async () => {
    const incident = h.sn.createIncident({ short_description: 'Printer on floor 3 jams', state: '2' });
    const { workflowId } = await start({ sysId: incident.sys_id, closeCode: 'Solved (Permanently)', closeNotes: 'Replaced the fuser unit.', reason: 'the fix is in' }, incident.number);
    assert.match(workflowId, /^run:acme:resolveIncidentAfterApproval:/);
    await h.waitForStatus(workflowId, 'awaiting_approval');
    const request = approvalMessage(h.slack);
    const text = messageText(request);
    assert.match(text, new RegExp(`resolution of ${incident.number}`));
    assert.match(text, /Resolve incident/);
    assert.match(text, /state\*: In Progress|state\*: 2/);
    assert.match(text, /Resolved/);
    assert.match(text, /Replaced the fuser unit/);
    assert.match(text, /the fix is in/, 'the reason is shown to approvers');
    assert.equal(h.sn.getIncident(incident.sys_id)!.state, '2', 'nothing is written before the approval');

    const answer = await h.slack.click({
      interactivityUrl: h.interactivityUrl, signingSecret: h.signingSecret, channel: request.channel, ts: request.ts,
      actionId: 'gatehouse_approve', userId: approvers.alice,
    });
    assert.equal(answer.status, 200);
    const outcome = await env.client.workflow.getHandle(workflowId).result() as TriageResult;
    assert.equal(outcome.status, 'completed', outcome.detail);
    assert.match(outcome.detail, /ServiceNow updated/);

    const after = h.sn.getIncident(incident.sys_id)!;
    assert.equal(after.state, '6');
    assert.equal(after.close_code, 'Solved (Permanently)');
    assert.equal(after.close_notes, 'Replaced the fuser unit.');
    const logged = await listWrites(h.db.pool, { workflowId });
    assert.deepEqual(logged.map((w) => [w.field, w.beforeValue, w.afterValue, w.status]).sort(), [
      ['close_code', '', 'Solved (Permanently)', 'applied'],
      ['close_notes', '', 'Replaced the fuser unit.', 'applied'],
      ['state', '2', '6', 'applied'],
    ]);
    assert.equal(hasDecisionButtons(approvalMessage(h.slack)), false, 'the request is replaced by its outcome');
  });

  it('an input that does not match the action\'s schema fails the run naming the field', async () => {
    const incident = h.sn.createIncident({ short_description: 'Bad input' });
    const { workflowId } = await start({ sysId: incident.sys_id, closeCode: '', closeNotes: 'x', reason: 'test' }, `${incident.number}-bad`);
    const failed = await env.client.workflow.getHandle(workflowId).result().then(() => undefined, (err: unknown) => err);
    assert.ok(failed instanceof WorkflowFailedError, String(failed));
    const cause = failed.cause as { type?: string; message?: string } | undefined;
    assert.equal(cause?.type, 'Gatehouse.action_input_invalid');
    assert.match(cause?.message ?? '', /closeCode/);
    assert.equal((await h.state(workflowId)).status, 'failed');
  });
});
