/**
 * The GitHub App client against the GitHub simulator, end to end: app JWT → installation token
 * → REST calls; token caching and refresh; every failure typed (status, retryAfterSeconds) and
 * never retried by the client; no credential in any error.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { GitHubClient, type GitHubClientOptions } from '../../connectors/github/client';
import { GitHubApiError } from '../../connectors/github/errors';
import { getFileContents } from '../../connectors/github/actions/get-file-contents';
import { listPullRequests } from '../../connectors/github/actions/list-pull-requests';
import { startGitHubSimulator, type GitHubSimulator } from '../simulators/github';

const APP_ID = 101;
const INSTALLATION_ID = 9001;
const MINT = `POST /app/installations/${INSTALLATION_ID}/access_tokens`;
const PULLS = 'GET /repos/acme/widgets/pulls';

let gh: GitHubSimulator;
let privateKey = '';

before(async () => {
  gh = await startGitHubSimulator();
  privateKey = gh.addApp({ appId: APP_ID }).privateKeyPem;
  gh.addRepo({ owner: 'acme', name: 'widgets' });
  gh.addRepo({ owner: 'beta', name: 'tools' });
  gh.addInstallation({ id: INSTALLATION_ID, account: 'acme', repositories: 'all', permissions: { contents: 'read', issues: 'read', pull_requests: 'read' } });
  // Installed without Contents: read, to see how a missing permission surfaces.
  gh.addInstallation({ id: 9002, account: 'beta', repositories: 'all', permissions: { issues: 'read', pull_requests: 'read' } });
  gh.addPull({ repo: 'acme/widgets', title: 'Add sprockets' });
  gh.putFile({ repo: 'acme/widgets', path: 'README.md', content: '# Widgets\n' });
  gh.putFile({ repo: 'beta/tools', path: 'README.md', content: '# Tools\n' });
});
after(() => gh.close());

function client(options: Partial<GitHubClientOptions> = {}): GitHubClient {
  return new GitHubClient({ appId: APP_ID, privateKey, installationId: INSTALLATION_ID, baseUrl: gh.url, ...options });
}

function count(key: string): number {
  return gh.requestCounts()[key] ?? 0;
}

/** Asserts a GitHubApiError with the given code and returns it for further checks. */
async function rejectsWith(promise: Promise<unknown>, code: string): Promise<GitHubApiError> {
  let caught: unknown;
  await assert.rejects(promise, (err: unknown) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof GitHubApiError, `expected a GitHubApiError, got ${inspect(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

/** No token, JWT or key material anywhere in an error, however it is printed. */
function assertNoSecrets(err: GitHubApiError): void {
  const printed = `${inspect(err, { depth: 10 })} ${JSON.stringify(err)} ${err.stack ?? ''}`;
  assert.doesNotMatch(printed, /ghs_|-----BEGIN|eyJ[A-Za-z0-9_-]{10,}|bearer\s+\S/i);
  for (const token of gh.issuedTokens()) assert.ok(!printed.includes(token));
}

describe('GitHub client', () => {
  it('goes from app JWT to installation token to a read, end to end', async () => {
    gh.resetRequestCounts();
    const result = await listPullRequests(client(), { owner: 'acme', repo: 'widgets' });
    assert.deepEqual(result.pullRequests.map((p) => p.title), ['Add sprockets']);
    assert.equal(count(MINT), 1, 'one installation token was minted with the app JWT');
    assert.equal(count(PULLS), 1);
  });

  it('reuses the installation token until five minutes before it expires', async () => {
    let nowMs = Date.now();
    const c = client({ now: () => nowMs });
    gh.resetRequestCounts();
    await listPullRequests(c, { owner: 'acme', repo: 'widgets' });
    await getFileContents(c, { owner: 'acme', repo: 'widgets', path: 'README.md' });
    await listPullRequests(c, { owner: 'acme', repo: 'widgets', state: 'all' });
    assert.equal(count(MINT), 1, 'three calls, one token');
    nowMs += 54 * 60_000;
    await listPullRequests(c, { owner: 'acme', repo: 'widgets' });
    assert.equal(count(MINT), 1, 'six minutes left: still reused');
    nowMs += 2 * 60_000;
    await listPullRequests(c, { owner: 'acme', repo: 'widgets' });
    assert.equal(count(MINT), 2, 'four minutes left: a new token');
  });

  it('shares one token mint between concurrent calls', async () => {
    const c = client();
    gh.resetRequestCounts();
    await Promise.all(Array.from({ length: 5 }, () => listPullRequests(c, { owner: 'acme', repo: 'widgets' })));
    assert.equal(count(MINT), 1);
    assert.equal(count(PULLS), 5);
  });

  it('reports a revoked token as a 401 at once (no hidden retry), then mints a fresh one', async () => {
    const c = client();
    await listPullRequests(c, { owner: 'acme', repo: 'widgets' });
    const token = gh.issuedTokens().at(-1);
    assert.ok(token);
    gh.revokeToken(token);
    gh.resetRequestCounts();
    const started = Date.now();
    const err = await rejectsWith(listPullRequests(c, { owner: 'acme', repo: 'widgets' }), 'unauthenticated');
    assert.equal(err.status, 401);
    assert.equal(err.retryable, false);
    assert.match(err.message, /installation token.*Bad credentials/);
    assert.equal(count(PULLS), 1, 'sent once although the token is seconds old (auth-app would retry for ~6 s)');
    assert.ok(Date.now() - started < 2000);
    assertNoSecrets(err);
    await listPullRequests(c, { owner: 'acme', repo: 'widgets' });
    assert.equal(count(MINT), 1, 'the refused token was dropped');
  });

  it('types a secondary rate limit with its retry-after and does not retry it', async () => {
    const c = client();
    await listPullRequests(c, { owner: 'acme', repo: 'widgets' });
    gh.resetRequestCounts();
    gh.faults.secondaryRateLimit({ count: 1, retryAfterSeconds: 17, pathPrefix: '/repos/' });
    const err = await rejectsWith(listPullRequests(c, { owner: 'acme', repo: 'widgets' }), 'rate_limited');
    assert.equal(err.status, 403);
    assert.equal(err.retryAfterSeconds, 17);
    assert.equal(err.retryable, true);
    assert.match(err.message, /secondary rate limit/);
    assert.match(err.requestId ?? '', /:/);
    assert.equal(count(PULLS), 1);
    gh.faults.secondaryRateLimit({ count: 1, status: 429, retryAfterSeconds: null, pathPrefix: '/repos/' });
    const bare = await rejectsWith(listPullRequests(c, { owner: 'acme', repo: 'widgets' }), 'rate_limited');
    assert.equal(bare.status, 429);
    assert.equal(bare.retryAfterSeconds, 60, 'no retry-after: wait at least a minute, as GitHub advises');
  });

  it('computes the wait of an exhausted primary limit from x-ratelimit-reset', async () => {
    const simNow = Date.now();
    const fixed = await startGitHubSimulator({ now: () => new Date(simNow) });
    try {
      const key = fixed.addApp({ appId: APP_ID }).privateKeyPem;
      fixed.addRepo({ owner: 'acme', name: 'widgets' });
      fixed.addInstallation({ id: INSTALLATION_ID, account: 'acme', repositories: 'all', permissions: { pull_requests: 'read' } });
      fixed.setRateLimit({ limit: 1 });
      // The client's clock is 1,000 s into the simulator's hour-long window.
      const c = new GitHubClient({ appId: APP_ID, privateKey: key, installationId: INSTALLATION_ID, baseUrl: fixed.url, now: () => simNow + 1_000_000 });
      await listPullRequests(c, { owner: 'acme', repo: 'widgets' });
      const err = await rejectsWith(listPullRequests(c, { owner: 'acme', repo: 'widgets' }), 'rate_limited');
      assert.equal(err.status, 403);
      assert.equal(err.retryAfterSeconds, 2600);
      assert.match(err.message, /primary rate limit exhausted/);

      fixed.setRateLimit({ limit: 0, exhaustedStatus: 429 });
      const err429 = await rejectsWith(listPullRequests(c, { owner: 'acme', repo: 'widgets' }), 'rate_limited');
      assert.equal(err429.status, 429);
      assert.equal(err429.retryAfterSeconds, 2600);
    } finally {
      await fixed.close();
    }
  });

  it('types a missing file as a final 404', async () => {
    const err = await rejectsWith(getFileContents(client(), { owner: 'acme', repo: 'widgets', path: 'docs/missing.md' }), 'not_found');
    assert.equal(err.status, 404);
    assert.equal(err.retryable, false);
    assert.equal(err.retryAfterSeconds, undefined);
    assert.match(err.message, /GET \/repos\/acme\/widgets\/contents\/docs\/missing\.md answered HTTP 404: Not Found/);
  });

  it('says which permission is missing when the installation lacks it', async () => {
    const c = client({ installationId: 9002 });
    const err = await rejectsWith(getFileContents(c, { owner: 'beta', repo: 'tools', path: 'README.md' }), 'permission_denied');
    assert.equal(err.status, 403);
    assert.equal(err.retryable, false);
    assert.match(err.message, /installation 9002/);
    assert.match(err.message, /Resource not accessible by integration/);
    assert.match(err.message, /"contents: read" permission/);
    assert.match(err.message, /GitHub accepts: contents=read/);
  });

  it('refuses a wrong private key as an app JWT problem, without echoing credentials', async () => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const err = await rejectsWith(listPullRequests(client({ privateKey: otherKey }), { owner: 'acme', repo: 'widgets' }), 'unauthenticated');
    assert.equal(err.status, 401);
    assert.match(err.message, /app JWT.*check the app id, the private key and the system clock/);
    assertNoSecrets(err);
    assert.ok(!inspect(err).includes(otherKey.split('\n')[1] ?? 'unreachable'));
  });

  it('keeps the private key out of the client when inspected or serialised', async () => {
    const c = client();
    await listPullRequests(c, { owner: 'acme', repo: 'widgets' });
    const printed = `${inspect(c, { depth: 10, showHidden: true })} ${JSON.stringify(c)}`;
    assert.ok(!printed.includes(privateKey.split('\n')[1] ?? 'unreachable'));
    assert.doesNotMatch(printed, /PRIVATE KEY|ghs_/);
  });

  it('reports unusable credentials and an unknown installation clearly', async () => {
    const bad = await rejectsWith(listPullRequests(client({ privateKey: 'not a pem key' }), { owner: 'acme', repo: 'widgets' }), 'configuration_error');
    assert.doesNotMatch(bad.message, /not a pem key/);
    const unknown = await rejectsWith(listPullRequests(client({ installationId: 424242 }), { owner: 'acme', repo: 'widgets' }), 'not_found');
    assert.match(unknown.message, /POST \/app\/installations\/424242\/access_tokens answered HTTP 404/);
    assert.throws(() => client({ installationId: 0 }), GitHubApiError);
  });

  it('surfaces server errors and network failures as retryable, sending each request once', async () => {
    const c = client();
    await listPullRequests(c, { owner: 'acme', repo: 'widgets' });
    gh.resetRequestCounts();
    gh.faults.error({ count: 1, status: 502, pathPrefix: '/repos/' });
    const err = await rejectsWith(listPullRequests(c, { owner: 'acme', repo: 'widgets' }), 'server_error');
    assert.equal(err.retryable, true);
    assert.equal(count(PULLS), 1);

    const gone = await startGitHubSimulator();
    const goneUrl = gone.url;
    await gone.close();
    const offline = await rejectsWith(listPullRequests(client({ baseUrl: goneUrl }), { owner: 'acme', repo: 'widgets' }), 'network_error');
    assert.equal(offline.retryable, true);
  });

  it('refuses invalid input before any request', async () => {
    gh.resetRequestCounts();
    const err = await rejectsWith(listPullRequests(client(), { owner: 'acme/../x', repo: 'widgets' }), 'invalid_input');
    assert.match(err.message, /owner/);
    await rejectsWith(listPullRequests(client(), { owner: 'acme', repo: 'widgets', perPage: 101 }), 'invalid_input');
    assert.deepEqual(gh.requestCounts(), {});
  });

  it('works against a GitHub Enterprise Server style base URL (/api/v3)', async () => {
    const c = client({ baseUrl: `${gh.url}/api/v3/` });
    assert.equal(c.baseUrl, `${gh.url}/api/v3`);
    const app = await c.requestAsApp('GET /app');
    assert.equal(app.status, 200);
    const repo = await c.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'widgets' });
    assert.ok(typeof repo.data === 'object' && repo.data !== null && 'url' in repo.data);
    assert.equal(repo.data.url, `${gh.url}/api/v3/repos/acme/widgets`, 'the request went through the /api/v3 prefix');
    assert.ok(repo.headers['x-ratelimit-remaining'] !== undefined);
  });

  it("lets Octokit correct app JWT clock skew once, from the answer's date header", async () => {
    const skewed = await startGitHubSimulator({ now: () => new Date(Date.now() + 15 * 60_000) });
    try {
      const key = skewed.addApp({ appId: APP_ID }).privateKeyPem;
      const warnings: string[] = [];
      const c = new GitHubClient({
        appId: APP_ID, privateKey: key, installationId: INSTALLATION_ID, baseUrl: skewed.url,
        log: { warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
      });
      const answer = await c.requestAsApp('GET /app');
      assert.equal(answer.status, 200);
      assert.equal(skewed.requestCounts()['GET /app'], 2, 'refused once for exp, then re-signed with the server time');
      assert.ok(warnings.some((w) => /time/i.test(w)), warnings.join('\n'));
    } finally {
      await skewed.close();
    }
  });
  it('revokes every token this process minted for the installation (DELETE /installation/token), then mints afresh', async () => {
    // An installation of its own: tokens minted by the other tests stay out of the counts.
    gh.addInstallation({ id: 9003, account: 'delta', repositories: 'all', permissions: { contents: 'read' } });
    const repos = (c: GitHubClient) => c.request('GET /installation/repositories');
    const [a, b, c] = [client({ installationId: 9003 }), client({ installationId: 9003 }), client({ installationId: 9003 })];
    const issuedBefore = gh.issuedTokens().length;
    for (const each of [a, b, c]) await repos(each);
    const minted = gh.issuedTokens().slice(issuedBefore);
    assert.equal(minted.length, 3, 'each client minted its own token');
    gh.revokeToken(minted[2] ?? '');

    gh.resetRequestCounts();
    assert.deepEqual(await client({ installationId: 9003 }).revokeMintedTokens(), { revoked: 2, alreadyInvalid: 1 });
    assert.equal(count('DELETE /installation/token'), 3, 'one call per token, none minted to do it');
    assert.equal(count('POST /app/installations/9003/access_tokens'), 0);
    for (const token of minted) {
      const answer = await fetch(`${gh.url}/installation/repositories`, { headers: { authorization: `token ${token}`, 'user-agent': 'test' } });
      assert.equal(answer.status, 401, 'no minted token is accepted any more');
    }

    // A client still holding a revoked token is refused once, then mints a new one.
    await rejectsWith(repos(a), 'unauthenticated');
    assert.equal((await repos(a)).status, 200);
    assert.deepEqual(await b.revokeMintedTokens(), { revoked: 1, alreadyInvalid: 0 }, 'only the new token was left');
    assert.deepEqual(await b.revokeMintedTokens(), { revoked: 0, alreadyInvalid: 0 });
  });
});
