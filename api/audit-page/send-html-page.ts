/** Sends an audit page with the headers every one of them carries. */
import type { Response } from 'express';

/**
 * No script may run, nothing is sniffed as another type, and because the link's signature sits in
 * its URL, no Referer may carry it away and no cache may keep the page.
 */
export const AUDIT_PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
} as const;

export function sendHtmlPage(res: Response, status: number, html: string): void {
  res.status(status).set(AUDIT_PAGE_HEADERS).send(html);
}
