/** The approval channel as a person sees it: one message per run, replaced as the run goes on. */
import type { SlackMessage, SlackSimulator } from '../../test/simulators/slack';
import { channelId } from './local-stack';

/** The channel's only message: the approval request, later its outcome. Throws if there is not exactly one. */
export function approvalMessage(slack: SlackSimulator): SlackMessage {
  const messages = slack.messages(channelId);
  if (messages.length !== 1) throw new Error(`expected one approval message, found ${messages.length}`);
  return messages[0]!;
}
