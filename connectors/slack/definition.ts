/**
 * The Slack connector: approval requests with buttons, their final form, private notices to an
 * approver, plain messages to the approval channel, and the two lookups that resolve approvers.
 * Bot token scopes are exactly `chat:write` (every post and update), `users:read` and
 * `users:read.email` (users.info with the e-mail address the self-approval check matches on)
 * and `usergroups:read`.
 *
 * Each action is one file under `actions/` holding its schemas, facts and implementation. To add
 * one: `npm run new:action -- slack <resource>.<verb> --write|--read` writes the file and its test
 * and lists it here; give it the Web API method's bot scopes (adding new ones to `scopes` below),
 * bump `version`, then `npm run manifests -- generate && npm run manifests -- sign` (see
 * docs/connector-manifests.md, "Adding an action").
 */
import { codeFilesIn } from '../framework/code-files';
import { defineConnector } from '../framework/define-connector';
import { postApprovalRequestAction } from './actions/post-approval-request';
import { postEphemeralAction } from './actions/post-ephemeral';
import { postMessageAction } from './actions/post-message';
import { updateMessageAction } from './actions/update-message';
import { usergroupUsersListAction } from './actions/usergroups-users-list';
import { usersInfoAction } from './actions/users-info';
import { connectSlack } from './connection';
import { revokeSlackToken } from './revoke';

/** The Slack connector. */
export const slackConnector = defineConnector({
  connectorId: 'slack',
  name: 'Slack',
  description: 'Asks approvers in a channel with Approve / Deny buttons, replaces the request with its outcome and an audit link, tells an approver privately when a decision was not accepted, and posts approved messages to a channel. Looks up approvers (name, e-mail, active) to refuse self-approval.',
  category: 'communication',
  version: '1.2.0',
  status: 'available',
  authType: 'oauth',
  permissionsRequested: ['connector_read', 'connector_external_write', 'connector_secret_management'],
  riskLevel: 'high',
  scopes: ['chat:write', 'users:read', 'users:read.email', 'usergroups:read'],
  actions: [postApprovalRequestAction, updateMessageAction, postEphemeralAction, postMessageAction, usersInfoAction, usergroupUsersListAction],
  connect: connectSlack,
  revoke: revokeSlackToken,
  healthcheck: {
    description: 'auth.test with the bot token (needs no scope): ok means the token is valid, and the answer names the workspace and bot user. Channel membership is not probed (that would need channels:read, deliberately not requested): a bot missing from the approval channel shows as not_in_channel on the first post.',
  },
  disconnectPolicy: {
    revokeAtProvider: true,
    deleteCredentials: true,
    deleteCachedData: true,
    description: 'Gatehouse calls auth.revoke on the bot token, then deletes the token and the signing secret and disables the interactivity route token. Nothing from Slack is persisted; approvers\' e-mail addresses looked up for the self-approval check stay in worker memory for at most 5 minutes. The workspace admin may also uninstall the app.',
  },
  dataRetentionPolicy: {
    retainedData: [
      'channel id and ts of each approval message, in run state and audit records',
      'approver user ids and their decisions (audit)',
    ],
    retentionDays: null,
    description: 'Kept for the life of the tenant as the audit trail of who approved what; deleted with the tenant. Message contents and user profiles are not stored (e-mail addresses are held in memory for at most 5 minutes, never written).',
  },
  // Every code file in the connector's directory, this definition included: a new file is signed with the rest.
  implementationFiles: codeFilesIn('connectors/slack'),
});
