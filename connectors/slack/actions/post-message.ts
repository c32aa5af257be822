/**
 * Write action `slack.chat.post_message`: posts a message (text, optionally Block Kit blocks) to
 * the tenant's approval channel, or to a channel the input names. Slack has no idempotency key
 * for chat.postMessage: the action runtime stores each receipt under `ctx.idempotencyKey` and
 * answers a retry with the stored one, so this only posts.
 */
import { z } from 'zod';
import { defineSlackAction } from '../connection';
import { messagePreview, messageWritten } from '../message-preview';
import { messageAnswerSchema, parseAnswer } from '../provider-answer';
import { blocksSchema, messageRefSchema, messageTsSchema, postTargetSchema, textSchema } from '../schemas';

export const inputSchema = z.strictObject({
  channel: postTargetSchema.optional().describe('Conversation id or channel name; default the tenant\'s approval channel'),
  thread_ts: messageTsSchema.optional().describe('Post as a reply in this message\'s thread'),
  text: textSchema,
  blocks: blocksSchema.optional(),
});

export const postMessageAction = defineSlackAction({
  actionId: 'slack.chat.post_message',
  name: 'Post message',
  description: 'chat.postMessage of a text (and optional Block Kit blocks) to the tenant\'s approval channel or the channel the input names, as the Gatehouse bot. The bot must be a member of that channel.',
  kind: 'write',
  input: inputSchema,
  output: messageRefSchema,
  approvalGate: 'external_write',
  riskLevel: 'low',
  auditRequired: true,
  scopes: ['chat:write'],
  idempotency: 'required',
  reversal: {
    // chat.delete (scope chat:write) removes a message the bot posted; no action wraps it yet.
    reversible: true,
    procedure: 'Delete the message: chat.delete with the channel and ts in the receipt, using the bot token (a bot may delete only its own messages), or "Delete message" in Slack by a workspace admin.',
  },
  preview: async (ctx, input) => messagePreview(input.channel ?? ctx.connection.approvalChannel, input.text),
  apply: async (ctx, input, approved) => {
    // The channel the approver saw, even if the tenant's approval channel changed since.
    const channel = approved.subject.id;
    const answer = await ctx.connection.client.chat.postMessage({
      channel, text: input.text, ...(input.blocks ? { blocks: input.blocks } : {}), ...(input.thread_ts ? { thread_ts: input.thread_ts } : {}), unfurl_links: false,
    });
    const posted = parseAnswer(messageAnswerSchema, answer, 'chat.postMessage');
    return { output: { channel: posted.channel, ts: posted.ts }, fields: messageWritten(input.text) };
  },
});
