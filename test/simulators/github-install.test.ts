/**
 * The GitHub simulator's App install flow and token lifetimes: the install page and its redirect
 * to the setup URL, permission grants and changes, uninstall, token expiry and mint counts.
 * Driven with plain `fetch` and a hand-signed app JWT, plus @octokit/app once to check that a
 * real client can use an installation made through the install page.
 * Run: node --import tsx --test test/simulators/github-install.test.ts
 */
import assert from 'node:assert/strict';
import { sign } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { loadOctokit } from '../../connectors/github/octokit-modules';
import { startGitHubSimulator, type GitHubSimulator, type Permissions } from './github';

const START_MS = Date.parse('2025-09-01T12:00:00Z');
const APP_ID = 5151;
const SLUG = 'gatehouse-install-sim';
const SETUP_URL = 'https://gatehouse.example/github/setup';
const REQUESTED: Permissions = { contents: 'read', issues: 'write' };

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function signJwt(privateKeyPem: string, claims: Record<string, unknown>): string {
  const unsigned = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url(claims)}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), privateKeyPem).toString('base64url')}`;
}

function field(value: unknown, name: string): unknown {
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), `expected an object, got ${JSON.stringify(value)}`);
  return (value as Record<string, unknown>)[name];
}

describe('GitHub simulator: App install flow and token lifetimes', () => {
  let gh: GitHubSimulator;
  let nowMs = START_MS;
  let privateKeyPem = '';

  async function call(method: string, path: string, auth?: string): Promise<Answer> {
    const headers: Record<string, string> = { 'user-agent': 'gatehouse-test', accept: 'application/vnd.github+json' };
    if (auth) headers.authorization = auth;
    const res = await fetch(`${gh.url}${path}`, { method, headers });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
  }

  function appJwt(): string {
    const now = Math.floor(nowMs / 1000);
    return `bearer ${signJwt(privateKeyPem, { iat: now - 30, exp: now + 570, iss: APP_ID })}`;
  }

  /** Visits the install page the way a browser would, without following the redirect. */
  async function visitInstallPage(query = '', slug = SLUG): Promise<{ status: number; location: string | null; text: string }> {
    const res = await fetch(`${gh.url}/apps/${slug}/installations/new${query}`, { redirect: 'manual' });
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }

  /** Installs through the page and returns the new installation id from the setup redirect. */
  async function install(): Promise<number> {
    const visit = await visitInstallPage();
    assert.equal(visit.status, 302, visit.text);
    return Number(new URL(visit.location ?? '').searchParams.get('installation_id'));
  }

  async function mint(installationId: number): Promise<Answer> {
    return call('POST', `/app/installations/${installationId}/access_tokens`, appJwt());
  }

  async function token(installationId: number): Promise<string> {
    const answer = await mint(installationId);
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return String(field(answer.body, 'token'));
  }

  before(async () => {
    gh = await startGitHubSimulator({ now: () => new Date(nowMs) });
    privateKeyPem = gh.addApp({ appId: APP_ID, slug: SLUG, setupUrl: SETUP_URL, requestedPermissions: REQUESTED }).privateKeyPem;
    gh.addApp({ appId: 5152, slug: 'no-setup-url' });
    gh.addRepo({ owner: 'gatehouse-sim', name: 'widgets' });
    gh.addRepo({ owner: 'gatehouse-sim', name: 'gadgets' });
  });
  after(() => gh.close());
  beforeEach(() => {
    nowMs = START_MS;
    gh.setInstallationTokenLifetimeSeconds(3600);
  });

  it('installs on the install target and redirects to the setup URL with installation_id, setup_action and state', async () => {
    const visit = await visitInstallPage('?state=csrf%2Babc%3D');
    assert.equal(visit.status, 302);
    const location = new URL(visit.location ?? '');
    assert.equal(`${location.origin}${location.pathname}`, SETUP_URL);
    const id = Number(location.searchParams.get('installation_id'));
    assert.ok(Number.isInteger(id) && id > 0);
    assert.equal(location.searchParams.get('setup_action'), 'install');
    assert.equal(location.searchParams.get('state'), 'csrf+abc=');

    const again = new URL((await visitInstallPage()).location ?? '');
    assert.notEqual(Number(again.searchParams.get('installation_id')), id, 'every install is a new installation');
    assert.equal(again.searchParams.has('state'), false, 'no state when the visit had none');
  });

  it('mints a token for the new installation carrying the requested permissions', async () => {
    const id = await install();
    const answer = await mint(id);
    assert.equal(answer.status, 201);
    assert.deepEqual(field(answer.body, 'permissions'), { metadata: 'read', ...REQUESTED });
    assert.equal(field(answer.body, 'repository_selection'), 'all');
    const repos = await call('GET', '/installation/repositories', `token ${String(field(answer.body, 'token'))}`);
    assert.equal(repos.status, 200);
    assert.equal(field(repos.body, 'total_count'), 2);
  });

  it('serves the new installation to @octokit/app', async () => {
    const id = await install();
    const { App, Octokit } = await loadOctokit();
    const app = new App({ appId: APP_ID, privateKey: privateKeyPem, Octokit: Octokit.defaults({ baseUrl: gh.url }) });
    const octokit = await app.getInstallationOctokit(id);
    const repos = await octokit.request('GET /installation/repositories');
    assert.equal(repos.data.total_count, 2);
  });

  it('grants what setNextInstallation says, for the next install only', async () => {
    gh.setNextInstallation({ permissions: { contents: 'write', issues: 'write', pull_requests: 'read' } });
    const broader = await install();
    assert.deepEqual(field((await mint(broader)).body, 'permissions'),
      { metadata: 'read', contents: 'write', issues: 'write', pull_requests: 'read' });

    gh.setNextInstallation({ permissions: { issues: 'read' }, repositories: ['widgets'] });
    const narrower = await install();
    const narrowToken = await mint(narrower);
    assert.deepEqual(field(narrowToken.body, 'permissions'), { metadata: 'read', issues: 'read' });
    assert.equal(field(narrowToken.body, 'repository_selection'), 'selected');

    const back = await install();
    assert.deepEqual(field((await mint(back)).body, 'permissions'), { metadata: 'read', ...REQUESTED }, 'the override was used up');
  });

  it('installs on another account when told, and a cancelled install creates nothing and does not redirect', async () => {
    gh.setNextInstallation({ account: 'acme-other' });
    const id = await install();
    const installation = await call('GET', `/app/installations/${id}`, appJwt());
    assert.equal(field(field(installation.body, 'account'), 'login'), 'acme-other');

    const before = (await call('GET', '/app/installations?per_page=100', appJwt())).body;
    gh.setNextInstallation({ cancel: true });
    const visit = await visitInstallPage('?state=s');
    assert.equal(visit.status, 200);
    assert.equal(visit.location, null);
    assert.match(visit.text, /installation cancelled/);
    assert.deepEqual((await call('GET', '/app/installations?per_page=100', appJwt())).body, before);
  });

  it('answers 404 for an unknown App and a plain page for an App without a setup URL', async () => {
    assert.equal((await visitInstallPage('', 'no-such-app')).status, 404);
    const page = await visitInstallPage('?state=x', 'no-setup-url');
    assert.equal(page.status, 200);
    assert.equal(page.location, null);
    assert.match(page.text, /installed/);
  });

  it('describes the installation on GET /app/installations/:id', async () => {
    const id = await install();
    const answer = await call('GET', `/app/installations/${id}`, appJwt());
    assert.equal(answer.status, 200);
    assert.equal(field(answer.body, 'id'), id);
    const account = field(answer.body, 'account');
    assert.equal(field(account, 'login'), 'gatehouse-sim');
    assert.equal(field(account, 'type'), 'Organization');
    assert.equal(typeof field(account, 'id'), 'number');
    assert.equal(field(answer.body, 'app_id'), APP_ID);
    assert.equal(field(answer.body, 'app_slug'), SLUG);
    assert.equal(field(answer.body, 'target_type'), 'Organization');
    assert.deepEqual(field(answer.body, 'permissions'), { metadata: 'read', ...REQUESTED });
    assert.ok(Array.isArray(field(answer.body, 'events')));
    assert.equal(field(answer.body, 'repository_selection'), 'all');
    assert.equal(field(answer.body, 'created_at'), '2025-09-01T12:00:00Z');
    assert.equal(field(answer.body, 'updated_at'), '2025-09-01T12:00:00Z');
    assert.equal(field(answer.body, 'suspended_at'), null);
    assert.equal((await call('GET', '/app/installations/999999', appJwt())).status, 404);
  });

  it('changes permissions for tokens minted afterwards (setInstallationPermissions)', async () => {
    const id = await install();
    const earlier = await mint(id);
    nowMs += 60_000;
    gh.setInstallationPermissions(id, { contents: 'write', pull_requests: 'read' });
    assert.deepEqual(field((await mint(id)).body, 'permissions'), { metadata: 'read', contents: 'write', pull_requests: 'read' });
    assert.deepEqual(field(earlier.body, 'permissions'), { metadata: 'read', ...REQUESTED });
    const installation = await call('GET', `/app/installations/${id}`, appJwt());
    assert.equal(field(installation.body, 'updated_at'), '2025-09-01T12:01:00Z');
    assert.throws(() => gh.setInstallationPermissions(999999, {}), /no installation/);
  });

  it('uninstalls with DELETE /app/installations/:id: 204, tokens refused with 401, mints 404', async () => {
    const id = await install();
    const tok = await token(id);
    assert.equal((await call('DELETE', `/app/installations/${id}`, `token ${tok}`)).status, 401, 'needs the app JWT');
    const deleted = await call('DELETE', `/app/installations/${id}`, appJwt());
    assert.equal(deleted.status, 204);
    const refused = await call('GET', '/installation/repositories', `token ${tok}`);
    assert.equal(refused.status, 401);
    assert.equal(field(refused.body, 'message'), 'Bad credentials');
    assert.equal((await mint(id)).status, 404);
    assert.equal((await call('GET', `/app/installations/${id}`, appJwt())).status, 404);
    assert.equal((await call('DELETE', `/app/installations/${id}`, appJwt())).status, 404, 'uninstalling twice');
  });

  it('expires tokens after setInstallationTokenLifetimeSeconds', async () => {
    const id = await install();
    gh.setInstallationTokenLifetimeSeconds(1);
    const answer = await mint(id);
    assert.equal(field(answer.body, 'expires_at'), '2025-09-01T12:00:01Z');
    const tok = String(field(answer.body, 'token'));
    assert.equal((await call('GET', '/installation/repositories', `token ${tok}`)).status, 200);
    nowMs += 1000;
    const expired = await call('GET', '/installation/repositories', `token ${tok}`);
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.body, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
  });

  it('counts successful mints per installation and in total (tokenMintCount)', async () => {
    const first = await install();
    const second = await install();
    const total = gh.tokenMintCount();
    await token(first);
    await token(first);
    await token(second);
    assert.equal((await mint(999999)).status, 404);
    assert.equal(gh.tokenMintCount(first), 2);
    assert.equal(gh.tokenMintCount(second), 1);
    assert.equal(gh.tokenMintCount(), total + 3, 'failed mints do not count');
    assert.equal(gh.issuedTokens().length, gh.tokenMintCount());
  });
});
