/**
 * Decisions through the admin API are answered as refused, with why, from the approval request
 * recorded when it was posted — never by asking the worker: an excluded approver (with the
 * exclusion's reason), an outsider, another request, a run with nothing open or an expired
 * request. A valid decision is submitted and the run, still the final judge, completes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latestApprovalRequest } from '../../db/approval-requests-repo';
import { listAudit } from '../../db/audit-repo';
import type { TriageResult } from '../../triage/types';
import { approvers, outsider } from '../support/harness';
import { useTimeSkippingHarness } from '../support/harness-suite';

const suite = useTimeSkippingHarness();
type ErrorBody = { error: { code: string; message: string } };

async function startRun(fields?: Record<string, string>) {
  const incident = suite.h.createVpnIncident(fields);
  const workflowId = String((await suite.h.webhook(suite.h.incidentEvent(incident))).body.workflowId);
  const state = await suite.h.waitForStatus(workflowId, 'awaiting_approval');
  return { workflowId, state };
}
const decide = (workflowId: string, body: Record<string, unknown>) => suite.h.admin('POST', `/admin/runs/${workflowId}/decision`, body);

describe('admin API decisions', { concurrency: false }, () => {
  it('refuses an excluded approver with the reason and an outsider as not an approver; the run never sees them', async () => {
    const callerId = 'c'.repeat(32);
    suite.h.sn.addUser({ user_name: 'alice.caller', password: 'x-unused-1', sys_id: callerId, email: 'alice@acme.test' });
    const { workflowId, state } = await startRun({ caller_id: callerId });
    const recorded = await latestApprovalRequest(suite.h.db.pool, workflowId);
    assert.equal(recorded?.requestId, state.requestId);
    assert.deepEqual(recorded?.approvers, [approvers.bob]);

    const self = await decide(workflowId, { approver: approvers.alice, decision: 'approve' });
    assert.equal(self.status, 403, JSON.stringify(self.body));
    assert.deepEqual((self.body as ErrorBody).error, { code: 'not_eligible', message: "no self-approval: this approver is the incident's caller" });

    const stranger = await decide(workflowId, { approver: outsider, decision: 'approve' });
    assert.equal(stranger.status, 403);
    assert.deepEqual((stranger.body as ErrorBody).error, { code: 'not_eligible', message: 'not an approver for this request' });

    const otherRequest = await decide(workflowId, { approver: approvers.bob, decision: 'approve', requestId: 'not-this-one' });
    assert.equal(otherRequest.status, 409);
    assert.equal((otherRequest.body as ErrorBody).error.code, 'request_not_open');

    assert.deepEqual((await suite.h.state(workflowId)).refusedDecisions, [], 'answered by the API, not left to the run');
    const refusals = await listAudit(suite.h.db.pool, { workflowId, type: 'approval.refused' });
    assert.deepEqual(refusals.map((e) => e.actor).sort(), [approvers.alice, approvers.bob, outsider].sort(), 'each refusal is on the run\'s trail');
  });

  it('submits a valid decision, the run completes, and a decision after that is refused as having nothing open', async () => {
    const { workflowId, state } = await startRun();
    const accepted = await decide(workflowId, { approver: approvers.alice, decision: 'approve' });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    assert.equal(accepted.body.status, 'submitted');
    assert.equal(accepted.body.requestId, state.requestId);
    // Only once the run holds the decision may the time-skipping server jump ahead.
    const deadline = Date.now() + 10_000;
    while (!(await suite.h.state(workflowId)).decision && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const outcome = (await suite.env.client.workflow.getHandle(workflowId).result()) as TriageResult;
    assert.equal(outcome.status, 'completed', outcome.detail);
    assert.equal((await latestApprovalRequest(suite.h.db.pool, workflowId))?.status, 'decided');

    const late = await decide(workflowId, { approver: approvers.bob, decision: 'deny' });
    assert.equal(late.status, 409, JSON.stringify(late.body));
    assert.deepEqual((late.body as ErrorBody).error, { code: 'no_open_request', message: 'no approval request is open for this run (the last one was decided)' });
    const unknown = await decide('triage-acme-0123456789abcdef0123456789abcdef', { approver: approvers.bob, decision: 'approve' });
    assert.equal(unknown.status, 409);
    assert.equal((unknown.body as ErrorBody).error.code, 'no_open_request');
  });

  it('refuses a decision on an expired request', async () => {
    const { workflowId } = await startRun();
    const outcome = (await suite.env.client.workflow.getHandle(workflowId).result()) as TriageResult;
    assert.equal(outcome.status, 'expired');
    const expired = await decide(workflowId, { approver: approvers.alice, decision: 'approve' });
    assert.equal(expired.status, 409, JSON.stringify(expired.body));
    assert.equal((expired.body as ErrorBody).error.code, 'request_expired');
  });
});
