/**
 * What approving a Slack message write shows: the channel as the subject and the message text
 * as the change. Slack cannot be asked what a message said before without `channels:history`
 * (not requested), so a change's `from` is always empty.
 */
import type { FieldWriteResult, WritePreview } from '../framework/action-contract';

/** The preview of writing `text` in `channel` (`field` names what is written). */
export function messagePreview(channel: string, text: string, field = 'message'): WritePreview {
  return {
    subject: { connectorId: 'slack', kind: 'channel', id: channel, label: `#${channel}`, title: 'Slack channel', facts: [], requesters: [] },
    changes: [{ field, from: '', to: text }],
  };
}

/** The receipt fields of a message write that Slack accepted. */
export function messageWritten(text: string, field = 'message'): FieldWriteResult[] {
  return [{ field, before: '', after: text, outcome: 'applied' }];
}
