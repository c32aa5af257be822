/**
 * The console's Runs and Audit trail API on the real stack: a completed triage run is listed
 * with its incident and status, filters narrow the list, the run page shows its timeline, the
 * change written with the value it replaced and who approved; an account of another tenant sees
 * none of it (404 for the run); the audit search filters by type, actor, connector and time and
 * refuses a bad time with 422; the chain verification reports ok with when it was verified, and
 * is answered from the cache on the next request.
 * Run: node --import tsx --test test/api/console-runs-audit.test.ts
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createAccount } from '../../db/console-accounts-repo';
import { createTenant } from '../../db/tenants-repo';
import { hashPassword } from '../../console/password';
import { approvedTriageRun } from '../support/approved-run';
import { approvers } from '../support/harness';
import { consoleHttp } from '../support/console-http';
import { useTimeSkippingHarness } from '../support/harness-suite';

const suite = useTimeSkippingHarness();


const http = consoleHttp(() => suite.h.runtime.apiUrl);
/** A GET as the browser holding `cookie` sends it. */
const get = (path: string, cookie: string) => http.call('GET', path, { as: { cookie } });
/** The session cookie of a sign-in. */
const signIn = async (tenant: string, email: string, password: string): Promise<string> => (await http.signIn(tenant, email, password)).cookie;

type Run = { workflowId: string; incident: string | null; status: string; startedAt: string; updatedAt: string };
type Event = { type: string; actor: string | null; workflowId: string | null; createdAt: string };

