/**
 * The modal that asks why a triage should be reverted. Opened from the "Revert…" button of a
 * triage's outcome message; its submission starts the revert with the reason as written.
 */
import { parseJsonObject, type RevertButtonValue } from './action-ids';
import type { ModalView, PlainTextElement } from '@slack/web-api';
import { mrkdwn } from './block-kit';

/** Slack's modal fields take plain_text only (block-kit's `plain` is typed for both kinds). */
const text = (value: string): PlainTextElement => ({ type: 'plain_text', text: value, emoji: true });

export const revertModalCallbackId = 'gatehouse_revert_reason';
/** block_id and action_id of the reason input (also the key of its submission errors). */
export const revertReasonBlockId = 'reason';
export const revertReasonMinLength = 5;
export const revertReasonMaxLength = 500;

/** What the modal remembers between opening and submission (Slack's private_metadata). */
export interface RevertModalMetadata extends RevertButtonValue {
  /** Channel of the outcome message: where the requester is told the result. */
  channel: string;
}

export function revertModal(metadata: RevertModalMetadata): ModalView {
  return {
    type: 'modal', callback_id: revertModalCallbackId,
    private_metadata: JSON.stringify({ w: metadata.workflowId, run: metadata.runId, c: metadata.channel }),
    title: text('Revert a triage'), submit: text('Ask for the revert'), close: text('Cancel'),
    blocks: [
      { type: 'section', text: mrkdwn(`Gatehouse will ask the approvers to put back the fields triage run \`${metadata.workflowId}\` changed. Fields changed by someone since stay as they are. You cannot approve your own request.`) },
      {
        type: 'input', block_id: revertReasonBlockId, label: text('Why should it be reverted?'),
        element: {
          type: 'plain_text_input', action_id: revertReasonBlockId, multiline: true,
          min_length: revertReasonMinLength, max_length: revertReasonMaxLength, placeholder: text('e.g. routed to the wrong team'),
        },
      },
    ],
  };
}

export function decodeRevertModalMetadata(raw: string | undefined): RevertModalMetadata | undefined {
  const parsed = parseJsonObject(raw);
  return typeof parsed?.w === 'string' && typeof parsed.run === 'string' && typeof parsed.c === 'string'
    ? { workflowId: parsed.w, runId: parsed.run, channel: parsed.c }
    : undefined;
}
