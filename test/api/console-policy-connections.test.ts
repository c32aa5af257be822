/**
 * The console's policy and connections API on the real stack: a viewer reads the policy but
 * cannot save it or disconnect anything (403); an invalid document is a 422 naming the field by
 * its path; simulating a draft shows the decision it changes before anything is stored; saving
 * stores a revision audited with the account; a smoke test reports each step with its timing and
 * becomes the last healthcheck; the disconnect preview lists what will be deleted and revoked; a
 * disconnect without the right confirmation is refused (422), with it the connector is
 * disconnected and the audit names the account. A connection held because the provider widened
 * its grant shows the scopes to accept, and an admin (not a viewer) accepts it once.
 * Run: node --import tsx --test test/api/console-policy-connections.test.ts
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { listAudit } from '../../db/audit-repo';
import { upsertPendingInstall, updateInstall } from '../../db/installs-repo';
import { useTimeSkippingHarness } from '../support/harness-suite';

const suite = useTimeSkippingHarness();

interface Signed { cookie: string; csrf: string }
type Body = Record<string, unknown>;

async function call(method: string, path: string, opts: { body?: unknown; as?: Signed } = {}): Promise<{ status: number; body: Body }> {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.as) {
    headers['cookie'] = opts.as.cookie;
    headers['x-csrf-token'] = opts.as.csrf;
  }
  const res = await fetch(`${suite.h.runtime.apiUrl}${path}`, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) as Body : {} };
}

async function signIn(email: string, password: string): Promise<Signed> {
  const res = await fetch(`${suite.h.runtime.apiUrl}/console/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: suite.h.tenant.slug, email, password }),
  });
  const body = await res.json() as Body;
  assert.equal(res.status, 200, JSON.stringify(body));
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, csrf: String(body['csrfToken']) };
}

type SimAction = { actionId: string; changed: boolean; draft: { decision: string; rule: string }; inForce?: { decision: string } };

describe('console policy and connections', { concurrency: false }, () => {
  const admin = { email: 'pat.admin@acme.example', password: 'a long enough admin password' };
  const viewer = { email: 'val.viewer@acme.example', password: 'a long enough viewer password' };
  let ada: Signed;
  let vic: Signed;

  before(async () => {
    for (const [account, role] of [[admin, 'admin'], [viewer, 'viewer']] as const) {
      const created = await suite.h.admin('POST', `/admin/tenants/${suite.h.tenant.slug}/accounts`, { ...account, role });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    ada = await signIn(admin.email, admin.password);
    vic = await signIn(viewer.email, viewer.password);
    await upsertPendingInstall(suite.h.db.pool, {
      tenantId: suite.h.tenant.id, connectorId: 'slack', manifestVersion: '1.0.0', config: {}, credentialNames: [], requestedBy: admin.email, workflowId: 'install-console-slack',
    });
    await updateInstall(suite.h.db.pool, suite.h.tenant.id, 'slack', { status: 'enabled', enabledActions: ['slack.users.info'], reviewedBy: 'someone else', detail: { message: 'enabled' } });
  });

  it('a viewer reads the policy and simulates, but cannot save it (403)', async () => {
    const read = await call('GET', '/console/api/policy', { as: vic });
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.equal(read.body['canSave'], false);
    assert.ok(read.body['policy'] && typeof read.body['policy'] === 'object');
    const save = await call('PUT', '/console/api/policy', { as: vic, body: read.body['policy'] });
    assert.equal(save.status, 403);
    assert.equal((save.body['error'] as { code: string }).code, 'forbidden');
    assert.equal((await call('POST', '/console/api/policy/simulate', { as: vic, body: {} })).status, 200);
  });

  it('an invalid draft is a 422 naming the field by its path, for saving and simulating alike', async () => {
    const { body } = await call('GET', '/console/api/policy', { as: ada });
    const policy = structuredClone(body['policy']) as { tiers: { high: { quorum: number } } };
    policy.tiers.high.quorum = 0;
    for (const [method, path, payload] of [['PUT', '/console/api/policy', policy], ['POST', '/console/api/policy/simulate', { policy }]] as const) {
      const answer = await call(method, path, { as: ada, body: payload });
      assert.equal(answer.status, 422, JSON.stringify(answer.body));
      const issues = answer.body['issues'] as Array<{ path: string; message: string }>;
      assert.ok(issues.some((i) => i.path === 'tiers.high.quorum' && /1/.test(i.message)), JSON.stringify(issues));
    }
    const revisions = (await call('GET', '/console/api/policy', { as: ada })).body['revisions'] as unknown[];
    assert.deepEqual(revisions, [], 'nothing was stored');
  });

  it('simulating a draft shows the decision it changes; saving stores a revision audited with the account', async () => {
    const { body } = await call('GET', '/console/api/policy', { as: ada });
    const draft = structuredClone(body['policy']) as { actions?: Record<string, unknown> };
    draft.actions = { ...(draft.actions ?? {}), 'slack.users.info': { mode: 'block' } };
    const sim = await call('POST', '/console/api/policy/simulate', { as: ada, body: { policy: draft } });
    assert.equal(sim.status, 200, JSON.stringify(sim.body));
    const slack = (sim.body['connectors'] as Array<{ connectorId: string; actions: SimAction[] }>).find((c) => c.connectorId === 'slack');
    const usersInfo = slack?.actions.find((a) => a.actionId === 'slack.users.info');
    assert.ok(usersInfo, JSON.stringify(sim.body));
    assert.equal(usersInfo.changed, true);
    assert.notEqual(usersInfo.inForce?.decision, 'blocked');
    assert.equal(usersInfo.draft.decision, 'blocked');
    assert.ok(slack!.actions.filter((a) => a.actionId !== 'slack.users.info').every((a) => !a.changed), 'nothing else changes');
    assert.equal((await call('GET', '/console/api/policy', { as: ada })).body['revision'], 0, 'simulating stores nothing');

    const saved = await call('PUT', '/console/api/policy', { as: ada, body: draft });
    assert.equal(saved.status, 201, JSON.stringify(saved.body));
    const after = await call('GET', '/console/api/policy', { as: vic });
    assert.equal(after.body['revision'], saved.body['revision']);
    assert.deepEqual((after.body['revisions'] as Array<{ createdBy: string }>).map((r) => r.createdBy), [admin.email]);
    const audit = await listAudit(suite.h.db.pool, { tenantId: suite.h.tenant.id, type: 'policy.updated' });
    assert.equal(audit.at(-1)?.actor, admin.email);
  });

  it('lists connections with their last healthcheck; an admin smoke-tests one (a viewer may not)', async () => {
    assert.equal((await call('POST', '/console/api/connectors/slack/smoke-test', { as: vic, body: {} })).status, 403);
    const smoke = await call('POST', '/console/api/connectors/slack/smoke-test', { as: ada, body: {} });
    assert.equal(smoke.status, 200, JSON.stringify(smoke.body));
    const steps = smoke.body['steps'] as Array<{ step: string; outcome: string; durationMs: number }>;
    assert.equal(steps[0]?.step, 'healthcheck');
    assert.ok(steps.every((s) => ['pass', 'fail', 'skipped'].includes(s.outcome) && typeof s.durationMs === 'number'));
    assert.equal(smoke.body['wroteAnything'], false);
    const list = await call('GET', '/console/api/connections', { as: vic });
    assert.equal(list.status, 200);
    const slack = (list.body['connections'] as Array<{ connectorId: string; status: string; lastHealthcheck: { outcome: string; source: string } | null }>).find((c) => c.connectorId === 'slack');
    assert.equal(slack?.status, 'enabled');
    assert.equal(slack?.lastHealthcheck?.source, 'smoke_test');
    assert.equal(slack?.lastHealthcheck?.outcome, steps[0]?.outcome);
    const audit = await listAudit(suite.h.db.pool, { tenantId: suite.h.tenant.id, type: 'connector.smoke_test' });
    assert.equal(audit.at(-1)?.actor, admin.email);
  });

  it('shows a connection held for a widened grant with the scopes to accept; an admin accepts it (a viewer may not), once', async () => {
    // What the grant-change check records when the provider starts granting more after install.
    const drift = { granted: ['users:read', 'chat:write', 'channels:history'], declared: ['users:read', 'chat:write'], broader: ['channels:history'], missing: [], disabledActions: [] };
    await updateInstall(suite.h.db.pool, suite.h.tenant.id, 'slack', { status: 'held_scope_review', detail: { pendingScopeDrift: drift } });
    const list = await call('GET', '/console/api/connections', { as: vic });
    const slack = (list.body['connections'] as Array<{ connectorId: string; status: string; heldFor: string[]; grant: unknown }>).find((c) => c.connectorId === 'slack');
    assert.equal(slack?.status, 'held_scope_review');
    assert.deepEqual(slack?.heldFor, ['channels:history']);
    assert.equal(slack?.grant, null, 'an install with pasted credentials has no OAuth grant to show');

    assert.equal((await call('POST', '/console/api/connectors/slack/scopes/accept', { as: vic, body: {} })).status, 403);
    const accepted = await call('POST', '/console/api/connectors/slack/scopes/accept', { as: ada, body: {} });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.deepEqual(accepted.body['acceptedScopes'], ['channels:history']);
    const after = (await call('GET', '/console/api/connections', { as: vic })).body['connections'] as Array<{ connectorId: string; status: string; heldFor: string[] }>;
    assert.equal(after.find((c) => c.connectorId === 'slack')?.status, 'enabled');
    const audit = await listAudit(suite.h.db.pool, { tenantId: suite.h.tenant.id, type: 'connector.scope_drift_accepted' });
    assert.equal(audit.at(-1)?.actor, admin.email);
    const again = await call('POST', '/console/api/connectors/slack/scopes/accept', { as: ada, body: {} });
    assert.equal(again.status, 409, JSON.stringify(again.body));
  });

  it('previews a disconnect: the credentials, grant and route tokens deleted, and what is revoked at the provider', async () => {
    const preview = await call('GET', '/console/api/connectors/slack/disconnect-preview', { as: vic });
    assert.equal(preview.status, 200, JSON.stringify(preview.body));
    const deleted = preview.body['deleted'] as { credentials: string[]; oauthGrant: boolean; routeTokens: number };
    assert.ok(Array.isArray(deleted.credentials) && typeof deleted.oauthGrant === 'boolean' && typeof deleted.routeTokens === 'number');
    assert.ok(deleted.credentials.every((n) => n.startsWith('slack_')), JSON.stringify(deleted.credentials));
    const revoked = preview.body['revoked'] as { atProvider: boolean; description: string };
    assert.equal(typeof revoked.atProvider, 'boolean');
    assert.ok(revoked.description.length > 10);
    assert.equal(preview.body['confirmWith'], 'slack');
    assert.equal((await call('GET', '/console/api/connectors/nope/disconnect-preview', { as: vic })).status, 404);
  });

  it('refuses a viewer\'s disconnect (403) and one without the right confirmation (422); with it, disconnects and audits the account', async () => {
    assert.equal((await call('POST', '/console/api/connectors/slack/disconnect', { as: vic, body: { confirm: 'slack' } })).status, 403);
    for (const body of [{}, { confirm: 'Slack' }, { confirm: 'github' }]) {
      const refused = await call('POST', '/console/api/connectors/slack/disconnect', { as: ada, body });
      assert.equal(refused.status, 422, JSON.stringify(refused.body));
      assert.equal((refused.body['error'] as { code: string }).code, 'confirmation_mismatch');
    }
    const list = await call('GET', '/console/api/connections', { as: ada });
    assert.equal((list.body['connections'] as Array<{ connectorId: string; status: string }>).find((c) => c.connectorId === 'slack')?.status, 'enabled', 'still connected');

    const done = await call('POST', '/console/api/connectors/slack/disconnect', { as: ada, body: { confirm: 'slack' } });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body['status'], 'disconnected');
    const after = await call('GET', '/console/api/connections', { as: ada });
    assert.equal((after.body['connections'] as Array<{ connectorId: string; status: string }>).find((c) => c.connectorId === 'slack')?.status, 'disconnected');
    const audit = await listAudit(suite.h.db.pool, { tenantId: suite.h.tenant.id, type: 'connector.disconnected' });
    assert.equal(audit.at(-1)?.actor, admin.email);
    assert.equal((audit.at(-1)?.detail as { connectorId: string }).connectorId, 'slack');
  });
});
