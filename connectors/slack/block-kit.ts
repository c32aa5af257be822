/** Minimal Block Kit element builders: just the shapes Gatehouse posts. */
export interface TextObject { type: 'mrkdwn' | 'plain_text'; text: string; emoji?: boolean }
export type Block =
  | { type: 'header'; text: TextObject }
  | { type: 'section'; text: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' }
  | { type: 'actions'; block_id: string; elements: ButtonElement[] };
export interface ButtonElement {
  type: 'button'; action_id: string; text: TextObject; value: string; style?: 'primary' | 'danger';
  confirm?: { title: TextObject; text: TextObject; confirm: TextObject; deny: TextObject };
}

export const mrkdwn = (text: string): TextObject => ({ type: 'mrkdwn', text });
export const plain = (text: string): TextObject => ({ type: 'plain_text', text, emoji: true });

/** Slack renders &, < and > as markup: escape anything that came from ServiceNow. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Section text is limited to 3000 characters by Slack. */
export function clip(text: string, max = 2900): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
