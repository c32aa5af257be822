/** The admin API's own answer to a decision, from the recorded request alone: each refusal, with why. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decisionRefusal } from '../../api/admin/decision-refusal';
import type { ApprovalRequestRow } from '../../db/approval-requests-repo';

const now = Date.parse('2026-12-06T12:00:00Z');
const request = (over: Partial<ApprovalRequestRow> = {}): ApprovalRequestRow => ({
  tenantId: 't1', workflowId: 'triage-acme-x', runId: 'run-1', requestId: 'req-1', approvers: ['U0ALICE', 'U0BOB', 'U0CAROL'],
  excluded: [{ approver: 'U0DAVE', reason: 'identity could not be verified: no e-mail address in their Slack profile' }],
  quorum: 1, expiresAt: new Date(now + 60_000), status: 'open', createdAt: new Date(now - 60_000), updatedAt: new Date(now - 60_000), ...over,
});
const answer = (r: ApprovalRequestRow, approver: string, requestId?: string) => {
  const refusal = decisionRefusal(r, { approver, ...(requestId ? { requestId } : {}) }, now);
  return refusal && { status: refusal.status, code: refusal.code, message: refusal.message };
};

describe('decision refusal', () => {
  it('lets an approver through, escalation approvers included (the run judges the timing)', () => {
    assert.equal(answer(request(), 'U0ALICE'), undefined);
    assert.equal(answer(request(), 'U0CAROL', 'req-1'), undefined);
  });

  it('refuses an excluded approver with the reason, and anyone else as not an approver', () => {
    assert.deepEqual(answer(request(), 'U0DAVE'), { status: 403, code: 'not_eligible', message: 'identity could not be verified: no e-mail address in their Slack profile' });
    assert.deepEqual(answer(request(), 'U0MALLORY'), { status: 403, code: 'not_eligible', message: 'not an approver for this request' });
  });

  it('refuses when the request expired, is closed, or is not the one named', () => {
    assert.equal(answer(request({ expiresAt: new Date(now) }), 'U0ALICE')?.code, 'request_expired');
    assert.equal(answer(request({ status: 'expired' }), 'U0ALICE')?.code, 'request_expired');
    assert.deepEqual(answer(request({ status: 'decided' }), 'U0ALICE'), { status: 409, code: 'no_open_request', message: 'no approval request is open for this run (the last one was decided)' });
    assert.deepEqual(answer(request(), 'U0ALICE', 'req-0'), { status: 409, code: 'request_not_open', message: 'approval request req-0 is not the one open for this run' });
  });
});
