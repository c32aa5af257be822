/**
 * The console's approvals inbox over HTTP, on the real stack with a triage run waiting for
 * approval: an approver whose approver id the request names sees it with the Slack message's
 * context and diff; an approver the request does not name sees nothing and is refused with the
 * reason; a viewer is refused; another tenant's account sees nothing and cannot decide it; a
 * decision without the CSRF token is refused; an approval from the inbox reaches the run, which
 * records it (channel console) and writes the incident in ServiceNow.
 * Run: node --import tsx --test test/api/console-approvals.test.ts
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createAccount } from '../../db/console-accounts-repo';
import { createTenant } from '../../db/tenants-repo';
import { hashPassword } from '../../console/password';
import type { TriageResult } from '../../triage/types';
import { approvers, outsider } from '../support/harness';
import { consoleHttp, type ConsoleSignIn } from '../support/console-http';
import { untilDecided } from '../support/approved-run';
import { useTimeSkippingHarness } from '../support/harness-suite';

const suite = useTimeSkippingHarness();
const { call, signIn } = consoleHttp(() => suite.h.runtime.apiUrl);

type Signed = ConsoleSignIn;



interface Item { workflowId: string; requestId: string; summary: { headline: string; label: string; title: string; facts: Array<{ label: string; value: string }>; actions: Array<{ title: string; changes: Array<{ field: string; from: string; to: string }> }> } }

describe('console approvals inbox', { concurrency: false }, () => {
  const password = 'a long enough console password';
  const accounts = {
    alice: { email: 'alice@acme.example', role: 'approver', approverId: approvers.alice },
    admin: { email: 'bob.admin@acme.example', role: 'admin', approverId: approvers.bob },
    mallory: { email: 'mallory@acme.example', role: 'approver', approverId: outsider },
    noId: { email: 'nadia@acme.example', role: 'approver' },
    viewer: { email: 'vic@acme.example', role: 'viewer', approverId: approvers.alice },
  } as const;
  const signed: Partial<Record<keyof typeof accounts | 'globex', Signed>> = {};
  let incident: { sys_id: string; number: string };
  let workflowId: string;
  let item: Item;

  before(async () => {
    for (const [name, account] of Object.entries(accounts)) {
      const created = await suite.h.admin('POST', '/admin/tenants/acme/accounts', { ...account, password, createdBy: 'console-approvals-test' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      signed[name as keyof typeof accounts] = await signIn('acme', account.email, password);
    }
    const globex = await createTenant(suite.h.db.pool, { slug: 'globex', name: 'Globex', settings: {} });
    await createAccount(suite.h.db.pool, { tenantId: globex.id, email: 'alice@globex.example', role: 'admin', passwordHash: await hashPassword(password), createdBy: 'test', approverId: approvers.alice });
    signed.globex = await signIn('globex', 'alice@globex.example', password);

    incident = suite.h.createVpnIncident();
    workflowId = String((await suite.h.webhook(suite.h.incidentEvent(incident))).body.workflowId);
    await suite.h.waitForStatus(workflowId, 'awaiting_approval');
  });

  it('the admin API sets an approver id (a Slack user id) on an account', async () => {
    const bad = await suite.h.admin('POST', '/admin/tenants/acme/accounts', { email: 'x@acme.example', role: 'approver', password, approverId: 'alice' });
    assert.equal(bad.status, 422);
    assert.match(JSON.stringify(bad.body), /Slack user id/);
    const stored = await suite.h.db.pool.query<{ approver_id: string | null }>('SELECT approver_id FROM console_accounts WHERE email = $1', [accounts.alice.email]);
    assert.equal(stored.rows[0]!.approver_id, approvers.alice);
  });

  it('an eligible approver sees the pending request with the context and diff of the Slack message', async () => {
    const res = await call('GET', '/console/api/approvals', { as: signed.alice! });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body['approverId'], approvers.alice);
    // The approvers' Slack ids are named by this tenant's accounts that decide as them (globex's alice is not).
    assert.deepEqual(res.body['people'], { [approvers.alice]: accounts.alice.email, [approvers.bob]: accounts.admin.email });
    const approvals = res.body['approvals'] as Item[];
    assert.equal(approvals.length, 1);
    item = approvals[0]!;
    assert.equal(item.workflowId, workflowId);
    assert.equal(item.summary.label, incident.number);
    assert.equal(item.summary.headline, `triage of ${incident.number}`);
    assert.match(item.summary.title, /VPN down/);
    assert.ok(item.summary.facts.some((f) => f.label === 'Routing rule'), JSON.stringify(item.summary.facts));
    const changes = item.summary.actions.flatMap((a) => a.changes);
    const category = changes.find((c) => c.field === 'category');
    assert.deepEqual(category && { from: category.from, to: category.to }, { from: 'inquiry', to: 'network' });
    // An admin with an eligible approver id sees it too.
    const admin = await call('GET', '/console/api/approvals', { as: signed.admin! });
    assert.equal((admin.body['approvals'] as Item[]).length, 1);
  });

  it('an approver the request does not name sees nothing and is refused with the reason', async () => {
    const res = await call('GET', '/console/api/approvals', { as: signed.mallory! });
    assert.deepEqual(res.body['approvals'], []);
    const decided = await call('POST', `/console/api/approvals/${workflowId}/decision`, { as: signed.mallory!, body: { decision: 'approve', requestId: item.requestId } });
    assert.equal(decided.status, 403);
    assert.deepEqual(decided.body['error'], { code: 'not_eligible', message: 'not an approver for this request' });
    const audit = await suite.h.db.pool.query<{ actor: string; detail: Record<string, unknown> }>(
      `SELECT actor, detail FROM audit_events WHERE workflow_id = $1 AND type = 'approval.refused'`, [workflowId]);
    assert.ok(audit.rows.some((r) => r.actor === outsider && r.detail['channel'] === 'console'), JSON.stringify(audit.rows));
    // An approver without an approver id decides nothing.
    const noId = await call('GET', '/console/api/approvals', { as: signed.noId! });
    assert.deepEqual(noId.body, { approverId: null, approvals: [], people: {} });
    const noIdDecision = await call('POST', `/console/api/approvals/${workflowId}/decision`, { as: signed.noId!, body: { decision: 'approve', requestId: item.requestId } });
    assert.equal(noIdDecision.status, 403);
  });

  it('a viewer is refused, even with an approver id', async () => {
    assert.equal((await call('GET', '/console/api/approvals', { as: signed.viewer! })).status, 403);
    const res = await call('POST', `/console/api/approvals/${workflowId}/decision`, { as: signed.viewer!, body: { decision: 'approve', requestId: item.requestId } });
    assert.equal(res.status, 403);
    assert.equal((res.body['error'] as { code: string }).code, 'forbidden');
  });

  it("another tenant's account sees nothing of it and cannot decide it", async () => {
    const res = await call('GET', '/console/api/approvals', { as: signed.globex! });
    assert.deepEqual(res.body['approvals'], []);
    const decided = await call('POST', `/console/api/approvals/${workflowId}/decision`, { as: signed.globex!, body: { decision: 'approve', requestId: item.requestId } });
    assert.equal(decided.status, 404);
  });

  it('refuses a decision without the CSRF token, or for a request that is not the open one, or signed out', async () => {
    const noCsrf = await call('POST', `/console/api/approvals/${workflowId}/decision`, { as: signed.alice!, csrf: false, body: { decision: 'approve', requestId: item.requestId } });
    assert.equal(noCsrf.status, 403);
    assert.equal((noCsrf.body['error'] as { code: string }).code, 'csrf_token_missing');
    const other = await call('POST', `/console/api/approvals/${workflowId}/decision`, { as: signed.alice!, body: { decision: 'approve', requestId: 'not-the-request' } });
    assert.equal(other.status, 409);
    assert.equal((await call('GET', '/console/api/approvals')).status, 401);
    assert.equal((await call('POST', `/console/api/approvals/${workflowId}/decision`, { as: signed.alice!, body: { decision: 'maybe', requestId: item.requestId } })).status, 422);
  });

  it('an approval from the inbox reaches the run: it completes and ServiceNow is written', async () => {
    const before = suite.h.sn.getIncident(incident.sys_id)!;
    assert.equal(before.category, 'inquiry');
    const res = await call('POST', `/console/api/approvals/${workflowId}/decision`, { as: signed.alice!, body: { decision: 'approve', requestId: item.requestId } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await untilDecided(suite.h, workflowId);
    const outcome = (await suite.env.client.workflow.getHandle(workflowId).result()) as TriageResult;
    assert.equal(outcome.status, 'completed', outcome.detail);
    const state = await suite.h.state(workflowId);
    assert.equal(state.decision?.approver, approvers.alice);
    assert.equal(state.decision?.channel, 'console');
    const after = suite.h.sn.getIncident(incident.sys_id)!;
    assert.equal(after.category, 'network');
    assert.equal(after.assignment_group, suite.h.networkGroupId);
    // Closed: gone from the inbox, and a second decision is refused.
    assert.deepEqual((await call('GET', '/console/api/approvals', { as: signed.alice! })).body['approvals'], []);
    const again = await call('POST', `/console/api/approvals/${workflowId}/decision`, { as: signed.admin!, body: { decision: 'deny', requestId: item.requestId } });
    assert.equal(again.status, 409);
  });
});
