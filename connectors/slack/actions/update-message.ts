/**
 * Write action `slack.chat.update_message`: replaces a message Gatehouse posted (the approval
 * request becomes its outcome, who decided and the audit link, without buttons). The approval
 * machinery (activities/slack-messages.ts) makes every such update through this action.
 */
import { z } from 'zod';
import { defineSlackAction } from '../connection';
import { messagePreview, messageWritten } from '../message-preview';
import { messageAnswerSchema, parseAnswer } from '../provider-answer';
import { blocksSchema, channelIdSchema, messageRefSchema, messageTsSchema, textSchema } from '../schemas';

export const inputSchema = z.strictObject({ channel: channelIdSchema, ts: messageTsSchema, text: textSchema, blocks: blocksSchema });

export const updateMessageAction = defineSlackAction({
  actionId: 'slack.chat.update_message',
  name: 'Update message',
  description: 'chat.update of a message Gatehouse posted: replaces the approval request with the outcome, who decided and the audit link, removing the buttons.',
  kind: 'write',
  input: inputSchema,
  output: messageRefSchema,
  approvalGate: 'external_write',
  riskLevel: 'low',
  auditRequired: true,
  scopes: ['chat:write'],
  // Writing the same text and blocks again leaves the message as it was.
  idempotency: 'natural',
  reversal: {
    reversible: false,
    compensatingActionId: 'slack.chat.update_message',
    procedure: 'Slack keeps no earlier version Gatehouse can restore: update the message again with corrected text.',
  },
  preview: async (_ctx, input) => messagePreview(input.channel, input.text),
  apply: async (ctx, input) => {
    const answer = await ctx.connection.client.chat.update({ channel: input.channel, ts: input.ts, text: input.text, blocks: input.blocks });
    const updated = parseAnswer(messageAnswerSchema, answer, 'chat.update');
    return { output: { channel: updated.channel, ts: updated.ts }, fields: messageWritten(input.text) };
  },
});
