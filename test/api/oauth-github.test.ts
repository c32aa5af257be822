/**
 * Connecting GitHub by installing the tenant's own GitHub App through the browser, end to end on
 * the real stack: the app registration, the start link and binding cookie, GitHub's install page
 * and its redirect to /oauth/github/setup, the installation verified with the App's JWT (a forged
 * installation id of another App is refused), the install review and enabling, installation
 * tokens reused across reads, a state mismatch, scope drift both ways (a narrower grant enables
 * the connector without the actions it cannot serve), and no installation token or App private
 * key in anything the admin or the operator can read.
 * Run: node --import tsx --test test/api/oauth-github.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listAudit } from '../../db/audit-repo';
import { startGitHubSimulator, type GitHubSimulator } from '../simulators/github';
import { useTimeSkippingHarness } from '../support/harness-suite';

const suite = useTimeSkippingHarness();

const APP_ID = 6161;
const SLUG = 'gatehouse-acme';
const OTHER_APP_ID = 6262;
const OTHER_INSTALLATION = 9090;
const BINDING_COOKIE = 'gatehouse_oauth_binding';
const KEY_ENV = 'GATEHOUSE_TENANT_SECRET_ACME_GITHUB_APP_KEY';

/** Every body this file received from Gatehouse, for the secret scan. */
const bodies: string[] = [];
/** Every installation token GitHub handed Gatehouse (seen on the token endpoint's answers). */
const mintedTokens = new Set<string>();

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await suite.h.admin(method, path, body);
  bodies.push(JSON.stringify(answer.body));
  return answer;
}

type SmokeSteps = Array<{ step: string; outcome: string; detail: string }>;
type InstallView = {
  install: { status: string; enabledActions: string[]; config?: Record<string, unknown> };
  state?: {
    status: string;
    review?: { actions: Array<{ actionId: string; decision: string; reason: string }>; scopeDrift?: { broader: string[]; missing: string[]; disabledActions: Array<{ actionId: string }> } };
    refusedReviews: Array<{ reviewer: string; reason: string }>;
    healthcheck?: { ok: boolean; detail: string };
  };
};

