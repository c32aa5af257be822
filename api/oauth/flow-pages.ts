/** The pages a tenant admin's browser sees at the end of an authorisation: text only, no script. */
import type { Response } from 'express';
import { escapeHtml } from '../audit-page/escape-html';
import { htmlDocument } from '../audit-page/html-document';
import { sendHtmlPage } from '../audit-page/send-html-page';

export function sendFlowPage(res: Response, status: number, title: string, paragraphs: readonly string[]): void {
  sendHtmlPage(res, status, htmlDocument(title, `<h1>${escapeHtml(title)}</h1>\n${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}`));
}
