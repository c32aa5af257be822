/**
 * The Slack connector: approval requests with buttons, their final form, private notices to an
 * approver, and the two lookups that resolve approvers. Bot token scopes are exactly
 * `chat:write`, `users:read` and `usergroups:read`.
 *
 * To add an action: append a `defineAction({...})` below with the Web API method's bot scope,
 * then `npx tsx scripts/manifests.ts generate && npx tsx scripts/manifests.ts sign`.
 */
import { z } from 'zod';
import { codeFilesIn } from '../framework/code-files';
import { defineAction, defineConnector } from '../framework/define-connector';

const scope = { chatWrite: 'chat:write', usersRead: 'users:read', usergroupsRead: 'usergroups:read' } as const;

const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/).describe('Conversation id (C…, G… or D…)');
const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/).describe('Slack user id (U… or W…)');
const messageTs = z.string().regex(/^\d+\.\d+$/).describe('Message timestamp, Slack\'s message id within a channel');
const text = z.string().min(1).max(40_000).describe('Fallback text for notifications and screen readers');
const blocks = z.array(z.record(z.string(), z.unknown())).max(50).describe('Block Kit blocks (Slack allows at most 50)');
const messageRef = z.strictObject({ channel: channelId, ts: messageTs });

/** The Slack connector. */
export const slackConnector = defineConnector({
  connectorId: 'slack',
  name: 'Slack',
  description: 'Asks approvers in a channel with Approve / Deny buttons, replaces the request with its outcome and an audit link, and tells an approver privately when a decision was not accepted.',
  category: 'communication',
  version: '1.0.0',
  status: 'available',
  authType: 'oauth',
  permissionsRequested: ['connector_read', 'connector_external_write', 'connector_secret_management'],
  riskLevel: 'high',
  scopes: [scope.chatWrite, scope.usersRead, scope.usergroupsRead],
  actions: [
    defineAction({
      actionId: 'slack.chat.post_approval_request',
      name: 'Post approval request',
      description: 'chat.postMessage to the tenant\'s configured approval channel: the incident context, the exact proposed diff and Approve / Deny buttons. Posting there is the tenant\'s explicit configuration; it posts nowhere else.',
      kind: 'write',
      input: z.strictObject({ channel: channelId, text, blocks }),
      output: messageRef,
      approvalGate: 'external_write',
      riskLevel: 'low',
      auditRequired: true,
      scopes: [scope.chatWrite],
      // chat.postMessage has no idempotency key: the run records the returned ts and must not post again once it has one.
      idempotency: 'required',
      reversal: {
        reversible: true,
        compensatingActionId: 'slack.chat.update_message',
        procedure: 'Replace the request with a "withdrawn" notice, which also removes the buttons.',
      },
    }),
    defineAction({
      actionId: 'slack.chat.update_message',
      name: 'Update message',
      description: 'chat.update of a message Gatehouse posted: replaces the approval request with the outcome, who decided and the audit link, removing the buttons.',
      kind: 'write',
      input: z.strictObject({ channel: channelId, ts: messageTs, text, blocks }),
      output: messageRef,
      approvalGate: 'external_write',
      riskLevel: 'low',
      auditRequired: true,
      scopes: [scope.chatWrite],
      idempotency: 'natural',
      reversal: {
        reversible: false,
        compensatingActionId: 'slack.chat.update_message',
        procedure: 'Slack keeps no earlier version Gatehouse can restore: update the message again with corrected text.',
      },
    }),
    defineAction({
      actionId: 'slack.chat.post_ephemeral',
      name: 'Post ephemeral notice',
      description: 'chat.postEphemeral in the request\'s thread, visible only to one approver: why their decision was not recorded.',
      kind: 'write',
      input: z.strictObject({ channel: channelId, user: userId, thread_ts: messageTs.optional(), text }),
      output: z.strictObject({ messageTs }),
      approvalGate: 'external_write',
      riskLevel: 'low',
      auditRequired: true,
      scopes: [scope.chatWrite],
      idempotency: 'required',
      reversal: {
        reversible: false,
        procedure: 'Ephemeral messages cannot be edited or deleted through the Web API; they are seen by one user only and vanish on reload. Post a correcting ephemeral notice if needed.',
        compensatingActionId: 'slack.chat.post_ephemeral',
      },
    }),
    defineAction({
      actionId: 'slack.users.info',
      name: 'Look up user',
      description: 'users.info: a user\'s name and whether the account is active, to show approvers by name and refuse deactivated ones.',
      kind: 'read',
      input: z.strictObject({ user: userId }),
      output: z.strictObject({
        id: userId,
        name: z.string(),
        realName: z.string().optional(),
        teamId: z.string(),
        isBot: z.boolean(),
        deleted: z.boolean(),
      }),
      approvalGate: 'read_only',
      riskLevel: 'low',
      auditRequired: false,
      scopes: [scope.usersRead],
      idempotency: 'not_applicable',
      sampleInput: { user: 'U0000000000' },
    }),
    defineAction({
      actionId: 'slack.usergroups.users.list',
      name: 'List user group members',
      description: 'usergroups.users.list: the members of a user group, so a tenant can name an approver group instead of individual users.',
      kind: 'read',
      input: z.strictObject({ usergroup: z.string().regex(/^S[A-Z0-9]{2,}$/).describe('User group id (S…)'), includeDisabled: z.boolean().optional() }),
      output: z.strictObject({ users: z.array(userId) }),
      approvalGate: 'read_only',
      riskLevel: 'low',
      auditRequired: false,
      scopes: [scope.usergroupsRead],
      idempotency: 'not_applicable',
      sampleInput: { usergroup: 'S0000000000' },
    }),
  ],
  healthcheck: {
    description: 'auth.test with the bot token (needs no scope): ok means the token is valid; the answered team_id must equal the tenant\'s teamId. Channel membership is not probed (that would need channels:read, deliberately not requested): a bot missing from the approval channel shows as not_in_channel on the first post.',
  },
  disconnectPolicy: {
    revokeAtProvider: true,
    deleteCredentials: true,
    deleteCachedData: true,
    description: 'Gatehouse calls auth.revoke on the bot token, then deletes the token and the signing secret and disables the interactivity route token. Nothing is cached from Slack. The workspace admin may also uninstall the app.',
  },
  dataRetentionPolicy: {
    retainedData: [
      'channel id and ts of each approval message, in run state and audit records',
      'approver user ids and their decisions (audit)',
    ],
    retentionDays: null,
    description: 'Kept for the life of the tenant as the audit trail of who approved what; deleted with the tenant. Message contents and user profiles are not stored.',
  },
  // Every code file in the connector's directory, this definition included: a new file is signed with the rest.
  implementationFiles: codeFilesIn('connectors/slack'),
});
