import { findButton } from './blocks';
import type { SlackStore } from './store';

/** Who clicked which button on which message. */
export interface ClickTarget {
  channel: string;
  ts: string;
  actionId: string;
  userId: string;
  force?: boolean;
}

/** Current time as a Slack `action_ts`: epoch seconds with 6 decimals. */
function actionTs(nowMs: number): string {
  return (nowMs / 1000).toFixed(6);
}

/**
 * Builds the `block_actions` payload Slack would send for a button click, registering a fresh
 * response_url on this simulator (`{baseUrl}/actions/{team}/{id}/{secret}`).
 *
 * @throws Error if the user, channel or message is unknown, or the message no longer has a button
 *   with `actionId` and `force` is not set (a real user cannot click a button that is gone).
 */
export function buildBlockActionsPayload(store: SlackStore, baseUrl: string, target: ClickTarget): Record<string, unknown> {
  const user = store.anyUser(target.userId);
  if (user === undefined) throw new Error(`click: unknown user ${target.userId}`);
  const channel = store.anyChannel(target.channel);
  if (channel === undefined) throw new Error(`click: unknown channel ${target.channel}`);
  const workspace = store.workspace(channel.teamId);
  if (workspace === undefined) throw new Error(`click: unknown workspace ${channel.teamId}`);
  // A forced click may target a deleted message: that is exactly the stale-click case it exists for.
  const message = store.findMessage(channel.id, target.ts, target.force === true);
  if (message === undefined) throw new Error(`click: no message ${target.ts} in ${channel.id}`);

  // A forced click stands for a user whose client still shows an earlier version of the
  // message: use the newest earlier version that had the button, as that client would send it.
  const found = findButton(message.blocks, target.actionId)
    ?? (target.force === true
      ? [...message.history].reverse().map((old) => findButton(old.blocks, target.actionId)).find((b) => b !== undefined)
      : undefined);
  if (found === undefined && target.force !== true) {
    throw new Error(`click: message ${message.ts} in ${channel.id} has no button with action_id ${target.actionId}`);
  }
  const element = found?.element ?? { type: 'button', action_id: target.actionId, text: { type: 'plain_text', text: target.actionId } };
  const action: Record<string, unknown> = {
    type: 'button',
    action_id: target.actionId,
    block_id: found?.blockId ?? 'stale-block',
    text: element['text'],
    action_ts: actionTs(Date.now()),
  };
  if (element['value'] !== undefined) action['value'] = element['value'];
  if (element['style'] !== undefined) action['style'] = element['style'];

  const responseUrl = store.createResponseUrl(workspace.teamId, channel.id, message.ts, user.id);
  const threadTs = message.thread_ts === undefined ? {} : { thread_ts: message.thread_ts };
  return {
    type: 'block_actions',
    user: { id: user.id, username: user.name, name: user.name, team_id: user.teamId },
    api_app_id: workspace.appId,
    token: workspace.verificationToken,
    container: { type: 'message', message_ts: message.ts, channel_id: channel.id, is_ephemeral: false, ...threadTs },
    trigger_id: store.modals.issueTrigger(workspace.teamId, user.id),
    team: { id: workspace.teamId, domain: workspace.domain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel.id, name: channel.name },
    message: {
      type: 'message',
      ts: message.ts,
      text: message.text,
      ...(message.user === undefined ? {} : { user: message.user }),
      ...(message.bot_id === undefined ? {} : { bot_id: message.bot_id }),
      ...(message.app_id === undefined ? {} : { app_id: message.app_id }),
      blocks: structuredClone(message.blocks),
      ...threadTs,
    },
    state: { values: {} },
    response_url: `${baseUrl}/actions/${workspace.teamId}/${responseUrl.id}/${responseUrl.secret}`,
    actions: [action],
  };
}
