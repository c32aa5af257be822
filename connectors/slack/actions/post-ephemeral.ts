/**
 * Write action `slack.chat.post_ephemeral`: a notice in the request's thread that only one
 * approver sees (why their decision was not recorded). The approval machinery
 * (activities/slack-messages.ts) sends every such notice through this action.
 */
import { z } from 'zod';
import { defineSlackAction } from '../connection';
import { messagePreview, messageWritten } from '../message-preview';
import { parseAnswer } from '../provider-answer';
import { channelIdSchema, messageTsSchema, textSchema, userIdSchema } from '../schemas';

export const inputSchema = z.strictObject({ channel: channelIdSchema, user: userIdSchema, thread_ts: messageTsSchema.optional(), text: textSchema });
export const outputSchema = z.strictObject({ messageTs: messageTsSchema });

const postedSchema = z.object({ message_ts: z.string().min(1) });

/** The change is named after the one person who sees it. */
const field = (user: string): string => `ephemeral message to ${user}`;

export const postEphemeralAction = defineSlackAction({
  actionId: 'slack.chat.post_ephemeral',
  name: 'Post ephemeral notice',
  description: 'chat.postEphemeral in the request\'s thread, visible only to one approver: why their decision was not recorded.',
  kind: 'write',
  input: inputSchema,
  output: outputSchema,
  approvalGate: 'external_write',
  riskLevel: 'low',
  auditRequired: true,
  scopes: ['chat:write'],
  idempotency: 'required',
  reversal: {
    reversible: false,
    procedure: 'Ephemeral messages cannot be edited or deleted through the Web API; they are seen by one user only and vanish on reload. Post a correcting ephemeral notice if needed.',
    compensatingActionId: 'slack.chat.post_ephemeral',
  },
  preview: async (_ctx, input) => messagePreview(input.channel, input.text, field(input.user)),
  apply: async (ctx, input) => {
    const answer = await ctx.connection.client.chat.postEphemeral({
      channel: input.channel, user: input.user, text: input.text, ...(input.thread_ts ? { thread_ts: input.thread_ts } : {}),
    });
    const posted = parseAnswer(postedSchema, answer, 'chat.postEphemeral');
    return { output: { messageTs: posted.message_ts }, fields: messageWritten(input.text, field(input.user)) };
  },
});
