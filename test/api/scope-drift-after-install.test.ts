/**
 * Scope drift after install, end to end on the real stack: a GitHub App connected through its
 * install page and enabled after review; later the organisation owner changes the App's
 * permissions. The next installation token GitHub mints carries them, and Gatehouse notices:
 * a narrower grant disables (and lists) the actions it breaks, a broader one holds the connector
 * until a tenant admin accepts it. Each is audited and posted to the approval channel.
 * Run: node --import tsx --test test/api/scope-drift-after-install.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listAudit } from '../../db/audit-repo';
import { startGitHubSimulator, type GitHubSimulator } from '../simulators/github';
import { channelId } from '../support/harness';
import { useTimeSkippingHarness } from '../support/harness-suite';

const suite = useTimeSkippingHarness();

const APP_ID = 7171;
const SLUG = 'gatehouse-acme-drift';
const DECLARED = { pull_requests: 'read', issues: 'read', contents: 'read' } as const;

type InstallView = { install: { status: string; enabledActions: string[] }; state?: { status: string } };

async function install(): Promise<InstallView> {
  return (await suite.h.admin('GET', '/admin/tenants/acme/connectors/github/install')).body as unknown as InstallView;
}

async function waitForInstall(what: string, until: (v: InstallView) => boolean): Promise<InstallView> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const view = await install();
    if (until(view)) return view;
    if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(view)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function browse(url: string, cookie?: string): Promise<{ status: number; location: string | null; setCookie: string | null; text: string }> {
  const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  return { status: res.status, location: res.headers.get('location'), setCookie: res.headers.get('set-cookie'), text: await res.text() };
}

async function auditOf(type: string) {
  return (await listAudit(suite.h.db.pool, { tenantId: suite.h.tenant.id, limit: 1000 })).filter((e) => e.type === type);
}

/** A smoke test: the reads make the worker's client mint a token, which carries the permissions. */
async function smoke(): Promise<void> {
  const answered = await suite.h.admin('POST', '/admin/tenants/acme/connectors/github/smoke-test', {});
  assert.equal(answered.status, 200, JSON.stringify(answered.body));
}

describe('scope drift after install', { concurrency: false }, () => {
  let gh: GitHubSimulator;
  let installationId = 0;

  before(async () => {
    gh = await startGitHubSimulator();
    // Shorter than the client's 5-minute renewal margin: every call mints, so every call sees the permissions.
    gh.setInstallationTokenLifetimeSeconds(60);
    const setupUrl = `${suite.h.runtime.apiUrl}/oauth/github/setup`;
    const app = gh.addApp({ appId: APP_ID, slug: SLUG, setupUrl, installTarget: 'acme', requestedPermissions: { ...DECLARED } });
    gh.addRepo({ owner: 'acme', name: 'runbooks' });
    gh.putFile({ repo: 'acme/runbooks', path: 'README.md', content: '# Runbooks\n' });
    const registered = await suite.h.admin('PUT', '/admin/tenants/acme/app-registrations/github', {
      createdBy: 'alice@acme', appId: APP_ID, slug: SLUG, privateKey: { value: app.privateKeyPem }, webUrl: gh.url,
    });
    assert.equal(registered.status, 200, JSON.stringify(registered.body));

    const started = await suite.h.admin('POST', '/admin/tenants/acme/connectors/github/authorize', {
      requestedBy: 'alice@acme', config: { baseUrl: gh.url, owner: 'acme', repo: 'runbooks' },
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const opened = await browse(String(started.body.startUrl));
    const cookie = (opened.setCookie ?? '').split(';')[0]!;
    const installed = await browse(opened.location ?? '');
    const setup = new URL(installed.location ?? '');
    installationId = Number(setup.searchParams.get('installation_id'));
    const page = await browse(setup.toString(), cookie);
    assert.equal(page.status, 200, page.text);
    await waitForInstall('the review is waiting', (v) => v.state?.status === 'pending_review');
    const reviewed = await suite.h.admin('POST', '/admin/tenants/acme/connectors/github/install/review', { reviewer: 'bob@acme', decision: 'approve' });
    assert.equal(reviewed.status, 202, JSON.stringify(reviewed.body));
    const enabled = await waitForInstall('the install is enabled', (v) => v.install.status === 'enabled');
    assert.ok(enabled.install.enabledActions.includes('github.contents.get'));
  });
  after(async () => {
    await gh?.close();
  });

  it('an unchanged grant changes nothing', async () => {
    await smoke();
    const view = await install();
    assert.equal(view.install.status, 'enabled');
    assert.ok(view.install.enabledActions.includes('github.contents.get'));
    assert.equal((await auditOf('connector.scope_drift_narrowed')).length + (await auditOf('connector.scope_drift_held')).length, 0);
  });

  it('a narrower grant disables the actions it breaks, lists them, and tells the approval channel', async () => {
    gh.setInstallationPermissions(installationId, { pull_requests: 'read', issues: 'read' });
    await smoke();
    const view = await waitForInstall('contents.get disabled', (v) => !v.install.enabledActions.includes('github.contents.get'));
    assert.equal(view.install.status, 'enabled', 'the rest of the connector keeps working');
    assert.ok(view.install.enabledActions.includes('github.issues.list'));
    assert.ok(view.install.enabledActions.includes('github.pulls.list'));
    const [event] = await auditOf('connector.scope_drift_narrowed');
    assert.deepEqual((event?.detail['disabledActions'] as Array<{ actionId: string }>).map((a) => a.actionId), ['github.contents.get']);
    const posted = suite.h.slack.messages(channelId).map((m) => m.text ?? '');
    assert.ok(posted.some((t) => /no longer grants contents:read/.test(t) && /github\.contents\.get/.test(t)), JSON.stringify(posted));
  });

  it('a broader grant holds the connector until a tenant admin accepts it', async () => {
    gh.setInstallationPermissions(installationId, { pull_requests: 'read', issues: 'write' });
    await smoke();
    await waitForInstall('held for review', (v) => v.install.status === 'held_scope_review');
    const [held] = await auditOf('connector.scope_drift_held');
    assert.deepEqual(held?.detail['broader'], ['issues:write']);
    const posted = suite.h.slack.messages(channelId).map((m) => m.text ?? '');
    assert.ok(posted.some((t) => /more than its manifest declares \(issues:write\)/.test(t) && /scopes\/accept/.test(t)), JSON.stringify(posted));

    const accepted = await suite.h.admin('POST', '/admin/tenants/acme/connectors/github/scopes/accept', { reviewer: 'bob@acme' });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.deepEqual(accepted.body['acceptedScopes'], ['issues:write']);
    const view = await install();
    assert.equal(view.install.status, 'enabled');
    assert.ok(!view.install.enabledActions.includes('github.contents.get'), 'still not granted, still disabled');
    assert.equal((await auditOf('connector.scope_drift_accepted'))[0]?.actor, 'bob@acme');

    const again = await suite.h.admin('POST', '/admin/tenants/acme/connectors/github/scopes/accept', { reviewer: 'bob@acme' });
    assert.equal(again.status, 409, JSON.stringify(again.body));
    // The accepted grant is the one on record: the next token with it changes nothing.
    await smoke();
    assert.equal((await install()).install.status, 'enabled');
    assert.equal((await auditOf('connector.scope_drift_held')).length, 1);
  });
});
