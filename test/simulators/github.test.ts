/**
 * The GitHub simulator, driven with plain `fetch` and a hand-rolled JWT signer, exactly as any
 * REST client would (no Octokit here, so the simulator is checked independently of the client).
 * Run: node --import tsx --test test/simulators/github.test.ts
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import express from 'express';
import { githubSignature256, sendGitHubWebhook, startGitHubSimulator, type GitHubSimulator } from './github';

const START_MS = Date.parse('2025-09-01T12:00:00Z');
const APP_ID = 4242;
const INSTALLATION_ID = 77;

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Signs an app JWT (RS256 unless the header says otherwise) with full control over the claims. */
function signJwt(privateKeyPem: string, claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' }): string {
  const unsigned = `${b64url(header)}.${b64url(claims)}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), privateKeyPem).toString('base64url')}`;
}

function field(value: unknown, name: string): unknown {
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), `expected an object, got ${JSON.stringify(value)}`);
  return (value as Record<string, unknown>)[name];
}

function list(answer: Answer): Record<string, unknown>[] {
  assert.ok(Array.isArray(answer.body), `expected an array, got ${JSON.stringify(answer.body)}`);
  return answer.body as Record<string, unknown>[];
}

describe('GitHub simulator', () => {
  let gh: GitHubSimulator;
  let nowMs = START_MS;
  let privateKeyPem = '';

  async function call(method: string, path: string, opts: { auth?: string | null; json?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { 'user-agent': 'gatehouse-test', accept: 'application/vnd.github+json', ...opts.headers };
    if (opts.auth) headers.authorization = opts.auth;
    if (opts.json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${gh.url}${path}`, { method, headers, body: opts.json === undefined ? undefined : JSON.stringify(opts.json) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
  }

  function appJwt(): string {
    const now = Math.floor(nowMs / 1000);
    // What Octokit sends: iat 30 s in the past, exp iat + 600, iss the app id.
    return `bearer ${signJwt(privateKeyPem, { iat: now - 30, exp: now + 570, iss: APP_ID })}`;
  }

  async function mintToken(body?: unknown, installationId = INSTALLATION_ID): Promise<Answer> {
    return call('POST', `/app/installations/${installationId}/access_tokens`, { auth: appJwt(), json: body });
  }

  async function token(): Promise<string> {
    const answer = await mintToken();
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return String(field(answer.body, 'token'));
  }

  before(async () => {
    gh = await startGitHubSimulator({ now: () => new Date(nowMs) });
    privateKeyPem = gh.addApp({ appId: APP_ID, slug: 'gatehouse-sim' }).privateKeyPem;
    gh.addRepo({ owner: 'acme', name: 'widgets' });
    gh.addRepo({ owner: 'acme', name: 'secret-plans' });
    gh.addRepo({ owner: 'other', name: 'elsewhere' });
    gh.addInstallation({
      id: INSTALLATION_ID, account: 'acme', repositories: ['widgets'],
      permissions: { contents: 'read', issues: 'read', pull_requests: 'read' },
    });
    gh.addInstallation({ id: 78, account: 'other', repositories: 'all', permissions: { issues: 'read' } });
  });
  after(() => gh.close());
  beforeEach(() => {
    nowMs = START_MS;
    gh.faults.clear();
    gh.setRateLimit({ limit: 5000 });
  });

  describe('app JWT', () => {
    it('accepts an RS256 JWT signed with the app key and answers GET /app with rate-limit headers', async () => {
      const answer = await call('GET', '/app', { auth: appJwt() });
      assert.equal(answer.status, 200);
      assert.equal(field(answer.body, 'id'), APP_ID);
      assert.equal(field(answer.body, 'slug'), 'gatehouse-sim');
      assert.equal(field(answer.body, 'installations_count'), 2);
      for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-used', 'x-ratelimit-reset', 'x-ratelimit-resource']) {
        assert.ok(answer.headers.get(name), `missing ${name}`);
      }
      assert.equal(answer.headers.get('x-ratelimit-resource'), 'core');
      assert.equal(answer.headers.get('date'), new Date(START_MS).toUTCString(), 'the date header follows the simulator clock');
      assert.match(answer.headers.get('x-github-request-id') ?? '', /^[0-9A-F]+:[0-9A-F]+:[0-9A-F]+$/);
    });

    it('accepts the app id as a string iss and a Bearer scheme', async () => {
      const now = Math.floor(nowMs / 1000);
      const jwt = signJwt(privateKeyPem, { iat: now, exp: now + 600, iss: String(APP_ID) });
      assert.equal((await call('GET', '/app', { auth: `Bearer ${jwt}` })).status, 200);
    });

    const now = Math.floor(START_MS / 1000);
    const refusals: Array<[string, () => string, RegExp]> = [
      ['a JWT signed with another key', () => signJwt(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
        { iat: now, exp: now + 500, iss: APP_ID }), /could not be decoded/],
      ['an unknown app id', () => signJwt(privateKeyPem, { iat: now, exp: now + 500, iss: 999 }), /could not be decoded/],
      ['alg none', () => `${b64url({ alg: 'none' })}.${b64url({ iat: now, exp: now + 500, iss: APP_ID })}.x`, /could not be decoded/],
      ['an HS256 JWT', () => {
        const unsigned = `${b64url({ alg: 'HS256' })}.${b64url({ iat: now, exp: now + 500, iss: APP_ID })}`;
        return `${unsigned}.${createHmac('sha256', 'guess').update(unsigned).digest('base64url')}`;
      }, /could not be decoded/],
      ['an expired JWT', () => signJwt(privateKeyPem, { iat: now - 700, exp: now - 100, iss: APP_ID }), /'Expiration time' claim \('exp'\) must be a numeric value/],
      ['exp more than 10 minutes ahead', () => signJwt(privateKeyPem, { iat: now, exp: now + 601, iss: APP_ID }), /'Expiration time' claim \('exp'\) is too far in the future/],
      ['a lifetime over 10 minutes', () => signJwt(privateKeyPem, { iat: now - 300, exp: now + 400, iss: APP_ID }), /too far in the future/],
      ['iat in the future', () => signJwt(privateKeyPem, { iat: now + 120, exp: now + 500, iss: APP_ID }), /'Issued at' claim \('iat'\) must be an Integer/],
      ['a non-integer iat', () => signJwt(privateKeyPem, { iat: now + 0.5, exp: now + 500, iss: APP_ID }), /'Issued at' claim/],
    ];
    for (const [name, jwt, message] of refusals) {
      it(`refuses ${name} with 401`, async () => {
        const answer = await call('GET', '/app', { auth: `Bearer ${jwt()}` });
        assert.equal(answer.status, 401);
        assert.match(String(field(answer.body, 'message')), message);
        assert.equal(field(answer.body, 'status'), '401');
        assert.equal(typeof field(answer.body, 'documentation_url'), 'string');
      });
    }

    it('refuses app endpoints without a JWT or with an installation token', async () => {
      assert.equal((await call('GET', '/app')).status, 401);
      const answer = await call('GET', '/app', { auth: `token ${await token()}` });
      assert.equal(answer.status, 401);
      assert.match(String(field(answer.body, 'message')), /JSON web token/);
    });
  });

  describe('installations and tokens', () => {
    it('lists the installations of the app and finds the one covering a repository', async () => {
      const all = list(await call('GET', '/app/installations', { auth: appJwt() }));
      assert.deepEqual(all.map((i) => i['id']), [INSTALLATION_ID, 78]);
      assert.equal(all[0]?.['repository_selection'], 'selected');
      assert.equal(field(all[0]?.['account'], 'login'), 'acme');
      const one = await call('GET', `/app/installations/${INSTALLATION_ID}`, { auth: appJwt() });
      assert.deepEqual(field(one.body, 'permissions'), { metadata: 'read', contents: 'read', issues: 'read', pull_requests: 'read' });
      const found = await call('GET', '/repos/acme/widgets/installation', { auth: appJwt() });
      assert.equal(field(found.body, 'id'), INSTALLATION_ID);
      const missing = await call('GET', '/repos/acme/secret-plans/installation', { auth: appJwt() });
      assert.equal(missing.status, 404);
      assert.equal(field(missing.body, 'message'), 'Not Found');
      assert.equal((await call('GET', '/app/installations/12345', { auth: appJwt() })).status, 404);
    });

    it('mints a ghs_ token valid for one hour with the installation permissions', async () => {
      const answer = await mintToken();
      assert.equal(answer.status, 201);
      assert.match(String(field(answer.body, 'token')), /^ghs_[A-Za-z0-9]{36}$/);
      assert.equal(field(answer.body, 'expires_at'), '2025-09-01T13:00:00Z');
      assert.deepEqual(field(answer.body, 'permissions'), { metadata: 'read', contents: 'read', issues: 'read', pull_requests: 'read' });
      assert.equal(field(answer.body, 'repository_selection'), 'selected');
      const repos = field(answer.body, 'repositories');
      assert.ok(Array.isArray(repos));
      assert.deepEqual(repos.map((r) => field(r, 'full_name')), ['acme/widgets']);
      const allRepos = await mintToken(undefined, 78);
      assert.equal(field(allRepos.body, 'repository_selection'), 'all');
      assert.equal(field(allRepos.body, 'repositories'), undefined);
    });

    it('narrows tokens on request and refuses what the installation lacks with 422', async () => {
      const narrowed = await mintToken({ permissions: { issues: 'read' } });
      assert.equal(narrowed.status, 201);
      const narrowedToken = String(field(narrowed.body, 'token'));
      assert.equal((await call('GET', '/repos/acme/widgets/issues', { auth: `token ${narrowedToken}` })).status, 200);
      assert.equal((await call('GET', '/repos/acme/widgets/pulls', { auth: `token ${narrowedToken}` })).status, 403);
      assert.equal((await mintToken({ permissions: { contents: 'write' } })).status, 422);
      assert.equal((await mintToken({ repositories: ['secret-plans'] })).status, 422);
      assert.equal((await mintToken(undefined, 12345)).status, 404);
    });

    it('accepts token and Bearer schemes case-insensitively, and refuses bad, expired and revoked tokens', async () => {
      const tok = await token();
      for (const scheme of ['token', 'Bearer', 'TOKEN', 'bearer']) {
        assert.equal((await call('GET', '/repos/acme/widgets/pulls', { auth: `${scheme} ${tok}` })).status, 200, scheme);
      }
      const bad = await call('GET', '/repos/acme/widgets/pulls', { auth: 'token ghs_notarealtoken' });
      assert.equal(bad.status, 401);
      assert.deepEqual(bad.body, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
      assert.equal((await call('GET', '/repos/acme/widgets/pulls')).status, 401, 'no credentials');
      assert.equal((await call('GET', '/rate_limit', { auth: 'token ghs_nope' })).status, 401, 'bad credentials fail everywhere');

      nowMs = START_MS + 3600 * 1000;
      assert.equal((await call('GET', '/repos/acme/widgets/pulls', { auth: `token ${tok}` })).status, 401, 'expired after an hour');
      nowMs = START_MS;
      gh.revokeToken(tok);
      assert.equal((await call('GET', '/repos/acme/widgets/pulls', { auth: `token ${tok}` })).status, 401, 'revoked');
    });

    it('revokes the token a request presents with DELETE /installation/token (204, refused afterwards)', async () => {
      const tok = await token();
      const other = await token();
      const revoked = await call('DELETE', '/installation/token', { auth: `token ${tok}` });
      assert.equal(revoked.status, 204);
      assert.equal(revoked.body, undefined, 'No Content');
      assert.equal((await call('GET', '/installation/repositories', { auth: `token ${tok}` })).status, 401, 'the revoked token');
      assert.equal((await call('DELETE', '/installation/token', { auth: `token ${tok}` })).status, 401, 'revoking twice');
      assert.equal((await call('GET', '/installation/repositories', { auth: `token ${other}` })).status, 200, 'other tokens live on');
      assert.equal((await call('DELETE', '/installation/token', { auth: appJwt() })).status, 401, 'an app JWT cannot revoke');
    });

    it('lists the repositories a token can see', async () => {
      const answer = await call('GET', '/installation/repositories', { auth: `token ${await token()}` });
      assert.equal(field(answer.body, 'total_count'), 1);
      assert.equal(field(answer.body, 'repository_selection'), 'selected');
    });
  });

  describe('pull requests and issues', () => {
    let repoName = '';
    let tok = '';
    before(async () => {
      repoName = `list-${randomUUID().slice(0, 8)}`;
      gh.addRepo({ owner: 'other', name: repoName });
      gh.addInstallation({ id: 500, account: 'other', repositories: [repoName], permissions: { issues: 'read', pull_requests: 'read' } });
      const repo = `other/${repoName}`;
      gh.addIssue({ repo, title: 'Bug one', labels: ['bug'] });
      gh.addPull({ repo, title: 'Fix bug one', head: 'fix-1', base: 'main' });
      gh.addIssue({ repo, title: 'Closed idea', state: 'closed', labels: ['idea'] });
      gh.addPull({ repo, title: 'Merged feature', merged: true });
      gh.addPull({ repo, title: 'Draft into release', draft: true, base: 'release' });
      gh.addIssue({ repo, title: 'Bug two', labels: ['bug', 'urgent'] });
      tok = String(field((await mintToken(undefined, 500)).body, 'token'));
    });
    const path = (rest: string): string => `/repos/other/${repoName}/${rest}`;

    it('lists open pull requests newest first by default, with pull-request ids and head/base', async () => {
      const pulls = list(await call('GET', path('pulls'), { auth: `token ${tok}` }));
      assert.deepEqual(pulls.map((p) => p['title']), ['Draft into release', 'Fix bug one']);
      assert.equal(pulls[1]?.['number'], 2);
      assert.equal(field(pulls[1]?.['head'], 'ref'), 'fix-1');
      assert.match(String(field(pulls[1]?.['head'], 'sha')), /^[0-9a-f]{40}$/);
      assert.equal(pulls[0]?.['draft'], true);
      assert.equal(pulls[0]?.['merged_at'], null);
    });

    it('filters by state and base, sorts ascending, and refuses an invalid state with 422', async () => {
      const all = list(await call('GET', path('pulls?state=all&direction=asc'), { auth: `token ${tok}` }));
      assert.deepEqual(all.map((p) => p['number']), [2, 4, 5]);
      assert.notEqual(all[1]?.['merged_at'], null);
      assert.equal(all[1]?.['state'], 'closed');
      const release = list(await call('GET', path('pulls?base=release'), { auth: `token ${tok}` }));
      assert.deepEqual(release.map((p) => p['number']), [5]);
      const invalid = await call('GET', path('pulls?state=merged'), { auth: `token ${tok}` });
      assert.equal(invalid.status, 422);
      assert.equal(field(invalid.body, 'message'), 'Validation Failed');
    });

    it('paginates with a GitHub-style link header carrying per_page, and omits it for one page', async () => {
      const first = await call('GET', path('issues?state=all&per_page=2'), { auth: `token ${tok}` });
      const base = `${gh.url}${path('issues')}`;
      assert.equal(first.headers.get('link'),
        `<${base}?state=all&per_page=2&page=2>; rel="next", <${base}?state=all&per_page=2&page=3>; rel="last"`);
      const middle = await call('GET', path('issues?state=all&per_page=2&page=2'), { auth: `token ${tok}` });
      assert.equal(middle.headers.get('link'),
        `<${base}?state=all&per_page=2&page=1>; rel="prev", <${base}?state=all&per_page=2&page=3>; rel="next", `
        + `<${base}?state=all&per_page=2&page=3>; rel="last", <${base}?state=all&per_page=2&page=1>; rel="first"`);
      const last = await call('GET', path('issues?state=all&per_page=2&page=3'), { auth: `token ${tok}` });
      assert.doesNotMatch(last.headers.get('link') ?? '', /rel="next"/);
      assert.equal(list(last).length, 2);
      const single = await call('GET', path('issues?state=all'), { auth: `token ${tok}` });
      assert.equal(single.headers.get('link'), null);
      const capped = await call('GET', path('issues?state=all&per_page=500'), { auth: `token ${tok}` });
      assert.equal(list(capped).length, 6, 'per_page is capped at 100, not refused');
    });

    it('includes pull requests in the issues list, marked with pull_request and carrying their issue id', async () => {
      const items = list(await call('GET', path('issues?state=all&direction=asc'), { auth: `token ${tok}` }));
      assert.deepEqual(items.map((i) => i['number']), [1, 2, 3, 4, 5, 6]);
      const pr = items[1];
      assert.ok(pr);
      assert.equal(field(pr['pull_request'], 'url'), `${gh.url}${path('pulls/2')}`);
      assert.equal(field(pr['pull_request'], 'merged_at'), null);
      assert.equal(items[0]?.['pull_request'], undefined);
      const pulls = list(await call('GET', path('pulls?state=all'), { auth: `token ${tok}` }));
      assert.notEqual(pulls.find((p) => p['number'] === 2)?.['id'], pr['id'], 'the issues list shows the issue id, not the pull id');
    });

    it('filters issues by labels (all must match) and since', async () => {
      const bugs = list(await call('GET', path('issues?labels=bug'), { auth: `token ${tok}` }));
      assert.deepEqual(bugs.map((i) => i['title']), ['Bug two', 'Bug one']);
      const urgent = list(await call('GET', path('issues?labels=bug,urgent'), { auth: `token ${tok}` }));
      assert.deepEqual(urgent.map((i) => i['title']), ['Bug two']);
      const since = String(list(await call('GET', path('issues?state=all'), { auth: `token ${tok}` }))[1]?.['updated_at']);
      const recent = list(await call('GET', path(`issues?state=all&since=${encodeURIComponent(since)}`), { auth: `token ${tok}` }));
      assert.equal(recent.length, 2);
    });

    it('refuses a repository outside the installation with 404 and a missing permission with 403', async () => {
      const outside = await call('GET', '/repos/acme/widgets/issues', { auth: `token ${tok}` });
      assert.equal(outside.status, 404);
      assert.equal(field(outside.body, 'message'), 'Not Found');
      const other = String(field((await mintToken(undefined, 78)).body, 'token'));
      const noPulls = await call('GET', '/repos/other/elsewhere/pulls', { auth: `token ${other}` });
      assert.equal(noPulls.status, 403);
      assert.equal(field(noPulls.body, 'message'), 'Resource not accessible by integration');
      assert.equal(noPulls.headers.get('x-accepted-github-permissions'), 'pull_requests=read');
    });
  });

  describe('contents', () => {
    let tok = '';
    const text = `# Widgets\n\n${'All about widgets — naïve café. '.repeat(8)}\n`;
    before(async () => {
      gh.putFile({ repo: 'acme/widgets', path: 'README.md', content: text });
      gh.putFile({ repo: 'acme/widgets', path: 'docs/guide/setup.md', content: 'setup' });
      gh.putFile({ repo: 'acme/widgets', path: 'docs/hello.txt', content: 'hello' });
      gh.putFile({ repo: 'acme/widgets', path: 'docs/hello.txt', content: 'hello from a branch', ref: 'feature' });
      gh.putFile({ repo: 'acme/widgets', path: 'big.bin', content: new Uint8Array(1024 * 1024 + 1) });
      tok = await token();
    });

    it('returns a file as line-wrapped base64 with its git blob sha', async () => {
      const answer = await call('GET', '/repos/acme/widgets/contents/README.md', { auth: `token ${tok}` });
      assert.equal(answer.status, 200);
      assert.equal(field(answer.body, 'type'), 'file');
      assert.equal(field(answer.body, 'encoding'), 'base64');
      const content = String(field(answer.body, 'content'));
      const lines = content.split('\n');
      assert.ok(lines.length > 2, 'long content is wrapped');
      assert.ok(lines.slice(0, -2).every((l) => l.length === 60), 'every full line is 60 characters');
      assert.equal(lines.at(-1), '', 'ends with a newline');
      assert.equal(Buffer.from(content, 'base64').toString('utf8'), text);
      assert.equal(field(answer.body, 'size'), Buffer.byteLength(text));
      const bytes = Buffer.from(text);
      assert.equal(field(answer.body, 'sha'), createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex'));
      const hello = await call('GET', '/repos/acme/widgets/contents/docs/hello.txt', { auth: `token ${tok}` });
      assert.equal(field(hello.body, 'sha'), 'b6fc4c620b67d95f953a5c1c1230aaab5db5a1b0', 'git hash-object of "hello"');
    });

    it('accepts an encoded slash in the path (as Octokit sends it) and a ref', async () => {
      const answer = await call('GET', '/repos/acme/widgets/contents/docs%2Fhello.txt?ref=feature', { auth: `token ${tok}` });
      assert.equal(Buffer.from(String(field(answer.body, 'content')), 'base64').toString(), 'hello from a branch');
      const unknownRef = await call('GET', '/repos/acme/widgets/contents/docs/hello.txt?ref=nope', { auth: `token ${tok}` });
      assert.equal(unknownRef.status, 404);
      assert.equal(field(unknownRef.body, 'message'), 'No commit found for the ref nope');
    });

    it('lists a directory as an array without content', async () => {
      const docs = list(await call('GET', '/repos/acme/widgets/contents/docs', { auth: `token ${tok}` }));
      assert.deepEqual(docs.map((e) => [e['name'], e['type']]), [['guide', 'dir'], ['hello.txt', 'file']]);
      assert.equal(docs[0]?.['content'], undefined);
      const root = list(await call('GET', '/repos/acme/widgets/contents', { auth: `token ${tok}` }));
      assert.deepEqual(root.map((e) => e['name']), ['big.bin', 'docs', 'README.md']);
    });

    it('answers 404 Not Found with a documentation_url for a missing path', async () => {
      const answer = await call('GET', '/repos/acme/widgets/contents/nope.md', { auth: `token ${tok}` });
      assert.equal(answer.status, 404);
      assert.deepEqual(answer.body, {
        message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content', status: '404',
      });
    });

    it('sends files over 1 MB with encoding none and empty content', async () => {
      const answer = await call('GET', '/repos/acme/widgets/contents/big.bin', { auth: `token ${tok}` });
      assert.equal(field(answer.body, 'encoding'), 'none');
      assert.equal(field(answer.body, 'content'), '');
      assert.equal(field(answer.body, 'size'), 1024 * 1024 + 1);
    });

    it('refuses contents to an installation without contents:read', async () => {
      const other = String(field((await mintToken(undefined, 78)).body, 'token'));
      const answer = await call('GET', '/repos/other/elsewhere/contents/README.md', { auth: `token ${other}` });
      assert.equal(answer.status, 403);
      assert.equal(field(answer.body, 'message'), 'Resource not accessible by integration');
      assert.equal(answer.headers.get('x-accepted-github-permissions'), 'contents=read');
    });

    it('serves the API under /api/v3 too, with URLs in answers under the same prefix', async () => {
      const answer = await call('GET', '/api/v3/repos/acme/widgets/contents/docs/hello.txt', { auth: `token ${tok}` });
      assert.equal(answer.status, 200);
      assert.equal(field(answer.body, 'url'), `${gh.url}/api/v3/repos/acme/widgets/contents/docs/hello.txt?ref=main`);
      assert.equal(gh.requestCounts()['GET /repos/acme/widgets/contents/docs/hello.txt'] !== undefined, true, 'counted without the prefix');
    });
  });

  describe('rate limits and faults', () => {
    it('counts requests per installation, reports them on /rate_limit without counting that call', async () => {
      const tok = await token();
      gh.setRateLimit({ limit: 10 });
      const first = await call('GET', '/repos/acme/widgets/pulls', { auth: `token ${tok}` });
      assert.equal(first.headers.get('x-ratelimit-limit'), '10');
      assert.equal(first.headers.get('x-ratelimit-used'), '1');
      assert.equal(first.headers.get('x-ratelimit-remaining'), '9');
      assert.equal(first.headers.get('x-ratelimit-reset'), String(START_MS / 1000 + 3600));
      const status = await call('GET', '/rate_limit', { auth: `token ${tok}` });
      assert.deepEqual(field(status.body, 'rate'), { limit: 10, used: 1, remaining: 9, reset: START_MS / 1000 + 3600 });
      assert.equal((await call('GET', '/rate_limit', { auth: `token ${tok}` })).headers.get('x-ratelimit-used'), '1');
    });

    it('answers 403 with remaining 0 once the primary limit is exhausted, and 429 when configured', async () => {
      const tok = await token();
      gh.setRateLimit({ limit: 2 });
      assert.equal((await call('GET', '/repos/acme/widgets/pulls', { auth: `token ${tok}` })).status, 200);
      assert.equal((await call('GET', '/repos/acme/widgets/pulls', { auth: `token ${tok}` })).status, 200);
      const limited = await call('GET', '/repos/acme/widgets/pulls', { auth: `token ${tok}` });
      assert.equal(limited.status, 403);
      assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
      assert.equal(limited.headers.get('x-ratelimit-reset'), String(START_MS / 1000 + 3600));
      assert.equal(limited.headers.get('retry-after'), null);
      assert.equal(field(limited.body, 'message'), `API rate limit exceeded for installation ID ${INSTALLATION_ID}.`);
      nowMs = START_MS + 3600 * 1000;
      gh.setRateLimit({ limit: 1, exhaustedStatus: 429 });
      const tok2 = await token();
      await call('GET', '/repos/acme/widgets/pulls', { auth: `token ${tok2}` });
      assert.equal((await call('GET', '/repos/acme/widgets/pulls', { auth: `token ${tok2}` })).status, 429);
    });

    it('injects secondary limits (retry-after, remaining above 0), primary exhaustion and errors, matching by path', async () => {
      const tok = await token();
      gh.faults.secondaryRateLimit({ count: 1, pathPrefix: '/repos/acme/widgets/issues' });
      gh.faults.secondaryRateLimit({ count: 1, status: 429, retryAfterSeconds: 7 });
      gh.faults.primaryRateLimit({ count: 1 });
      gh.faults.error({ count: 1, status: 502 });
      gh.faults.secondaryRateLimit({ count: 1, retryAfterSeconds: null });

      const pulls = await call('GET', '/repos/acme/widgets/pulls', { auth: `token ${tok}` });
      assert.equal(pulls.status, 429, 'the first fault only matches issues');
      assert.equal(pulls.headers.get('retry-after'), '7');
      const issues = await call('GET', '/repos/acme/widgets/issues', { auth: `token ${tok}` });
      assert.equal(issues.status, 403);
      assert.equal(issues.headers.get('retry-after'), '60');
      assert.notEqual(issues.headers.get('x-ratelimit-remaining'), '0');
      assert.match(String(field(issues.body, 'message')), /^You have exceeded a secondary rate limit/);
      const primary = await call('GET', '/repos/acme/widgets/pulls', { auth: `token ${tok}` });
      assert.equal(primary.status, 403);
      assert.equal(primary.headers.get('x-ratelimit-remaining'), '0');
      assert.equal((await call('GET', '/repos/acme/widgets/pulls', { auth: `token ${tok}` })).status, 502);
      const bare = await call('GET', '/repos/acme/widgets/pulls', { auth: `token ${tok}` });
      assert.equal(bare.status, 403);
      assert.equal(bare.headers.get('retry-after'), null);
      assert.equal((await call('GET', '/repos/acme/widgets/pulls', { auth: `token ${tok}` })).status, 200, 'faults are used up');
    });

    it('refuses requests without a User-Agent and counts requests by method and path', async () => {
      gh.resetRequestCounts();
      const res = await fetch(`${gh.url}/app`, { headers: { 'user-agent': '' } });
      assert.equal(res.status, 403);
      assert.match(String(field(await res.json(), 'message')), /User-Agent/);
      await call('GET', '/app', { auth: appJwt() });
      assert.deepEqual(gh.requestCounts(), { 'GET /app': 2 });
    });
  });

  describe('webhooks', () => {
    it('signs with the §5 known-answer vector', () => {
      assert.equal(githubSignature256("It's a Secret to Everybody", 'Hello, World!'),
        'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
    });

    it('delivers like GitHub: raw JSON body, signature over it, event, delivery GUID and hook headers', async () => {
      const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
      const receiver = express();
      receiver.post('/hook', express.raw({ type: '*/*' }), (req, res) => {
        received.push({ headers: req.headers, body: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '' });
        res.status(202).send('accepted');
      });
      const server = receiver.listen(0, '127.0.0.1');
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
        const payload = { action: 'opened', installation: { id: INSTALLATION_ID }, repository: { full_name: 'acme/widgets' } };
        const sent = await sendGitHubWebhook(url, { secret: 's3cret', event: 'pull_request', payload, targetId: APP_ID });
        assert.equal(sent.status, 202);
        assert.match(sent.deliveryId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        const [delivery] = received;
        assert.ok(delivery);
        assert.equal(delivery.body, JSON.stringify(payload));
        assert.equal(delivery.headers['x-hub-signature-256'], githubSignature256('s3cret', delivery.body));
        assert.match(String(delivery.headers['x-hub-signature']), /^sha1=[0-9a-f]{40}$/);
        assert.equal(delivery.headers['x-github-event'], 'pull_request');
        assert.equal(delivery.headers['x-github-delivery'], sent.deliveryId);
        assert.equal(delivery.headers['x-github-hook-installation-target-type'], 'integration');
        assert.equal(delivery.headers['x-github-hook-installation-target-id'], String(APP_ID));
        assert.match(String(delivery.headers['user-agent']), /^GitHub-Hookshot\//);
        assert.equal(delivery.headers['content-type'], 'application/json');

        const redelivered = await sendGitHubWebhook(url, { secret: 's3cret', event: 'pull_request', payload, deliveryId: sent.deliveryId });
        assert.equal(redelivered.deliveryId, sent.deliveryId, 'a redelivery keeps its GUID');
        await sendGitHubWebhook(url, { secret: 's3cret', event: 'ping', payload, tamperedBody: '{"action":"closed"}' });
        const tampered = received[2];
        assert.ok(tampered);
        assert.notEqual(tampered.headers['x-hub-signature-256'], githubSignature256('s3cret', tampered.body));
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });
});
