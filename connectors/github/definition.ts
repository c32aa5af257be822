/**
 * The GitHub connector (MVP): read-only access through a customer-registered GitHub App, for the
 * future SDLC workflows. App permissions are exactly Pull requests, Issues and Contents: read
 * (GitHub adds Metadata: read to every app by itself).
 *
 * Each action is one file under `actions/` holding its schemas, facts and implementation; this
 * file only lists them, so the manifest states exactly the schemas the code validates with.
 *
 * `implementationFiles` is every code file under `connectors/github/`, so the client code added
 * there is covered by the signature (regenerate and sign after changing it).
 */
import { codeFilesIn } from '../framework/code-files';
import { defineConnector } from '../framework/define-connector';
import { getFileContentsAction } from './actions/get-file-contents';
import { listIssuesAction } from './actions/list-issues';
import { listPullRequestsAction } from './actions/list-pull-requests';
import { connectGitHub } from './connection';
import { revokeGitHubTokens } from './revoke';

/** The GitHub connector. */
export const githubConnector = defineConnector({
  connectorId: 'github',
  name: 'GitHub',
  description: 'Lists pull requests and issues and reads files of the repositories a tenant installed its GitHub App on. Read-only: it cannot comment, push, merge or change settings.',
  category: 'development',
  version: '1.1.0',
  status: 'available',
  // A GitHub App acts as itself (app JWT → short-lived installation token), not as a user.
  authType: 'service_account',
  permissionsRequested: ['connector_read', 'connector_secret_management'],
  riskLevel: 'low',
  scopes: ['pull_requests:read', 'issues:read', 'contents:read'],
  actions: [listPullRequestsAction, listIssuesAction, getFileContentsAction],
  connect: connectGitHub,
  revoke: revokeGitHubTokens,
  healthcheck: {
    // Not one action: the check reads the app and the installation, which no action does.
    description: 'GET /app with the app JWT (the app id and private key are valid), GET /app/installations/{id} (the installation belongs to the app, is not suspended and grants Pull requests, Issues and Contents: read), GET /installation/repositories with a fresh installation token (it sees at least one repository), and GET /repos/{owner}/{repo} when the install config names a repository.',
  },
  disconnectPolicy: {
    revokeAtProvider: true,
    deleteCredentials: true,
    deleteCachedData: true,
    description: 'Gatehouse revokes the installation tokens the disconnecting worker minted that are still valid (DELETE /installation/token, one call per token; GitHub offers no call that revokes all of an installation\'s tokens, and a token minted by another Gatehouse process expires within its hour), then deletes the app private key and webhook secret, so no new token can be minted. The organisation admin uninstalls the GitHub App to remove its access entirely. Nothing read from GitHub is cached.',
  },
  dataRetentionPolicy: {
    retainedData: ['audit events naming the repository and action used'],
    retentionDays: null,
    description: 'File contents, pull requests and issues pass through runs and are not stored; run history keeps them for the Temporal namespace retention period. Audit events are kept for the life of the tenant.',
  },
  // Every code file in the connector's directory, this definition included: a new file is signed with the rest.
  implementationFiles: codeFilesIn('connectors/github'),
});
