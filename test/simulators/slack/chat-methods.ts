import { readBlocks } from './blocks';
import { failure, success, type MethodContext, type MethodHandler, type MethodOutcome } from './method-context';
import { stringParam } from './request-params';
import type { ChannelRecord, MessageRecord, WorkspaceRecord } from './types';

/** Slack truncates/rejects text beyond 40,000 characters. */
const MAX_TEXT_LENGTH = 40_000;

/** Text and blocks of a message-writing call, validated. */
type Content =
  | { ok: true; text: string | undefined; blocks: unknown[] | undefined }
  | { ok: false; error: string };

/** Validates `text`/`blocks`: at least one must carry content (`no_text`), blocks well-formed. */
function readContent(ctx: MethodContext): Content {
  const text = stringParam(ctx.params, 'text');
  const blocks = readBlocks(ctx.params);
  if (blocks.kind === 'invalid') return { ok: false, error: 'invalid_blocks' };
  const blockList = blocks.kind === 'ok' ? blocks.blocks : undefined;
  const hasText = text !== undefined && text.trim() !== '';
  if (!hasText && (blockList === undefined || blockList.length === 0)) return { ok: false, error: 'no_text' };
  if (text !== undefined && text.length > MAX_TEXT_LENGTH) return { ok: false, error: 'msg_too_long' };
  return { ok: true, text, blocks: blockList };
}

/** Resolves `channel` within the caller's workspace. */
function readChannel(ctx: MethodContext): ChannelRecord | undefined {
  const channel = stringParam(ctx.params, 'channel');
  return channel === undefined || channel === '' ? undefined : ctx.store.channel(ctx.workspace.teamId, channel);
}

/** The `message` object Slack echoes back from chat.postMessage / chat.update. */
export function messageJson(m: MessageRecord, w: WorkspaceRecord): Record<string, unknown> {
  return {
    type: 'message',
    user: m.user,
    bot_id: m.bot_id,
    app_id: m.app_id,
    text: m.text,
    blocks: m.blocks,
    team: w.teamId,
    ts: m.ts,
    ...(m.thread_ts === undefined ? {} : { thread_ts: m.thread_ts }),
    bot_profile: { id: w.botId, app_id: w.appId, name: w.botName, team_id: w.teamId, deleted: false },
  };
}

/** chat.postMessage: posts as the workspace's bot; the bot must be in the channel. */
export const postMessage: MethodHandler = (ctx): MethodOutcome => {
  const channel = readChannel(ctx);
  if (channel === undefined) return failure('channel_not_found');
  if (!channel.botIsMember) return failure('not_in_channel');
  const content = readContent(ctx);
  if (!content.ok) return failure(content.error);
  const threadTs = stringParam(ctx.params, 'thread_ts');
  const w = ctx.workspace;
  const message = ctx.store.postMessage({
    teamId: w.teamId,
    channel: channel.id,
    text: content.text ?? '',
    blocks: content.blocks ?? [],
    ...(threadTs === undefined || threadTs === '' ? {} : { thread_ts: threadTs }),
    user: w.botUserId,
    bot_id: w.botId,
    app_id: w.appId,
  });
  return success({ channel: channel.id, ts: message.ts, message: messageJson(message, w) });
};

/**
 * chat.update: replaces text and/or blocks. As in Slack, an omitted `blocks` keeps the old blocks
 * (send `[]` to clear them); an omitted `text` keeps the old text.
 */
export const updateMessage: MethodHandler = (ctx): MethodOutcome => {
  const channel = readChannel(ctx);
  if (channel === undefined) return failure('channel_not_found');
  const ts = stringParam(ctx.params, 'ts');
  const message = ts === undefined ? undefined : ctx.store.findMessage(channel.id, ts);
  if (message === undefined) return failure('message_not_found');
  if (message.bot_id !== ctx.workspace.botId) return failure('cant_update_message');
  const content = readContent(ctx);
  if (!content.ok) return failure(content.error);
  ctx.store.updateMessage(message, content.text ?? message.text, content.blocks ?? message.blocks);
  return success({
    channel: channel.id,
    ts: message.ts,
    text: message.text,
    message: messageJson(message, ctx.workspace),
  });
};

/** chat.postEphemeral: shows a message to one user; membership of that user is not modelled. */
export const postEphemeral: MethodHandler = (ctx): MethodOutcome => {
  const channel = readChannel(ctx);
  if (channel === undefined) return failure('channel_not_found');
  if (!channel.botIsMember) return failure('not_in_channel');
  const userId = stringParam(ctx.params, 'user');
  const user = userId === undefined ? undefined : ctx.store.user(ctx.workspace.teamId, userId);
  if (user === undefined) return failure('user_not_found');
  const content = readContent(ctx);
  if (!content.ok) return failure(content.error);
  ctx.store.addEphemeral({
    channel: channel.id,
    user: user.id,
    text: content.text ?? '',
    ...(content.blocks === undefined ? {} : { blocks: content.blocks }),
    viaResponseUrl: false,
  });
  return success({ message_ts: ctx.store.nextTs() });
};
