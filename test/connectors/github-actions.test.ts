/**
 * The GitHub read actions and the healthcheck against the GitHub simulator: provider answers
 * parsed and normalised into each action's output schema, pull requests kept out of the
 * issues list, files decoded, and refusals (directories, binary, oversized) typed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GitHubClient } from '../../connectors/github/client';
import { GitHubApiError } from '../../connectors/github/errors';
import * as fileContents from '../../connectors/github/actions/get-file-contents';
import * as healthcheck from '../../connectors/github/healthcheck';
import * as issues from '../../connectors/github/actions/list-issues';
import * as pulls from '../../connectors/github/actions/list-pull-requests';
import { startGitHubSimulator, type GitHubSimulator } from '../simulators/github';

const APP_ID = 202;
let gh: GitHubSimulator;
let privateKey = '';
let readmeSha = '';
const README = `# Widgets\n\n${'Déjà vu: widgets, sprockets and cogs — all in one repository. '.repeat(6)}\n`;

before(async () => {
  gh = await startGitHubSimulator();
  privateKey = gh.addApp({ appId: APP_ID }).privateKeyPem;
  gh.addRepo({ owner: 'acme', name: 'widgets' });
  gh.addRepo({ owner: 'acme', name: 'private-notes' });
  gh.addRepo({ owner: 'beta', name: 'tools' });
  gh.addInstallation({ id: 1, account: 'acme', repositories: ['widgets'], permissions: { contents: 'read', issues: 'read', pull_requests: 'read' } });
  gh.addInstallation({ id: 2, account: 'beta', repositories: 'all', permissions: { issues: 'read', pull_requests: 'write' } });
  gh.addInstallation({ id: 3, account: 'gamma', repositories: [], permissions: { contents: 'read', issues: 'read', pull_requests: 'read' } });

  const repo = 'acme/widgets';
  gh.addIssue({ repo, title: 'Widgets wobble', labels: ['bug'], user: 'alice', assignees: ['bob'], comments: 3 });
  gh.addPull({ repo, title: 'Stop the wobble', user: 'bob', head: 'fix-wobble', labels: ['bug'] });
  gh.addIssue({ repo, title: 'Old idea', state: 'closed', labels: ['idea'] });
  gh.addPull({ repo, title: 'Sprockets', merged: true, user: 'carol' });
  gh.addPull({ repo, title: 'Draft: cogs', draft: true, base: 'release' });
  gh.addIssue({ repo, title: 'Cogs squeak', labels: ['bug', 'urgent'], body: 'It squeaks.' });

  readmeSha = gh.putFile({ repo, path: 'README.md', content: README }).sha;
  gh.putFile({ repo, path: 'docs/guide/setup.md', content: 'Run it.\n' });
  gh.putFile({ repo, path: 'docs/guide/setup.md', content: 'Run the release.\n', ref: 'release' });
  gh.putFile({ repo, path: 'logo.png', content: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]) });
  gh.putFile({ repo, path: 'latin1.txt', content: new Uint8Array([0x63, 0x61, 0x66, 0xe9]) });
  gh.putFile({ repo, path: 'nul.dat', content: 'valid UTF-8 \u0000 but a NUL byte' });
  gh.putFile({ repo, path: 'huge.log', content: 'x'.repeat(1024 * 1024 + 10) });
});
after(() => gh.close());

function client(installationId = 1): GitHubClient {
  return new GitHubClient({ appId: APP_ID, privateKey, installationId, baseUrl: gh.url });
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<GitHubApiError> {
  let caught: unknown;
  await assert.rejects(promise, (err: unknown) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof GitHubApiError, `expected a GitHubApiError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

describe('list-pull-requests', () => {
  it('normalises open pull requests, newest first, into the output schema', async () => {
    const result = await pulls.listPullRequests(client(), { owner: 'acme', repo: 'widgets' });
    assert.deepEqual(pulls.outputSchema.parse(result), result, 'the output satisfies its own schema');
    assert.deepEqual(result.pullRequests.map((p) => p.number), [5, 2]);
    const [draft, fix] = result.pullRequests;
    assert.ok(draft && fix);
    assert.equal(draft.draft, true);
    assert.equal(draft.baseRef, 'release');
    assert.deepEqual({ ...fix, headSha: 'sha', createdAt: 't', updatedAt: 't' }, {
      number: 2, title: 'Stop the wobble', state: 'open', merged: false, draft: false, author: 'bob', body: null,
      labels: ['bug'], headRef: 'fix-wobble', headSha: 'sha', baseRef: 'main', htmlUrl: 'https://github.com/acme/widgets/pull/2',
      createdAt: 't', updatedAt: 't', closedAt: null, mergedAt: null,
    });
    assert.match(fix.headSha, /^[0-9a-f]{40}$/);
    assert.equal(result.nextPage, null);
  });

  it('reports merged pull requests and pages through with nextPage', async () => {
    const closed = await pulls.listPullRequests(client(), { owner: 'acme', repo: 'widgets', state: 'closed' });
    assert.deepEqual(closed.pullRequests.map((p) => [p.title, p.merged, p.state]), [['Sprockets', true, 'closed']]);
    assert.ok(closed.pullRequests[0]?.mergedAt);
    const first = await pulls.listPullRequests(client(), { owner: 'acme', repo: 'widgets', state: 'all', perPage: 2, direction: 'asc' });
    assert.deepEqual(first.pullRequests.map((p) => p.number), [2, 4]);
    assert.equal(first.nextPage, 2);
    const second = await pulls.listPullRequests(client(), { owner: 'acme', repo: 'widgets', state: 'all', perPage: 2, direction: 'asc', page: first.nextPage ?? 0 });
    assert.deepEqual(second.pullRequests.map((p) => p.number), [5]);
    assert.equal(second.nextPage, null);
    const release = await pulls.listPullRequests(client(), { owner: 'acme', repo: 'widgets', base: 'release' });
    assert.deepEqual(release.pullRequests.map((p) => p.number), [5]);
  });

  it('treats a repository outside the installation as not found', async () => {
    await rejectsWith(pulls.listPullRequests(client(), { owner: 'acme', repo: 'private-notes' }), 'not_found');
  });
});

describe('list-issues', () => {
  it('leaves pull requests out and says how many it skipped', async () => {
    const result = await issues.listIssues(client(), { owner: 'acme', repo: 'widgets', state: 'all' });
    assert.deepEqual(issues.outputSchema.parse(result), result);
    assert.deepEqual(result.issues.map((i) => i.title), ['Cogs squeak', 'Old idea', 'Widgets wobble']);
    assert.equal(result.pullRequestsSkipped, 3);
    const wobble = result.issues[2];
    assert.ok(wobble);
    assert.deepEqual({ author: wobble.author, assignees: wobble.assignees, comments: wobble.comments, labels: wobble.labels, state: wobble.state },
      { author: 'alice', assignees: ['bob'], comments: 3, labels: ['bug'], state: 'open' });
    assert.equal(result.issues[1]?.stateReason, 'completed');
    assert.equal(result.issues[0]?.body, 'It squeaks.');
  });

  it('filters by labels and keeps nextPage right when a page is mostly pull requests', async () => {
    const bugs = await issues.listIssues(client(), { owner: 'acme', repo: 'widgets', labels: ['bug'] });
    assert.deepEqual(bugs.issues.map((i) => i.title), ['Cogs squeak', 'Widgets wobble']);
    assert.equal(bugs.pullRequestsSkipped, 1, 'the open bug-labelled pull request');
    const urgent = await issues.listIssues(client(), { owner: 'acme', repo: 'widgets', labels: ['bug', 'urgent'] });
    assert.deepEqual(urgent.issues.map((i) => i.title), ['Cogs squeak']);
    const page1 = await issues.listIssues(client(), { owner: 'acme', repo: 'widgets', state: 'all', direction: 'asc', perPage: 2 });
    assert.equal(page1.nextPage, 2, 'the next page, not the last (3)');
    // Ascending, two per page: page 2 holds #3 (issue) and #4 (pull request).
    const page2 = await issues.listIssues(client(), { owner: 'acme', repo: 'widgets', state: 'all', direction: 'asc', perPage: 2, page: 2 });
    assert.deepEqual(page2.issues.map((i) => i.number), [3]);
    assert.equal(page2.pullRequestsSkipped, 1);
    assert.equal(page2.nextPage, 3);
  });

  it('refuses label names with commas and malformed since as invalid input', async () => {
    await rejectsWith(issues.listIssues(client(), { owner: 'acme', repo: 'widgets', labels: ['a,b'] }), 'invalid_input');
    await rejectsWith(issues.listIssues(client(), { owner: 'acme', repo: 'widgets', since: 'yesterday' }), 'invalid_input');
  });
});

describe('get-file-contents', () => {
  it('decodes a UTF-8 file from line-wrapped base64', async () => {
    const result = await fileContents.getFileContents(client(), { owner: 'acme', repo: 'widgets', path: 'README.md' });
    assert.deepEqual(fileContents.outputSchema.parse(result), result);
    assert.equal(result.text, README);
    assert.equal(result.sha, readmeSha);
    assert.equal(result.size, Buffer.byteLength(README));
    assert.equal(result.encoding, 'utf-8');
    assert.equal(result.ref, null);
    assert.equal(result.htmlUrl, 'https://github.com/acme/widgets/blob/main/README.md');
  });

  it('reads nested paths at a given ref', async () => {
    const main = await fileContents.getFileContents(client(), { owner: 'acme', repo: 'widgets', path: 'docs/guide/setup.md' });
    assert.equal(main.text, 'Run it.\n');
    const release = await fileContents.getFileContents(client(), { owner: 'acme', repo: 'widgets', path: 'docs/guide/setup.md', ref: 'release' });
    assert.equal(release.text, 'Run the release.\n');
    assert.equal(release.ref, 'release');
    assert.equal(release.name, 'setup.md');
  });

  it('refuses directories, binary files, non-UTF-8 text and oversized files with distinct codes', async () => {
    const c = client();
    const dir = await rejectsWith(fileContents.getFileContents(c, { owner: 'acme', repo: 'widgets', path: 'docs' }), 'not_a_file');
    assert.match(dir.message, /docs in acme\/widgets is a directory/);
    const png = await rejectsWith(fileContents.getFileContents(c, { owner: 'acme', repo: 'widgets', path: 'logo.png' }), 'binary_file');
    assert.match(png.message, /logo\.png .* binary file/);
    await rejectsWith(fileContents.getFileContents(c, { owner: 'acme', repo: 'widgets', path: 'latin1.txt' }), 'binary_file');
    await rejectsWith(fileContents.getFileContents(c, { owner: 'acme', repo: 'widgets', path: 'nul.dat' }), 'binary_file');
    const capped = await rejectsWith(fileContents.getFileContents(c, { owner: 'acme', repo: 'widgets', path: 'README.md', maxBytes: 100 }), 'file_too_large');
    assert.match(capped.message, new RegExp(`is ${Buffer.byteLength(README)} bytes; at most 100 bytes are read`));
    const huge = await rejectsWith(fileContents.getFileContents(c, { owner: 'acme', repo: 'widgets', path: 'huge.log' }), 'file_too_large');
    assert.equal(huge.retryable, false);
  });

  it('refuses paths that climb out or are absolute before asking GitHub', async () => {
    for (const path of ['../secrets', '/etc/passwd', 'docs//x', 'a/./b', 'nul\u0000byte']) {
      await rejectsWith(fileContents.getFileContents(client(), { owner: 'acme', repo: 'widgets', path }), 'invalid_input');
    }
  });
});

describe('healthcheck', () => {
  it('passes for a complete installation and a repository it covers', async () => {
    const result = await healthcheck.checkGitHubHealth(client(), { repository: { owner: 'acme', repo: 'widgets' } });
    assert.deepEqual(healthcheck.outputSchema.parse(result), result);
    assert.equal(result.ok, true, result.problems.join('; '));
    assert.equal(result.app.id, APP_ID);
    assert.equal(result.installation.account, 'acme');
    assert.equal(result.installation.repositorySelection, 'selected');
    assert.deepEqual(result.repositories, { totalCount: 1, names: ['acme/widgets'] });
    assert.deepEqual(result.repository, { fullName: 'acme/widgets', accessible: true });
    assert.deepEqual(result.missingPermissions, []);
  });

  it('reports missing permissions and an uncovered repository as problems', async () => {
    const result = await healthcheck.checkGitHubHealth(client(2), { repository: { owner: 'beta', repo: 'nothing-here' } });
    assert.equal(result.ok, false);
    assert.deepEqual(result.missingPermissions, ['contents: read'], 'write satisfies read; contents is missing');
    assert.deepEqual(result.repository, { fullName: 'beta/nothing-here', accessible: false });
    assert.equal(result.problems.length, 2);
  });

  it('reports an installation that sees no repository', async () => {
    const result = await healthcheck.checkGitHubHealth(client(3));
    assert.equal(result.ok, false);
    assert.deepEqual(result.problems, ['the installation has access to no repository']);
    assert.equal(result.repository, null);
  });

  it('lists what the read actions need, taken from the actions themselves', () => {
    assert.deepEqual(healthcheck.connectorPermissions, { pull_requests: 'read', issues: 'read', contents: 'read' });
  });

  it('throws a typed error when the installation does not exist', async () => {
    const err = await rejectsWith(healthcheck.checkGitHubHealth(client(99)), 'not_found');
    assert.match(err.message, /GET \/app\/installations\/99 answered HTTP 404/);
  });
});
