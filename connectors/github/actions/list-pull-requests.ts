/**
 * Read action `github.pulls.list`: a repository's pull requests, one page at a time
 * (`GET /repos/{owner}/{repo}/pulls`). Its schemas are the manifest's: the action below hands
 * these same zod schemas to the manifest generator. Needs the installation permission
 * `pull_requests: read`.
 */
import { z } from 'zod';
import type { GitHubClient } from '../client';
import { nextPageFromLink } from '../link-header';
import { labelName, rawLabelSchema, rawUserSchema, timestampSchema } from '../provider-schemas';
import { ownerSchema, pagingShape, repoNameSchema } from '../repository-ref';
import { parseInput, parseProvider } from '../schema-parse';
import { configuredRepositoryFirstPage, defineGitHubAction } from '../connection';

/** Input of {@link listPullRequests}. */
export const inputSchema = z.object({
  owner: ownerSchema,
  repo: repoNameSchema,
  state: z.enum(['open', 'closed', 'all']).default('open').describe('Which pull requests to list'),
  base: z.string().min(1).max(255).optional().describe('Only pull requests into this base branch'),
  sort: z.enum(['created', 'updated']).default('created'),
  direction: z.enum(['asc', 'desc']).default('desc'),
  ...pagingShape,
}).strict();

/** One pull request, normalised. */
export const pullRequestSchema = z.object({
  number: z.number().int(),
  title: z.string(),
  state: z.enum(['open', 'closed']),
  merged: z.boolean(),
  draft: z.boolean(),
  author: z.string().nullable(),
  body: z.string().nullable(),
  labels: z.array(z.string()),
  headRef: z.string(),
  headSha: z.string(),
  baseRef: z.string(),
  htmlUrl: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
  mergedAt: z.string().nullable(),
});

/** Output of {@link listPullRequests}: one page, and the next page's number (null on the last page). */
export const outputSchema = z.object({
  pullRequests: z.array(pullRequestSchema),
  nextPage: z.number().int().nullable(),
});

/** Input as callers write it (defaults optional). */
export type ListPullRequestsInput = z.input<typeof inputSchema>;
/** Output of {@link listPullRequests}. */
export type ListPullRequestsOutput = z.output<typeof outputSchema>;
/** One normalised pull request. */
export type PullRequest = z.output<typeof pullRequestSchema>;

/** Provider schema of one list item (only the fields used). */
const rawPullSchema = z.object({
  number: z.number().int(),
  title: z.string(),
  state: z.enum(['open', 'closed']),
  draft: z.boolean().optional(),
  user: rawUserSchema,
  body: z.string().nullable().optional(),
  labels: z.array(rawLabelSchema).optional(),
  head: z.object({ ref: z.string(), sha: z.string() }),
  base: z.object({ ref: z.string() }),
  html_url: z.string(),
  created_at: timestampSchema,
  updated_at: timestampSchema,
  closed_at: timestampSchema.nullable().optional(),
  merged_at: timestampSchema.nullable().optional(),
});

function normalise(raw: z.output<typeof rawPullSchema>): PullRequest {
  return {
    number: raw.number,
    title: raw.title,
    state: raw.state,
    merged: raw.merged_at != null,
    draft: raw.draft ?? false,
    author: raw.user?.login ?? null,
    body: raw.body ?? null,
    labels: (raw.labels ?? []).map(labelName),
    headRef: raw.head.ref,
    headSha: raw.head.sha,
    baseRef: raw.base.ref,
    htmlUrl: raw.html_url,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
    closedAt: raw.closed_at ?? null,
    mergedAt: raw.merged_at ?? null,
  };
}

/** Lists one page of a repository's pull requests. Throws a `GitHubApiError` on any failure. */
export async function listPullRequests(client: GitHubClient, input: ListPullRequestsInput): Promise<ListPullRequestsOutput> {
  const args = parseInput(inputSchema, input, 'github list pull requests');
  const route = 'GET /repos/{owner}/{repo}/pulls';
  const response = await client.request(route, {
    owner: args.owner, repo: args.repo, state: args.state, base: args.base,
    sort: args.sort, direction: args.direction, per_page: args.perPage, page: args.page,
  }, { permission: 'pull_requests' });
  const raw = parseProvider(z.array(rawPullSchema), response.data, `GET /repos/${args.owner}/${args.repo}/pulls`);
  return { pullRequests: raw.map(normalise), nextPage: nextPageFromLink(response.headers['link']) };
}

/** The action: its facts for the manifest, and the implementation above. */
export const listPullRequestsAction = defineGitHubAction({
  actionId: 'github.pulls.list',
  name: 'List pull requests',
  description: 'GET /repos/{owner}/{repo}/pulls: one page of a repository\'s pull requests (open, newest first unless asked otherwise), with the next page\'s number.',
  kind: 'read',
  input: inputSchema,
  output: outputSchema,
  approvalGate: 'read_only',
  riskLevel: 'low',
  auditRequired: false,
  scopes: ['pull_requests:read'],
  idempotency: 'not_applicable',
  run: (ctx, input) => listPullRequests(ctx.connection.client, input),
  smokeInput: configuredRepositoryFirstPage,
  sampleInput: { owner: 'octocat', repo: 'Hello-World', state: 'open', perPage: 5 },
});