async function installState(until: (v: InstallView) => boolean): Promise<InstallView> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const view = (await admin('GET', '/admin/tenants/acme/connectors/github/install')).body as unknown as InstallView;
    if (until(view)) return view;
    if (Date.now() > deadline) throw new Error(`install of github stuck: ${JSON.stringify(view)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function browse(url: string, cookie?: string): Promise<{ status: number; text: string; location: string | null; setCookie: string | null }> {
  const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const text = await res.text();
  if (url.startsWith(suite.h.runtime.apiUrl)) bodies.push(text);
  return { status: res.status, text, location: res.headers.get('location'), setCookie: res.headers.get('set-cookie') };
}

describe('GitHub App install through the browser', { concurrency: false }, () => {
  let gh: GitHubSimulator;
  let setupUrl = '';
  let privateKeyPem = '';
  const realFetch = globalThis.fetch;

  before(async () => {
    // Gatehouse runs in this process: note every installation token GitHub hands it, for the scan.
    globalThis.fetch = async (input, init) => {
      const res = await realFetch(input, init);
      const url = input instanceof Request ? input.url : String(input);
      const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
      if (method === 'POST' && /\/app\/installations\/\d+\/access_tokens$/.test(new URL(url).pathname) && res.ok) {
        const body = (await res.clone().json().catch(() => ({}))) as { token?: unknown };
        if (typeof body.token === 'string') mintedTokens.add(body.token);
      }
      return res;
    };
    gh = await startGitHubSimulator();
    setupUrl = `${suite.h.runtime.apiUrl}/oauth/github/setup`;
    const app = gh.addApp({
      appId: APP_ID, slug: SLUG, setupUrl, installTarget: 'acme',
      requestedPermissions: { pull_requests: 'read', issues: 'read', contents: 'read' },
    });
    privateKeyPem = app.privateKeyPem;
    gh.addApp({ appId: OTHER_APP_ID, slug: 'someone-else' });
    gh.addInstallation({ id: OTHER_INSTALLATION, appId: OTHER_APP_ID, account: 'acme', repositories: 'all', permissions: { contents: 'read' } });
    gh.addRepo({ owner: 'acme', name: 'runbooks' });
    gh.addPull({ repo: 'acme/runbooks', title: 'Document the VPN failover' });
    gh.putFile({ repo: 'acme/runbooks', path: 'README.md', content: '# Runbooks\n' });
    const registered = await admin('PUT', '/admin/tenants/acme/app-registrations/github', {
      createdBy: 'alice@acme', appId: APP_ID, slug: SLUG, privateKey: { value: app.privateKeyPem }, webUrl: gh.url,
    });
    assert.equal(registered.status, 200, JSON.stringify(registered.body));
    assert.ok(!JSON.stringify(registered.body).includes('PRIVATE KEY'));
  });
  after(async () => {
    globalThis.fetch = realFetch;
    delete process.env[KEY_ENV];
    await gh?.close();
  });

  /** Start link → binding cookie → GitHub's install page, as a browser. */
  async function beginInstall(): Promise<{ cookie: string; installPage: URL }> {
    const started = await admin('POST', '/admin/tenants/acme/connectors/github/authorize', {
      requestedBy: 'alice@acme', config: { baseUrl: gh.url, owner: 'acme', repo: 'runbooks' },
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    assert.equal(started.body.redirectUri, setupUrl);
    const opened = await browse(String(started.body.startUrl));
    assert.equal(opened.status, 303, opened.text);
    assert.match(opened.setCookie ?? '', new RegExp(`^${BINDING_COOKIE}=.*HttpOnly`, 'i'));
    const installPage = new URL(opened.location ?? '');
    assert.equal(`${installPage.origin}${installPage.pathname}`, `${gh.url}/apps/${SLUG}/installations/new`);
    assert.ok(installPage.searchParams.get('state'));
    return { cookie: (opened.setCookie ?? '').split(';')[0]!, installPage };
  }

  /** The install page installs and sends the browser to the setup URL. */
  async function installAtGitHub(installPage: URL): Promise<URL> {
    const visited = await browse(installPage.toString());
    assert.equal(visited.status, 302, visited.text);
    const setup = new URL(visited.location ?? '');
    assert.equal(`${setup.origin}${setup.pathname}`, setupUrl);
    assert.equal(setup.searchParams.get('setup_action'), 'install');
    return setup;
  }

  async function connect(): Promise<{ installationId: number; page: string }> {
    const { cookie, installPage } = await beginInstall();
    const setup = await installAtGitHub(installPage);
    const done = await browse(setup.toString(), cookie);
    assert.equal(done.status, 200, done.text);
    assert.match(done.text, /Connected/);
    return { installationId: Number(setup.searchParams.get('installation_id')), page: done.text };
  }

  it('installs the App through its install page, verifies the installation, and enables the connector after review; reads reuse one token', async () => {
    const { installationId, page } = await connect();
    const pending = await installState((v) => v.state?.status === 'pending_review');
    assert.deepEqual(pending.install.config, { baseUrl: gh.url, owner: 'acme', repo: 'runbooks', appId: String(APP_ID), installationId });
    assert.deepEqual(pending.state?.review?.scopeDrift?.broader, []);
    assert.deepEqual(pending.state?.review?.scopeDrift?.missing, []);
    assert.doesNotMatch(page, /Not granted|granted more/);

    const approved = await admin('POST', '/admin/tenants/acme/connectors/github/install/review', { reviewer: 'bob@acme', decision: 'approve' });
    assert.equal(approved.status, 202, JSON.stringify(approved.body));
    const enabled = await installState((v) => v.install.status === 'enabled' || v.install.status === 'healthcheck_failed');
    assert.equal(enabled.install.status, 'enabled', enabled.state?.healthcheck?.detail);
    assert.ok(enabled.install.enabledActions.includes('github.contents.get'));

    const smoke = async (): Promise<void> => {
      const report = await admin('POST', '/admin/tenants/acme/connectors/github/smoke-test', {});
      assert.equal(report.body.passed, true, JSON.stringify(report.body));
      assert.deepEqual((report.body.steps as SmokeSteps).map((s) => [s.step, s.outcome]), [
        ['healthcheck', 'pass'], ['github.pulls.list', 'pass'], ['github.issues.list', 'pass'], ['github.contents.get', 'pass'],
      ]);
    };
    // The healthcheck minted the installation's first token; every read since uses it.
    assert.equal(gh.tokenMintCount(installationId), 1);
    await smoke();
    await smoke();
    assert.equal(gh.tokenMintCount(installationId), 1, 'two smoke tests (a healthcheck and three reads each) reused the one installation token');

    const types = (await listAudit(suite.h.db.pool, { tenantId: suite.h.tenant.id, limit: 1000 })).map((e) => e.type);
    for (const t of ['connector.authorization_started', 'connector.authorized', 'connector.install_approved', 'connector.enabled']) assert.ok(types.includes(t), t);
  });

  it('refuses a forged installation id that belongs to another App', async () => {
    const { cookie, installPage } = await beginInstall();
    const forged = new URL(setupUrl);
    forged.searchParams.set('installation_id', String(OTHER_INSTALLATION));
    forged.searchParams.set('setup_action', 'install');
    forged.searchParams.set('state', installPage.searchParams.get('state')!);
    const answered = await browse(forged.toString(), cookie);
    assert.equal(answered.status, 400, answered.text);
    assert.match(answered.text, /Authorisation refused/);
    assert.match(answered.text, new RegExp(`${OTHER_INSTALLATION}`));
    const events = await listAudit(suite.h.db.pool, { tenantId: suite.h.tenant.id, limit: 1000 });
    assert.ok(events.some((e) => e.type === 'connector.authorization_refused' && e.outcome === 'installation_not_verified'), JSON.stringify(events.map((e) => [e.type, e.outcome])));
    // The state is spent: the real installation cannot complete it afterwards.
    const setup = await installAtGitHub(installPage);
    assert.equal((await browse(setup.toString(), cookie)).status, 400);
    const view = await installState(() => true);
    assert.equal(view.install.status, 'enabled', 'the enabled install was left alone');
  });

  it('refuses a setup redirect whose state does not match the flow', async () => {
    const { cookie, installPage } = await beginInstall();
    const setup = await installAtGitHub(installPage);
    setup.searchParams.set('state', 'not-the-state');
    const answered = await browse(setup.toString(), cookie);
    assert.equal(answered.status, 400, answered.text);
    assert.match(answered.text, /unknown state/);
    // Without the binding cookie the real state is refused too.
    setup.searchParams.set('state', installPage.searchParams.get('state')!);
    const noCookie = await browse(setup.toString());
    assert.equal(noCookie.status, 400, noCookie.text);
    assert.match(noCookie.text, /another browser/);
  });

  it('holds a broader grant for explicit acceptance', async () => {
    gh.setNextInstallation({ permissions: { pull_requests: 'read', issues: 'write', contents: 'read' } });
    const { page } = await connect();
    assert.match(page, /granted more than the manifest declares: issues:write/);
    const pending = await installState((v) => v.state?.status === 'pending_review');
    assert.deepEqual(pending.state?.review?.scopeDrift?.broader, ['issues:write']);

    await admin('POST', '/admin/tenants/acme/connectors/github/install/review', { reviewer: 'bob@acme', decision: 'approve' });
    const refused = await installState((v) => (v.state?.refusedReviews.length ?? 0) > 0);
    assert.equal(refused.state?.status, 'pending_review');
    assert.match(refused.state?.refusedReviews[0]?.reason ?? '', /acceptBroaderScopes/);

    await admin('POST', '/admin/tenants/acme/connectors/github/install/review', { reviewer: 'bob@acme', decision: 'approve', acceptBroaderScopes: true });
    const enabled = await installState((v) => v.install.status === 'enabled' || v.install.status === 'healthcheck_failed');
    assert.equal(enabled.install.status, 'enabled', enabled.state?.healthcheck?.detail);
  });

  it('disables and lists the actions a narrower grant cannot serve', async () => {
    gh.setNextInstallation({ permissions: { pull_requests: 'read', issues: 'read' } });
    const { page } = await connect();
    assert.match(page, /Not granted: contents:read\. These actions will stay disabled: github\.contents\.get/);
    const pending = await installState((v) => v.state?.status === 'pending_review');
    const contents = pending.state?.review?.actions.find((a) => a.actionId === 'github.contents.get');
    assert.equal(contents?.decision, 'blocked');
    assert.match(contents?.reason ?? '', /did not grant contents:read/);

    assert.deepEqual(pending.state?.review?.scopeDrift?.missing, ['contents:read']);
    assert.deepEqual(pending.state?.review?.scopeDrift?.disabledActions.map((a) => a.actionId), ['github.contents.get']);
    assert.ok(pending.state?.review?.actions.filter((a) => a.actionId !== 'github.contents.get').every((a) => a.decision !== 'blocked' || !/did not grant/.test(a.reason)));

    // Approved, the connector is enabled without the action the grant cannot serve; the
    // healthcheck does not demand the permission the install was accepted without.
    const approved = await admin('POST', '/admin/tenants/acme/connectors/github/install/review', { reviewer: 'carol@acme', decision: 'approve' });
    assert.equal(approved.status, 202, JSON.stringify(approved.body));
    const enabled = await installState((v) => v.install.status === 'enabled' || v.install.status === 'healthcheck_failed');
    assert.equal(enabled.install.status, 'enabled', enabled.state?.healthcheck?.detail);
    assert.ok(!enabled.install.enabledActions.includes('github.contents.get'), JSON.stringify(enabled.install.enabledActions));
    for (const id of ['github.pulls.list', 'github.issues.list']) assert.ok(enabled.install.enabledActions.includes(id), id);

    const report = await admin('POST', '/admin/tenants/acme/connectors/github/smoke-test', {});
    const steps = report.body.steps as SmokeSteps;
    for (const step of ['healthcheck', 'github.pulls.list', 'github.issues.list']) {
      assert.equal(steps.find((s) => s.step === step)?.outcome, 'pass', `${step}: ${JSON.stringify(steps)}`);
    }
  });

  it('signs with the private key wherever the app registration keeps it', async () => {
    process.env[KEY_ENV] = privateKeyPem;
    const moved = await admin('PUT', '/admin/tenants/acme/app-registrations/github', {
      createdBy: 'alice@acme', appId: APP_ID, slug: SLUG, privateKey: { env: KEY_ENV }, webUrl: gh.url,
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const names = (await suite.h.db.pool.query<{ name: string }>('SELECT name FROM tenant_secrets WHERE tenant_id = $1', [suite.h.tenant.id])).rows.map((r) => r.name);
    assert.ok(!names.includes('github_app_private_key'), 'no sealed copy is left');
    const report = await admin('POST', '/admin/tenants/acme/connectors/github/smoke-test', {});
    const steps = report.body.steps as SmokeSteps;
    assert.equal(steps[0]?.step, 'healthcheck');
    assert.doesNotMatch(steps[0]?.detail ?? '', /github_app_private_key|no .*app registration/, JSON.stringify(steps));
    assert.equal(steps.find((s) => s.step === 'github.pulls.list')?.outcome, 'pass', JSON.stringify(steps));
  });

  it('never shows an installation token or the App private key in a response, a log line or the audit trail', async () => {
    for (const token of gh.issuedTokens()) mintedTokens.add(token);
    assert.ok(mintedTokens.size >= 1, `tokens seen: ${mintedTokens.size}`);
    assert.ok(suite.h.logLines.length > 0, 'the API and worker logs were captured');
    const audit = JSON.stringify(await listAudit(suite.h.db.pool, { limit: 5000 }));
    const places: Array<[string, string]> = [['responses', bodies.join('\n')], ['logs', suite.h.logLines.join('')], ['audit', audit]];
    // The key's base64 body (any line of it), not just its armour, must not appear anywhere.
    const keyLines = privateKeyPem.split('\n').filter((line) => line.length >= 40 && !line.startsWith('-----'));
    assert.ok(keyLines.length > 0);
    for (const [where, text] of places) {
      assert.ok(!text.includes('PRIVATE KEY'), `a private key appears in ${where}`);
      for (const line of keyLines) assert.ok(!text.includes(line), `the App private key appears in ${where}`);
      for (const token of mintedTokens) assert.ok(!text.includes(token), `an installation token appears in ${where}`);
    }
  });
});
