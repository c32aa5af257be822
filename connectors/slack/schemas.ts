/** Slack ids and message parts shared by several actions' schemas. */
import { z } from 'zod';

export const channelIdSchema = z.string().regex(/^[CGD][A-Z0-9]{2,}$/).describe('Conversation id (C…, G… or D…)');
/**
 * Where a new message may be posted: a conversation id, or a channel name as a tenant may have
 * configured its approval channel (chat.postMessage accepts both; Slack answers with the id,
 * which every later call on the message uses).
 */
export const postTargetSchema = z.union([
  channelIdSchema,
  z.string().regex(/^#?[a-z0-9][a-z0-9._-]{0,79}$/).describe('Channel name, e.g. #incident-approvals'),
]);
export const userIdSchema = z.string().regex(/^[UW][A-Z0-9]{2,}$/).describe('Slack user id (U… or W…)');
export const messageTsSchema = z.string().regex(/^\d+\.\d+$/).describe('Message timestamp, Slack\'s message id within a channel');
export const textSchema = z.string().min(1).max(40_000).describe('Fallback text for notifications and screen readers');
/** Each block needs its `type`; the rest is Slack's to check (Block Kit has too many shapes to restate). */
export const blocksSchema = z.array(z.looseObject({ type: z.string().min(1) })).max(50).describe('Block Kit blocks (Slack allows at most 50)');
/** Where a message is: its channel and ts. */
export const messageRefSchema = z.strictObject({ channel: channelIdSchema, ts: messageTsSchema });