describe('console runs and audit trail', { concurrency: false }, () => {
  const viewer = { email: 'vera@acme.example', password: 'a long enough viewer password' };
  const other = { email: 'otto@globex.example', password: 'another tenant entirely' };
  let mine: string;
  let theirs: string;
  let run: { incident: { sys_id: string; number: string }; workflowId: string };
  let beforeRun: Date;

  before(async () => {
    process.env['GATEHOUSE_TEMPORAL_UI_URL'] = 'http://127.0.0.1:8233/';
    const created = await suite.h.admin('POST', `/admin/tenants/${suite.h.tenant.slug}/accounts`, { ...viewer, role: 'viewer' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const globex = await createTenant(suite.h.db.pool, { slug: 'globex', name: 'Globex', settings: {} });
    // Globex's account decides as the same Slack id as acme's approver: it must never name acme's approver.
    await createAccount(suite.h.db.pool, { tenantId: globex.id, email: other.email, role: 'admin', passwordHash: await hashPassword(other.password), createdBy: 'test', approverId: approvers.alice });
    const alice = await suite.h.admin('POST', `/admin/tenants/${suite.h.tenant.slug}/accounts`, { email: 'alice.decides@acme.example', password: 'alice approves from the console', role: 'approver', approverId: approvers.alice });
    assert.equal(alice.status, 201, JSON.stringify(alice.body));
    beforeRun = new Date(Date.now() - 1000);
    run = await approvedTriageRun(suite.h);
    mine = await signIn(suite.h.tenant.slug, viewer.email, viewer.password);
    theirs = await signIn('globex', other.email, other.password);
  });

  it('lists the completed run with its incident and status; status and incident filters narrow the list', async () => {
    const all = await get('/console/api/runs', mine);
    assert.equal(all.status, 200, JSON.stringify(all.body));
    const listed = (all.body['runs'] as Run[]).find((r) => r.workflowId === run.workflowId);
    assert.ok(listed, JSON.stringify(all.body));
    assert.equal(listed.incident, run.incident.number);
    assert.equal(listed.status, 'completed');
    assert.ok(Date.parse(listed.startedAt) <= Date.parse(listed.updatedAt));

    const byIncident = await get(`/console/api/runs?incident=${encodeURIComponent(run.incident.number.toLowerCase())}`, mine);
    assert.deepEqual((byIncident.body['runs'] as Run[]).map((r) => r.workflowId), [run.workflowId]);
    const byStatus = await get('/console/api/runs?status=completed', mine);
    assert.ok((byStatus.body['runs'] as Run[]).some((r) => r.workflowId === run.workflowId));
    const otherStatus = await get('/console/api/runs?status=awaiting_approval', mine);
    assert.ok(!(otherStatus.body['runs'] as Run[]).some((r) => r.workflowId === run.workflowId));
    const noIncident = await get('/console/api/runs?incident=INC9999999', mine);
    assert.deepEqual(noIncident.body['runs'], []);
    assert.equal((await get('/console/api/runs?status=DROP%20TABLE', mine)).status, 422);
    assert.equal((await get('/console/api/runs', '')).status, 401, 'signed out');
  });

  it('shows the run: timeline, the change written with its prior value, approvers and the Temporal UI link', async () => {
    const res = await get(`/console/api/runs/${encodeURIComponent(run.workflowId)}`, mine);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const body = res.body as Record<string, any>;
    assert.equal(body['incident'], run.incident.number);
    assert.equal(body['status'], 'completed');
    const types = (body['events'] as Event[]).map((e) => e.type);
    for (const type of ['webhook.accepted', 'approval.requested', 'approval.approved', 'action.write', 'run.completed']) assert.ok(types.includes(type), `${type} in ${types.join(', ')}`);
    const changes = body['changes'] as Array<{ field: string; before: string | null; after: string | null; status: string }>;
    assert.ok(changes.length > 0);
    const group = changes.find((c) => c.field === 'assignment_group');
    assert.ok(group, JSON.stringify(changes));
    assert.equal(group.status, 'applied');
    assert.equal(group.after, suite.h.networkGroupId);
    assert.notEqual(group.before, group.after, 'the prior value is the one replaced');
    assert.ok((body['proposed'].actions as string[]).length > 0);
    assert.equal(body['approval'].decision.decision, 'approve');
    assert.ok((body['approval'].decision.approvers as string[]).includes(approvers.alice));
    assert.ok((body['approval'].eligible as string[]).includes(approvers.alice));
    // The Slack id is named by the tenant's own account that decides as it, never another tenant's.
    assert.deepEqual(body['people'], { [approvers.alice]: 'alice.decides@acme.example' });
    assert.match(String(body['temporalUiUrl']), new RegExp(`^http://127\\.0\\.0\\.1:8233/namespaces/[^/]+/workflows/${encodeURIComponent(run.workflowId).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`));
    assert.equal((await get('/console/api/runs/no-such-run', mine)).status, 404);
  });

  it('shows another tenant none of it: no runs, 404 for the run, no audit events', async () => {
    const list = await get('/console/api/runs', theirs);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body['runs'], []);
    const page = await get(`/console/api/runs/${encodeURIComponent(run.workflowId)}`, theirs);
    assert.equal(page.status, 404);
    assert.ok(!JSON.stringify(page.body).includes(run.incident.number));
    const audit = await get('/console/api/audit', theirs);
    assert.equal(audit.status, 200);
    assert.ok(!(audit.body['events'] as Event[]).some((e) => e.workflowId === run.workflowId));
  });

  it('searches the audit trail by type, actor, connector and time; a bad time is refused with the reason', async () => {
    const approved = await get('/console/api/audit?type=approval.approved', mine);
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const events = approved.body['events'] as Event[];
    assert.ok(events.length >= 1);
    assert.ok(events.every((e) => e.type === 'approval.approved'));
    const family = (await get('/console/api/audit?type=approval', mine)).body['events'] as Event[];
    assert.ok(family.some((e) => e.type === 'approval.requested') && family.every((e) => e.type.startsWith('approval.')));
    const byActor = (await get(`/console/api/audit?actor=${approvers.alice}`, mine)).body['events'] as Event[];
    assert.ok(byActor.length > 0 && byActor.every((e) => e.actor === approvers.alice));
    const byConnector = (await get('/console/api/audit?connector=servicenow', mine)).body['events'] as Event[];
    assert.ok(byConnector.some((e) => e.type === 'action.write'), byConnector.map((e) => e.type).join(', '));
    const inWindow = (await get(`/console/api/audit?since=${beforeRun.toISOString()}&until=${new Date(Date.now() + 60_000).toISOString()}`, mine)).body['events'] as Event[];
    assert.ok(inWindow.some((e) => e.workflowId === run.workflowId));
    const future = (await get(`/console/api/audit?since=${new Date(Date.now() + 3_600_000).toISOString()}`, mine)).body['events'] as Event[];
    assert.deepEqual(future, []);
    const day = await get(`/console/api/audit?since=${beforeRun.toISOString().slice(0, 10)}`, mine);
    assert.equal(day.status, 200, 'a plain date is accepted');

    const bad = await get('/console/api/audit?since=yesterday', mine);
    assert.equal(bad.status, 422);
    assert.match(JSON.stringify(bad.body), /since/);
    const reversed = await get(`/console/api/audit?since=${new Date().toISOString()}&until=${beforeRun.toISOString()}`, mine);
    assert.equal(reversed.status, 422);
    assert.match(JSON.stringify(reversed.body), /since must not be after until/);
  });

  it('reports the chain verification for the tenant with when it was verified, from the cache the next time', async () => {
    const first = await get('/console/api/audit/verification', mine);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body['ok'], true);
    assert.ok(Number(first.body['checked']) > 0);
    const verifiedAt = Date.parse(String(first.body['verifiedAt']));
    assert.ok(Number.isFinite(verifiedAt) && Math.abs(Date.now() - verifiedAt) < 60_000);
    const second = await get('/console/api/audit/verification', mine);
    assert.equal(second.body['verifiedAt'], first.body['verifiedAt'], 'a recent verification is reused, not recomputed');
    const theirVerification = await get('/console/api/audit/verification', theirs);
    assert.equal(theirVerification.status, 200);
    assert.equal(theirVerification.body['ok'], true);
    assert.ok(Number(theirVerification.body['checked']) < Number(first.body['checked']), 'the other tenant has its own, shorter chain');
  });
});
