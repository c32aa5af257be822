/**
 * Read action `github.issues.list`: a repository's issues, one page at a time
 * (`GET /repos/{owner}/{repo}/issues`), without pull requests. GitHub's issues list includes
 * pull requests (marked by a `pull_request` key); they are dropped here, so a page may hold
 * fewer than `perPage` issues while `nextPage` still says whether GitHub has more.
 * Needs the installation permission `issues: read`.
 */
import { z } from 'zod';
import type { GitHubClient } from '../client';
import { nextPageFromLink } from '../link-header';
import { labelName, rawLabelSchema, rawUserSchema, timestampSchema } from '../provider-schemas';
import { ownerSchema, pagingShape, repoNameSchema } from '../repository-ref';
import { parseInput, parseProvider } from '../schema-parse';
import { configuredRepositoryFirstPage, defineGitHubAction } from '../connection';

/** Input of {@link listIssues}. */
export const inputSchema = z.object({
  owner: ownerSchema,
  repo: repoNameSchema,
  state: z.enum(['open', 'closed', 'all']).default('open').describe('Which issues to list'),
  // GitHub takes labels as one comma-separated parameter, so a name cannot contain a comma.
  labels: z.array(z.string().min(1).max(100).regex(/^[^,]+$/, 'a label name cannot contain a comma')).max(20).optional()
    .describe('Only issues carrying all of these labels'),
  since: z.iso.datetime({ offset: true }).optional().describe('Only issues updated at or after this time (ISO 8601)'),
  sort: z.enum(['created', 'updated', 'comments']).default('created'),
  direction: z.enum(['asc', 'desc']).default('desc'),
  ...pagingShape,
}).strict();

/** One issue, normalised. */
export const issueSchema = z.object({
  number: z.number().int(),
  title: z.string(),
  state: z.enum(['open', 'closed']),
  stateReason: z.string().nullable(),
  author: z.string().nullable(),
  body: z.string().nullable(),
  labels: z.array(z.string()),
  assignees: z.array(z.string()),
  comments: z.number().int(),
  htmlUrl: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
});

/** Output of {@link listIssues}. */
export const outputSchema = z.object({
  issues: z.array(issueSchema),
  /** The next page's number, null on the last page. */
  nextPage: z.number().int().nullable(),
  /** How many items of this page were pull requests and were left out. */
  pullRequestsSkipped: z.number().int(),
});

/** Input as callers write it (defaults optional). */
export type ListIssuesInput = z.input<typeof inputSchema>;
/** Output of {@link listIssues}. */
export type ListIssuesOutput = z.output<typeof outputSchema>;
/** One normalised issue. */
export type Issue = z.output<typeof issueSchema>;

/** Provider schema of one list item (only the fields used). */
const rawIssueSchema = z.object({
  number: z.number().int(),
  title: z.string(),
  state: z.enum(['open', 'closed']),
  state_reason: z.string().nullable().optional(),
  user: rawUserSchema,
  body: z.string().nullable().optional(),
  labels: z.array(rawLabelSchema).optional(),
  assignees: z.array(z.object({ login: z.string() })).nullable().optional(),
  comments: z.number().int().optional(),
  html_url: z.string(),
  created_at: timestampSchema,
  updated_at: timestampSchema,
  closed_at: timestampSchema.nullable().optional(),
  /** Present only on pull requests. */
  pull_request: z.looseObject({}).optional(),
});

function normalise(raw: z.output<typeof rawIssueSchema>): Issue {
  return {
    number: raw.number,
    title: raw.title,
    state: raw.state,
    stateReason: raw.state_reason ?? null,
    author: raw.user?.login ?? null,
    body: raw.body ?? null,
    labels: (raw.labels ?? []).map(labelName),
    assignees: (raw.assignees ?? []).map((a) => a.login),
    comments: raw.comments ?? 0,
    htmlUrl: raw.html_url,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
    closedAt: raw.closed_at ?? null,
  };
}

/** Lists one page of a repository's issues, pull requests excluded. Throws a `GitHubApiError` on any failure. */
export async function listIssues(client: GitHubClient, input: ListIssuesInput): Promise<ListIssuesOutput> {
  const args = parseInput(inputSchema, input, 'github list issues');
  const response = await client.request('GET /repos/{owner}/{repo}/issues', {
    owner: args.owner, repo: args.repo, state: args.state, labels: args.labels?.join(','), since: args.since,
    sort: args.sort, direction: args.direction, per_page: args.perPage, page: args.page,
  }, { permission: 'issues' });
  const raw = parseProvider(z.array(rawIssueSchema), response.data, `GET /repos/${args.owner}/${args.repo}/issues`);
  const issues = raw.filter((item) => item.pull_request === undefined);
  return {
    issues: issues.map(normalise),
    nextPage: nextPageFromLink(response.headers['link']),
    pullRequestsSkipped: raw.length - issues.length,
  };
}

/** The action: its facts for the manifest, and the implementation above. */
export const listIssuesAction = defineGitHubAction({
  actionId: 'github.issues.list',
  name: 'List issues',
  description: 'GET /repos/{owner}/{repo}/issues: one page of a repository\'s issues. GitHub returns pull requests there too; they are left out and counted in pullRequestsSkipped.',
  kind: 'read',
  input: inputSchema,
  output: outputSchema,
  approvalGate: 'read_only',
  riskLevel: 'low',
  auditRequired: false,
  scopes: ['issues:read'],
  idempotency: 'not_applicable',
  run: (ctx, input) => listIssues(ctx.connection.client, input),
  smokeInput: configuredRepositoryFirstPage,
  sampleInput: { owner: 'octocat', repo: 'Hello-World', state: 'open', perPage: 5 },
});
