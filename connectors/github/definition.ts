/**
 * The GitHub connector (MVP): read-only access through a customer-registered GitHub App, for the
 * future SDLC workflows. App permissions are exactly Pull requests, Issues and Contents: read
 * (GitHub adds Metadata: read to every app by itself).
 *
 * `implementationFiles` is every code file under `connectors/github/`, so the client code added
 * there is covered by the signature (regenerate and sign after changing it).
 */
import { z } from 'zod';
import { codeFilesIn } from '../framework/code-files';
import { defineAction, defineConnector } from '../framework/define-connector';

const scope = { pullsRead: 'pull_requests:read', issuesRead: 'issues:read', contentsRead: 'contents:read' } as const;

const owner = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/).describe('Repository owner (user or organisation login)');
const repo = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/).describe('Repository name');
const state = z.enum(['open', 'closed', 'all']).optional().describe('Defaults to open');
const page = z.strictObject({ perPage: z.number().int().min(1).max(100).optional(), page: z.number().int().min(1).optional() }).shape;
const login = z.string().describe('Login of the author');
const timestamp = z.string().describe('ISO 8601 timestamp as GitHub returns it');

/** The GitHub connector. */
export const githubConnector = defineConnector({
  connectorId: 'github',
  name: 'GitHub',
  description: 'Lists pull requests and issues and reads files of the repositories a tenant installed its GitHub App on. Read-only: it cannot comment, push, merge or change settings.',
  category: 'development',
  version: '1.0.0',
  status: 'available',
  // A GitHub App acts as itself (app JWT → short-lived installation token), not as a user.
  authType: 'service_account',
  permissionsRequested: ['connector_read', 'connector_secret_management'],
  riskLevel: 'low',
  scopes: [scope.pullsRead, scope.issuesRead, scope.contentsRead],
  actions: [
    defineAction({
      actionId: 'github.pulls.list',
      name: 'List pull requests',
      description: 'GET /repos/{owner}/{repo}/pulls: pull requests of one repository, newest first.',
      kind: 'read',
      input: z.strictObject({ owner, repo, state, ...page }),
      output: z.strictObject({
        pullRequests: z.array(z.strictObject({
          number: z.number().int().positive(),
          title: z.string(),
          state: z.enum(['open', 'closed']),
          draft: z.boolean(),
          merged: z.boolean(),
          author: login,
          htmlUrl: z.string(),
          createdAt: timestamp,
          updatedAt: timestamp,
        })),
      }),
      approvalGate: 'read_only',
      riskLevel: 'low',
      auditRequired: false,
      scopes: [scope.pullsRead],
      idempotency: 'not_applicable',
      sampleInput: { owner: 'octocat', repo: 'Hello-World', state: 'open', perPage: 5 },
    }),
    defineAction({
      actionId: 'github.issues.list',
      name: 'List issues',
      description: 'GET /repos/{owner}/{repo}/issues: issues of one repository. GitHub returns pull requests there too; they are filtered out.',
      kind: 'read',
      input: z.strictObject({ owner, repo, state, labels: z.array(z.string()).optional(), ...page }),
      output: z.strictObject({
        issues: z.array(z.strictObject({
          number: z.number().int().positive(),
          title: z.string(),
          state: z.enum(['open', 'closed']),
          labels: z.array(z.string()),
          author: login,
          htmlUrl: z.string(),
          createdAt: timestamp,
          updatedAt: timestamp,
        })),
      }),
      approvalGate: 'read_only',
      riskLevel: 'low',
      auditRequired: false,
      scopes: [scope.issuesRead],
      idempotency: 'not_applicable',
      sampleInput: { owner: 'octocat', repo: 'Hello-World', state: 'open', perPage: 5 },
    }),
    defineAction({
      actionId: 'github.contents.get',
      name: 'Fetch file contents',
      description: 'GET /repos/{owner}/{repo}/contents/{path}: one file (up to 1 MB) at a branch, tag or commit. Directories and submodules are refused.',
      kind: 'read',
      input: z.strictObject({
        owner,
        repo,
        path: z.string().min(1).regex(/^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$)).+$/).describe('File path inside the repository'),
        ref: z.string().min(1).optional().describe('Branch, tag or commit SHA; defaults to the default branch'),
      }),
      output: z.strictObject({
        path: z.string(),
        sha: z.string().regex(/^[0-9a-f]{40}$/),
        size: z.number().int().nonnegative(),
        encoding: z.literal('base64'),
        content: z.string(),
      }),
      approvalGate: 'read_only',
      riskLevel: 'low',
      auditRequired: false,
      scopes: [scope.contentsRead],
      idempotency: 'not_applicable',
      sampleInput: { owner: 'octocat', repo: 'Hello-World', path: 'README' },
    }),
  ],
  healthcheck: {
    actionId: 'github.pulls.list',
    description: 'Creates an installation access token with the app JWT (proves the app id, private key and installation are valid), then runs github.pulls.list for one page (on a repository the installation covers, or the sample\'s public repository).',
  },
  disconnectPolicy: {
    revokeAtProvider: true,
    deleteCredentials: true,
    deleteCachedData: true,
    description: 'Gatehouse revokes the current installation token (DELETE /installation/token) and deletes the app private key reference and webhook secret. The organisation admin uninstalls the GitHub App to remove its access entirely. Nothing read from GitHub is cached.',
  },
  dataRetentionPolicy: {
    retainedData: ['audit events naming the repository and action used'],
    retentionDays: null,
    description: 'File contents, pull requests and issues pass through runs and are not stored; run history keeps them for the Temporal namespace retention period. Audit events are kept for the life of the tenant.',
  },
  // Every code file in the connector's directory, this definition included: a new file is signed with the rest.
  implementationFiles: codeFilesIn('connectors/github'),
});
