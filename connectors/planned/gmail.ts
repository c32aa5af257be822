/**
 * Planned: Gmail / email, for customer follow-up. Reading and drafting are safe; sending an
 * external message is `external_write` and always needs an approval.
 */
import { z } from 'zod';
import { defineAction, defineConnector } from '../framework/define-connector';

const scope = {
  read: 'https://www.googleapis.com/auth/gmail.readonly',
  compose: 'https://www.googleapis.com/auth/gmail.compose',
  send: 'https://www.googleapis.com/auth/gmail.send',
} as const;
const messageId = z.string().regex(/^[0-9a-f]{8,}$/).describe('Gmail message id');
const threadId = z.string().regex(/^[0-9a-f]{8,}$/).describe('Gmail thread id');
const recipients = z.array(z.email()).min(1).max(50);
const outgoing = {
  to: recipients,
  cc: z.array(z.email()).max(50).optional(),
  subject: z.string().min(1).max(998),
  body: z.string().min(1).max(100_000).describe('Plain-text body'),
  threadId: threadId.optional().describe('Reply within this thread'),
};

/** The planned Gmail connector. */
export const gmailConnector = defineConnector({
  connectorId: 'gmail',
  name: 'Gmail',
  description: 'Reads messages, prepares drafts and, only after an approval, sends them. Note: Google\'s gmail.compose scope (needed for drafts) also permits sending, so the approval gate, not the scope, is what stops an unapproved send.',
  category: 'communication',
  version: '0.1.0',
  status: 'planned',
  authType: 'oauth',
  permissionsRequested: ['connector_read', 'connector_write_draft', 'connector_external_write', 'connector_secret_management'],
  riskLevel: 'high',
  scopes: [scope.read, scope.compose, scope.send],
  actions: [
    defineAction({
      actionId: 'gmail.messages.get',
      name: 'Read message',
      description: 'users.messages.get: headers and snippet (metadata) or the plain-text body (full) of one message.',
      kind: 'read',
      input: z.strictObject({ messageId, format: z.enum(['metadata', 'full']).optional() }),
      output: z.strictObject({
        id: messageId,
        threadId,
        from: z.string(),
        to: z.array(z.string()),
        subject: z.string(),
        snippet: z.string(),
        body: z.string().optional(),
        receivedAt: z.string(),
      }),
      approvalGate: 'read_only',
      riskLevel: 'low',
      auditRequired: false,
      scopes: [scope.read],
      idempotency: 'not_applicable',
      sampleInput: { messageId: '0000000000000000', format: 'metadata' },
    }),
    defineAction({
      actionId: 'gmail.drafts.create',
      name: 'Create draft',
      description: 'users.drafts.create: an unsent draft a person can review and send from Gmail.',
      kind: 'write',
      input: z.strictObject({ ...outgoing, idempotencyKey: z.string().min(8).max(128) }),
      output: z.strictObject({ draftId: z.string(), messageId }),
      approvalGate: 'artifact_generation',
      riskLevel: 'low',
      auditRequired: true,
      scopes: [scope.compose],
      idempotency: 'required',
      reversal: { reversible: true, procedure: 'Delete the draft (users.drafts.delete) or discard it in Gmail; it was never sent.' },
    }),
    defineAction({
      actionId: 'gmail.messages.send',
      name: 'Send approved message',
      description: 'users.messages.send of a message an approver saw word for word. A Message-ID derived from the idempotency key lets a retry find an earlier send.',
      kind: 'write',
      input: z.strictObject({ ...outgoing, idempotencyKey: z.string().min(8).max(128) }),
      output: z.strictObject({ messageId, threadId }),
      approvalGate: 'external_write',
      riskLevel: 'high',
      effects: ['sends_external_message'],
      auditRequired: true,
      scopes: [scope.send],
      idempotency: 'required',
      reversal: {
        reversible: false,
        compensatingActionId: 'gmail.messages.send',
        procedure: 'Sent mail cannot be recalled: send a correcting follow-up in the same thread, approved like the original.',
      },
    }),
  ],
  healthcheck: {
    description: 'Refreshes the OAuth token and calls users.getProfile (allowed by gmail.readonly): proves the grant is alive and names the mailbox.',
  },
  disconnectPolicy: {
    revokeAtProvider: true,
    deleteCredentials: true,
    deleteCachedData: true,
    description: 'Gatehouse revokes the refresh token at Google and deletes it. No mail is cached.',
  },
  dataRetentionPolicy: {
    retainedData: ['recipients, subject and Gmail ids of messages sent after approval (audit)'],
    retentionDays: null,
    description: 'Message bodies are not stored outside run history (Temporal namespace retention). The audit record of each approved send is kept for the life of the tenant.',
  },
  implementationFiles: ['connectors/planned/gmail.ts'],
});
