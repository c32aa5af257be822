/**
 * The marketplace end to end on the time-skipping server: listings from signed manifests, the
 * install review run (permissions and risk shown, admin approval, healthcheck, actions enabled by
 * policy), a failing healthcheck, the read-only smoke test (inputs derived from the
 * installation, every failure reported), and disconnect (revoking at the provider).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listAudit } from '../../db/audit-repo';
import { listSecretNames } from '../../db/secrets-repo';
import { startGitHubSimulator, type GitHubSimulator } from '../simulators/github';
import { slackSignature } from '../simulators/slack';
import { useTimeSkippingHarness } from '../support/harness-suite';

const suite = useTimeSkippingHarness();

type Listing = { connectorId: string; status: string; category: string; installable: boolean; safetyNotes: string[]; supportedActions: string[] };
type SmokeSteps = Array<{ step: string; outcome: string; detail: string; durationMs: number }>;
type InstallView = { install: { status: string; enabledActions: string[] }; state?: { status: string; review?: { riskLevel: string; permissionsRequested: string[]; actions: Array<{ actionId: string; decision: string }> }; refusedReviews: unknown[]; healthcheck?: { ok: boolean; detail: string } } };

async function installState(connector: string, until: (v: InstallView) => boolean): Promise<InstallView> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const view = (await suite.h.admin('GET', `/admin/tenants/acme/connectors/${connector}/install`)).body as unknown as InstallView;
    if (until(view)) return view;
    if (Date.now() > deadline) throw new Error(`install of ${connector} stuck: ${JSON.stringify(view)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('marketplace', { concurrency: false }, () => {
  it('lists every connector from its signed manifest, filterable by category and status', async () => {
    const all = (await (await fetch(`${suite.h.runtime.apiUrl}/marketplace/listings`)).json()) as { listings: Listing[] };
    const ids = all.listings.map((l) => l.connectorId).sort();
    assert.deepEqual(ids, ['custom_webhook', 'github', 'gmail', 'google_drive', 'servicenow', 'slack', 'stripe']);
    assert.ok(all.listings.filter((l) => l.status === 'available').every((l) => l.installable));
    const planned = (await (await fetch(`${suite.h.runtime.apiUrl}/marketplace/listings?status=planned`)).json()) as { listings: Listing[] };
    assert.deepEqual(planned.listings.map((l) => l.connectorId).sort(), ['custom_webhook', 'gmail', 'google_drive', 'stripe']);
    const payments = (await (await fetch(`${suite.h.runtime.apiUrl}/marketplace/listings?category=payments_billing`)).json()) as { listings: Listing[] };
    assert.equal(payments.listings[0]?.connectorId, 'stripe');
    assert.ok(payments.listings[0]?.safetyNotes.some((n) => /Blocked by default/.test(n)));
    const one = await fetch(`${suite.h.runtime.apiUrl}/marketplace/listings/listing.servicenow`);
    assert.equal(one.status, 200);
    assert.equal((await fetch(`${suite.h.runtime.apiUrl}/marketplace/listings/nope`)).status, 404);
  });

  it('refuses planned connectors and credentials a connector does not use', async () => {
    const planned = await suite.h.admin('POST', '/admin/tenants/acme/connectors/stripe/install', { requestedBy: 'alice@acme' });
    assert.equal(planned.status, 409);
    const wrong = await suite.h.admin('POST', '/admin/tenants/acme/connectors/slack/install', { requestedBy: 'alice@acme', credentials: { servicenow_password: 'x' } });
    assert.equal(wrong.status, 422);
    assert.match(String((wrong.body.error as { message: string }).message), /servicenow_password/);
  });

  it('installs Slack after review: permissions and risk shown, requester cannot self-approve (refused by the API), healthcheck, actions enabled', async () => {
    const started = await suite.h.admin('POST', '/admin/tenants/acme/connectors/slack/install', { requestedBy: 'alice@acme' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const pending = await installState('slack', (v) => v.state?.status === 'pending_review');
    assert.ok(pending.state?.review?.permissionsRequested.includes('connector_external_write'));
    assert.ok(pending.state?.review?.riskLevel);
    assert.equal(pending.install.status, 'pending_review');

    // The requester's own approval is answered as refused, with why, and never reaches the run.
    const self = await suite.h.admin('POST', '/admin/tenants/acme/connectors/slack/install/review', { reviewer: 'Alice@acme', decision: 'approve' });
    assert.equal(self.status, 403, JSON.stringify(self.body));
    assert.deepEqual(self.body.error, { code: 'self_review', message: 'the requester cannot approve their own install' });
    const approved = await suite.h.admin('POST', '/admin/tenants/acme/connectors/slack/install/review', { reviewer: 'bob@acme', decision: 'approve' });
    assert.equal(approved.status, 202, JSON.stringify(approved.body));
    const enabled = await installState('slack', (v) => v.install.status === 'enabled');
    assert.deepEqual(enabled.state?.refusedReviews, [], 'the refused review was answered by the API, not left to the run');
    // Nothing is waiting for review any more: a late review is refused with the reason.
    const late = await suite.h.admin('POST', '/admin/tenants/acme/connectors/slack/install/review', { reviewer: 'carol@acme', decision: 'reject' });
    assert.equal(late.status, 409, JSON.stringify(late.body));
    assert.equal((late.body.error as { code: string }).code, 'not_pending_review');
    assert.match((late.body.error as { message: string }).message, /not waiting for review \(it is enabled\)/);
    const none = await suite.h.admin('POST', '/admin/tenants/acme/connectors/github/install/review', { reviewer: 'bob@acme', decision: 'approve' });
    assert.equal(none.status, 404);
    assert.equal(enabled.state?.healthcheck?.ok, true, enabled.state?.healthcheck?.detail);
    assert.ok(enabled.install.enabledActions.includes('slack.users.info'));
    const types = (await listAudit(suite.h.db.pool, { tenantId: suite.h.tenant.id, limit: 1000 })).map((e) => e.type);
    for (const t of ['connector.install_requested', 'connector.install_review_refused', 'connector.install_approved', 'connector.healthcheck', 'connector.enabled']) assert.ok(types.includes(t), t);
  });

  it('smoke-tests Slack with inputs derived from the installation, skipping what it names nothing for', async () => {
    const report = await suite.h.admin('POST', '/admin/tenants/acme/connectors/slack/smoke-test', {});
    assert.equal(report.status, 200, JSON.stringify(report.body));
    const steps = report.body.steps as SmokeSteps;
    assert.deepEqual(steps.map((s) => [s.step, s.outcome]), [
      ['healthcheck', 'pass'], ['slack.users.info', 'pass'], ['slack.usergroups.users.list', 'skipped'],
    ], JSON.stringify(steps));
    // users.info of the tenant's first approver, e-mail included (users:read.email).
    assert.match(steps[1]?.detail ?? '', /"id":"U0ALICE0001".*"email":"alice@acme.test"/);
    assert.match(steps[2]?.detail ?? '', /names nothing for this action to read/);
    assert.equal(report.body.passed, true, 'a skipped read does not fail the report');
  });

  it('a failing healthcheck does not enable the connector', async () => {
    await suite.h.admin('POST', '/admin/tenants/acme/connectors/servicenow/install', { requestedBy: 'alice@acme', credentials: { servicenow_password: 'not-the-password' } });
    await installState('servicenow', (v) => v.state?.status === 'pending_review');
    await suite.h.admin('POST', '/admin/tenants/acme/connectors/servicenow/install/review', { reviewer: 'bob@acme', decision: 'approve' });
    const failed = await installState('servicenow', (v) => v.install.status === 'healthcheck_failed');
    assert.match(failed.state?.healthcheck?.detail ?? '', /401/);
    assert.deepEqual(failed.install.enabledActions, []);
  });

  it('smoke-tests read-only actions with timings and writes nothing', async () => {
    const incident = suite.h.createVpnIncident();
    await suite.h.admin('PUT', '/admin/tenants/acme/secrets/servicenow_password', { value: suite.h.secretsUsed[1] });
    suite.h.sn.resetRequestCounts();
    const report = await suite.h.admin('POST', '/admin/tenants/acme/connectors/servicenow/smoke-test', { inputs: { 'servicenow.incident.get': { number: incident.number } } });
    assert.equal(report.status, 200, JSON.stringify(report.body));
    const steps = report.body.steps as SmokeSteps;
    assert.equal(report.body.passed, true, JSON.stringify(steps));
    assert.deepEqual(steps.map((s) => [s.step, s.outcome]), [['healthcheck', 'pass'], ['servicenow.incident.get', 'pass']]);
    assert.ok(steps.every((s) => typeof s.durationMs === 'number'));
    const methods = Object.keys(suite.h.sn.requestCounts()).map((k) => k.split(' ')[0]);
    assert.ok(methods.every((m) => m === 'GET'), `only reads: ${JSON.stringify(suite.h.sn.requestCounts())}`);
  });

  it('installs the GitHub App connector, smoke-tests the repository it names, and revokes its tokens on disconnect (exit gate)', async () => {
    const gh: GitHubSimulator = await startGitHubSimulator();
    try {
      const app = gh.addApp({ appId: 4242 });
      gh.addRepo({ owner: 'acme', name: 'runbooks' });
      gh.addInstallation({ id: 777, account: 'acme', repositories: ['runbooks'], permissions: { pull_requests: 'read', issues: 'read', contents: 'read', metadata: 'read' } });
      gh.addPull({ repo: 'acme/runbooks', title: 'Document the VPN failover' });
      gh.putFile({ repo: 'acme/runbooks', path: 'README.md', content: '# Runbooks\n' });
      const started = await suite.h.admin('POST', '/admin/tenants/acme/connectors/github/install', {
        requestedBy: 'alice@acme', credentials: { github_app_private_key: app.privateKeyPem },
        config: { appId: 4242, installationId: 777, baseUrl: gh.url, owner: 'acme', repo: 'runbooks' },
      });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      await installState('github', (v) => v.state?.status === 'pending_review');
      await suite.h.admin('POST', '/admin/tenants/acme/connectors/github/install/review', { reviewer: 'bob@acme', decision: 'approve' });
      const enabled = await installState('github', (v) => v.install.status === 'enabled' || v.install.status === 'healthcheck_failed');
      assert.equal(enabled.install.status, 'enabled', enabled.state?.healthcheck?.detail);
      assert.ok(enabled.install.enabledActions.includes('github.pulls.list'));
      // No inputs: each read derives one from the install config (acme/runbooks, its README.md).
      const smoke = await suite.h.admin('POST', '/admin/tenants/acme/connectors/github/smoke-test', {});
      const steps = smoke.body.steps as SmokeSteps;
      assert.equal(smoke.body.passed, true, JSON.stringify(steps));
      assert.deepEqual(steps.map((s) => [s.step, s.outcome]), [
        ['healthcheck', 'pass'], ['github.pulls.list', 'pass'], ['github.issues.list', 'pass'], ['github.contents.get', 'pass'],
      ]);
      assert.match(steps.find((s) => s.step === 'github.pulls.list')?.detail ?? '', /"pullRequests":1/);
      assert.match(steps.find((s) => s.step === 'github.contents.get')?.detail ?? '', /"path":"README.md".*"text":"# Runbooks\\n"/);
      assert.ok(!JSON.stringify(smoke.body).includes('PRIVATE KEY'), 'the key never comes back');

      // A repository the installation cannot see is a failure with GitHub's reason, not a pass.
      const missing = await suite.h.admin('POST', '/admin/tenants/acme/connectors/github/smoke-test', {
        inputs: { 'github.issues.list': { owner: 'acme', repo: 'no-such-repo' } },
      });
      const missingSteps = missing.body.steps as SmokeSteps;
      assert.equal(missing.body.passed, false);
      const failed = missingSteps.find((s) => s.step === 'github.issues.list');
      assert.equal(failed?.outcome, 'fail');
      assert.match(failed?.detail ?? '', /GET \/repos\/acme\/no-such-repo\/issues answered HTTP 404: Not Found/);
      assert.equal(missingSteps.find((s) => s.step === 'github.pulls.list')?.outcome, 'pass', 'the other reads still use the install config');

      // Disconnect revokes every installation token Gatehouse minted: GitHub accepts none of them afterwards.
      const minted = gh.issuedTokens();
      assert.ok(minted.length > 0);
      const disconnected = await suite.h.admin('POST', '/admin/tenants/acme/connectors/github/disconnect', { requestedBy: 'bob@acme' });
      assert.equal(disconnected.status, 200, JSON.stringify(disconnected.body));
      assert.equal(disconnected.body.revokedAtProvider, true);
      assert.match(String(disconnected.body.revocationDetail), /^revoked \d+ installation tokens? with DELETE \/installation\/token/);
      for (const token of minted) {
        const answer = await fetch(`${gh.url}/installation/repositories`, { headers: { authorization: `token ${token}`, 'user-agent': 'marketplace-test' } });
        assert.equal(answer.status, 401, 'a token minted before the disconnect is no longer accepted');
      }
      assert.deepEqual((disconnected.body.deletedCredentials as string[]), ['github_app_private_key']);
    } finally {
      await gh.close();
    }
  });

  it('disconnect revokes at the provider, deletes credentials and routes, and is audited', async () => {
    const result = await suite.h.admin('POST', '/admin/tenants/acme/connectors/slack/disconnect', { requestedBy: 'bob@acme' });
    assert.equal(result.status, 200, JSON.stringify(result.body));
    assert.equal(result.body.revokedAtProvider, true);
    assert.deepEqual((result.body.deletedCredentials as string[]).sort(), ['slack_bot_token', 'slack_signing_secret']);
    const names = await listSecretNames(suite.h.db.pool, suite.h.tenant.id);
    assert.ok(!names.includes('slack_bot_token') && !names.includes('slack_signing_secret'));
    // Even correctly signed (with the secret it had), a request to the route is refused now.
    const at = Math.floor(Date.now() / 1000);
    const interactivity = await fetch(suite.h.interactivityUrl, {
      method: 'POST', body: 'payload=%7B%7D',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(at), 'x-slack-signature': slackSignature(suite.h.signingSecret, at, 'payload=%7B%7D') },
    });
    assert.equal(interactivity.status, 401, 'the Slack route is gone');
    const view = await installState('slack', (v) => v.install.status === 'disconnected');
    assert.deepEqual(view.install.enabledActions, []);
    const types = (await listAudit(suite.h.db.pool, { tenantId: suite.h.tenant.id, limit: 1000 })).map((e) => e.type);
    assert.ok(types.includes('connector.disconnected'));
  });
});
