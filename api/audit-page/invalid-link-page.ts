/** What a browser gets for a link whose signature does not match or whose time is up. */
import { escapeHtml } from './escape-html';
import { htmlDocument } from './html-document';

const MESSAGE = 'This audit link is invalid or has expired.';

/** Says no more than the JSON answer does: not which check failed, nor anything about the run. */
export function renderInvalidLinkPage(): string {
  return htmlDocument('Audit link invalid or expired', `<h1>${escapeHtml(MESSAGE)}</h1>
<p>Open the audit trail from a current Gatehouse message in Slack.</p>`);
}
