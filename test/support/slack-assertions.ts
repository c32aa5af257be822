/** Helpers to read what the Slack simulator holds, the way a person looks at the channel. */
import type { SlackMessage, SlackSimulator } from '../simulators/slack';
import { channelId } from './harness';

export function approvalMessage(slack: SlackSimulator): SlackMessage {
  const messages = slack.messages(channelId);
  if (messages.length !== 1) throw new Error(`expected one approval message, found ${messages.length}`);
  return messages[0]!;
}

export function hasButtons(message: SlackMessage): boolean {
  return JSON.stringify(message.blocks).includes('"type":"button"');
}

export function messageText(message: SlackMessage): string {
  return `${message.text}\n${JSON.stringify(message.blocks)}`;
}
