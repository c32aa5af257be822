/** The approval request records the admin API judges decisions from: opened once, closed once, latest first. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeApprovalRequest, latestApprovalRequest, openApprovalRequest, type NewApprovalRequest } from '../../db/approval-requests-repo';
import { createTestDatabase, type Database } from '../../db/database';
import { createTenant } from '../../db/tenants-repo';

describe('approval requests repository', () => {
  let db: Database;
  let tenantId: string;
  before(async () => {
    db = await createTestDatabase();
    tenantId = (await createTenant(db.pool, { slug: 'acme', name: 'Acme', settings: {} })).id;
  });
  after(async () => { await db?.close(); });

  const request = (over: Partial<NewApprovalRequest>): NewApprovalRequest => ({
    tenantId, workflowId: 'wf-1', runId: 'run-1', requestId: 'req-1', approvers: ['U0ALICE', 'U0BOB'],
    excluded: [{ approver: 'U0CAROL', reason: "no self-approval: this approver is the incident's caller" }],
    quorum: 1, expiresAt: new Date('2030-01-01T00:00:00Z'), ...over,
  });

  it('records a request once, open, with its approvers and exclusions', async () => {
    await openApprovalRequest(db.pool, request({}));
    await openApprovalRequest(db.pool, request({ approvers: ['U0MALLORY'] })); // a retried post
    const latest = await latestApprovalRequest(db.pool, 'wf-1');
    assert.equal(latest?.status, 'open');
    assert.deepEqual(latest?.approvers, ['U0ALICE', 'U0BOB']);
    assert.deepEqual(latest?.excluded, [{ approver: 'U0CAROL', reason: "no self-approval: this approver is the incident's caller" }]);
    assert.equal(latest?.expiresAt.toISOString(), '2030-01-01T00:00:00.000Z');
    assert.equal(await latestApprovalRequest(db.pool, 'wf-none'), undefined);
  });

  it('closes the named request once; without a name, the latest open one', async () => {
    assert.equal(await closeApprovalRequest(db.pool, 'wf-1', 'req-1', 'decided'), true);
    assert.equal(await closeApprovalRequest(db.pool, 'wf-1', 'req-1', 'expired'), false, 'the first outcome stays');
    assert.equal((await latestApprovalRequest(db.pool, 'wf-1'))?.status, 'decided');

    // The workflow id reused by a later run: its request is the latest.
    await openApprovalRequest(db.pool, request({ runId: 'run-2', requestId: 'req-2' }));
    assert.equal((await latestApprovalRequest(db.pool, 'wf-1'))?.requestId, 'req-2');
    assert.equal(await closeApprovalRequest(db.pool, 'wf-1', undefined, 'expired'), true);
    const latest = await latestApprovalRequest(db.pool, 'wf-1');
    assert.deepEqual([latest?.requestId, latest?.status], ['req-2', 'expired']);
    assert.equal(await closeApprovalRequest(db.pool, 'wf-1', undefined, 'closed'), false, 'nothing open is left');
  });
});
