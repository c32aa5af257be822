/** Helpers to read what the Slack simulator holds, the way a person looks at the channel. */
import type { SlackMessage, SlackSimulator } from '../simulators/slack';
import { channelId } from './harness';

export function approvalMessage(slack: SlackSimulator): SlackMessage {
  const messages = slack.messages(channelId);
  if (messages.length !== 1) throw new Error(`expected one approval message, found ${messages.length}`);
  return messages[0]!;
}

/** Whether the message still offers Approve/Deny (a completed triage's "Revert…" does not count). */
export function hasDecisionButtons(message: SlackMessage): boolean {
  const blocks = JSON.stringify(message.blocks);
  return blocks.includes('"action_id":"gatehouse_approve"') || blocks.includes('"action_id":"gatehouse_deny"');
}

export function messageText(message: SlackMessage): string {
  return `${message.text}\n${JSON.stringify(message.blocks)}`;
}
