/**
 * Write action `slack.chat.post_approval_request`: the approval request (incident context, the
 * exact diff, Approve / Deny buttons) posted to the tenant's approval channel. The approval
 * machinery (activities/slack-messages.ts) posts every request through this action.
 */
import { z } from 'zod';
import { defineSlackAction } from '../connection';
import { messagePreview, messageWritten } from '../message-preview';
import { messageAnswerSchema, parseAnswer } from '../provider-answer';
import { blocksSchema, messageRefSchema, postTargetSchema, textSchema } from '../schemas';

export const inputSchema = z.strictObject({ channel: postTargetSchema, text: textSchema, blocks: blocksSchema });

export const postApprovalRequestAction = defineSlackAction({
  actionId: 'slack.chat.post_approval_request',
  name: 'Post approval request',
  description: 'chat.postMessage to the tenant\'s configured approval channel: the incident context, the exact proposed diff and Approve / Deny buttons. Posting there is the tenant\'s explicit configuration; it posts nowhere else.',
  kind: 'write',
  input: inputSchema,
  output: messageRefSchema,
  approvalGate: 'external_write',
  riskLevel: 'low',
  auditRequired: true,
  scopes: ['chat:write'],
  // chat.postMessage has no idempotency key: the run records the returned ts and must not post again once it has one.
  idempotency: 'required',
  reversal: {
    reversible: true,
    compensatingActionId: 'slack.chat.update_message',
    procedure: 'Replace the request with a "withdrawn" notice, which also removes the buttons.',
  },
  preview: async (_ctx, input) => messagePreview(input.channel, input.text),
  apply: async (ctx, input) => {
    const answer = await ctx.connection.client.chat.postMessage({ channel: input.channel, text: input.text, blocks: input.blocks, unfurl_links: false });
    const posted = parseAnswer(messageAnswerSchema, answer, 'chat.postMessage');
    return { output: { channel: posted.channel, ts: posted.ts }, fields: messageWritten(input.text) };
  },
});
