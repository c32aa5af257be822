/**
 * Install-time (and periodic) check that the GitHub connector works: the app credentials sign
 * a JWT GitHub accepts (`GET /app`), the installation belongs to this app and grants what the
 * read actions need (`GET /app/installations/{id}`), an installation token can be minted and
 * sees repositories (`GET /installation/repositories`), and optionally one named repository is
 * readable (`GET /repos/{owner}/{repo}`).
 *
 * Failing to authenticate or reach GitHub throws a `GitHubApiError`; everything else that is
 * wrong is reported in `problems`, and `ok` is true only when there are none.
 */
import { z } from 'zod';
import type { GitHubClient } from './client';
import { GitHubApiError } from './errors';
import { getFileContentsAction } from './actions/get-file-contents';
import { listIssuesAction } from './actions/list-issues';
import { listPullRequestsAction } from './actions/list-pull-requests';
import { ownerSchema, repoNameSchema } from './repository-ref';
import { parseInput, parseProvider } from './schema-parse';

/**
 * What the read actions need together, from their declared scopes (`pull_requests:read` is the
 * App permission `pull_requests: read`), so adding an action updates the check.
 */
export const connectorPermissions: Readonly<Record<string, 'read'>> = Object.fromEntries(
  [listPullRequestsAction, listIssuesAction, getFileContentsAction]
    .flatMap((action) => action.scopes)
    .flatMap((scope) => {
      const name = /^(\w+):read$/.exec(scope)?.[1];
      return name ? [[name, 'read'] as const] : [];
    }),
);

/** Input of {@link checkGitHubHealth}. */
export const inputSchema = z.object({
  repository: z.object({ owner: ownerSchema, repo: repoNameSchema }).strict().optional()
    .describe('A repository the connector must be able to read'),
}).strict();

/** Output of {@link checkGitHubHealth}. */
export const outputSchema = z.object({
  ok: z.boolean(),
  app: z.object({ id: z.number().int(), slug: z.string(), name: z.string() }),
  installation: z.object({
    id: z.number().int(),
    account: z.string().nullable(),
    repositorySelection: z.string(),
    permissions: z.record(z.string(), z.string()),
    suspended: z.boolean(),
  }),
  repositories: z.object({
    totalCount: z.number().int(),
    /** Full names of the first 100. */
    names: z.array(z.string()),
  }),
  /** Permissions the read actions need that the installation lacks, e.g. `contents: read`. */
  missingPermissions: z.array(z.string()),
  repository: z.object({ fullName: z.string(), accessible: z.boolean() }).nullable(),
  problems: z.array(z.string()),
});

/** Input as callers write it. */
export type GitHubHealthInput = z.input<typeof inputSchema>;
/** Output of {@link checkGitHubHealth}. */
export type GitHubHealthOutput = z.output<typeof outputSchema>;

const rawAppSchema = z.object({ id: z.number().int(), slug: z.string(), name: z.string() });
const rawInstallationSchema = z.object({
  id: z.number().int(),
  account: z.object({ login: z.string() }).nullable().optional(),
  repository_selection: z.string(),
  permissions: z.record(z.string(), z.string()),
  suspended_at: z.string().nullable().optional(),
});
const rawRepositoriesSchema = z.object({
  total_count: z.number().int(),
  repositories: z.array(z.object({ full_name: z.string() })),
});
const rawRepoSchema = z.object({ full_name: z.string() });

/** How {@link checkGitHubHealth} judges the installation (not part of the tool input). */
export interface GitHubHealthOptions {
  /**
   * Scopes (`perm:level`, e.g. `contents:read`) the install was reviewed and accepted without:
   * the actions needing them stay disabled, so their absence is not a problem. Default none.
   */
  acceptedWithout?: readonly string[];
}

/** Runs the check. */
export async function checkGitHubHealth(client: GitHubClient, input: GitHubHealthInput = {}, options: GitHubHealthOptions = {}): Promise<GitHubHealthOutput> {
  const args = parseInput(inputSchema, input, 'github healthcheck');
  const problems: string[] = [];

  const app = parseProvider(rawAppSchema, (await client.requestAsApp('GET /app')).data, 'GET /app');
  const installationPath = `GET /app/installations/${client.installationId}`;
  const installation = parseProvider(rawInstallationSchema,
    (await client.requestAsApp('GET /app/installations/{installation_id}', { installation_id: client.installationId })).data,
    installationPath);
  const suspended = installation.suspended_at != null;
  if (suspended) problems.push(`installation ${installation.id} is suspended`);

  // A permission the install was accepted without (a narrower grant) is not required: the
  // actions that need it were disabled at review, and the rest of the connector works.
  const acceptedWithout = new Set(options.acceptedWithout ?? []);
  const missingPermissions = Object.entries(connectorPermissions)
    .filter(([name, level]) => !acceptedWithout.has(`${name}:${level}`))
    .filter(([name]) => installation.permissions[name] !== 'read' && installation.permissions[name] !== 'write')
    .map(([name, level]) => `${name}: ${level}`);
  if (missingPermissions.length > 0) problems.push(`the installation lacks ${missingPermissions.join(', ')}`);

  const repos = parseProvider(rawRepositoriesSchema,
    (await client.request('GET /installation/repositories', { per_page: 100 })).data, 'GET /installation/repositories');
  if (repos.total_count === 0) problems.push('the installation has access to no repository');

  let repository: GitHubHealthOutput['repository'] = null;
  if (args.repository) {
    const { owner, repo } = args.repository;
    try {
      const found = parseProvider(rawRepoSchema, (await client.request('GET /repos/{owner}/{repo}', { owner, repo })).data, `GET /repos/${owner}/${repo}`);
      repository = { fullName: found.full_name, accessible: true };
    } catch (err) {
      // 404 is GitHub's answer for a repository outside the installation: a finding, not a failure.
      if (!(err instanceof GitHubApiError) || err.code !== 'not_found') throw err;
      repository = { fullName: `${owner}/${repo}`, accessible: false };
      problems.push(`repository ${owner}/${repo} does not exist or is not part of installation ${installation.id}`);
    }
  }

  return {
    ok: problems.length === 0,
    app: { id: app.id, slug: app.slug, name: app.name },
    installation: {
      id: installation.id,
      account: installation.account?.login ?? null,
      repositorySelection: installation.repository_selection,
      permissions: installation.permissions,
      suspended,
    },
    repositories: { totalCount: repos.total_count, names: repos.repositories.map((r) => r.full_name) },
    missingPermissions,
    repository,
    problems,
  };
}
