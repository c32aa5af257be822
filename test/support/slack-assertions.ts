/** Helpers to read what the Slack simulator holds, the way a person looks at the channel. */
import type { SlackMessage } from '../simulators/slack';

export { approvalMessage } from '../../scripts/local-stack/approval-message';

/** Whether the message still offers Approve/Deny (a completed triage's "Revert…" does not count). */
export function hasDecisionButtons(message: SlackMessage): boolean {
  const blocks = JSON.stringify(message.blocks);
  return blocks.includes('"action_id":"gatehouse_approve"') || blocks.includes('"action_id":"gatehouse_deny"');
}

export function messageText(message: SlackMessage): string {
  return `${message.text}\n${JSON.stringify(message.blocks)}`;
}
