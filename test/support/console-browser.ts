/**
 * What the console's browser tests share: where screenshots go, console accounts made through
 * the operator's admin API, and pages that collect what would show a broken page (script errors,
 * Content-Security-Policy violations).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Harness } from './harness';

/** Screenshots of the console, git-ignored. */
export const consoleArtifacts = path.resolve(__dirname, '../../test-artifacts/console');

/** A console account in the harness's tenant, created with the operator's admin API. */
export async function createConsoleAccount(h: Harness, account: { email: string; password: string; role: 'admin' | 'approver' | 'viewer'; approverId?: string }): Promise<void> {
  const res = await h.admin('POST', `/admin/tenants/${h.tenant.slug}/accounts`, { ...account, createdBy: 'console-browser-test' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

/** Collects script errors and CSP violations of `page`. */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(`csp: ${msg.text()}`);
  });
  return problems;
}

/** A fresh browser context and page (a laptop unless `viewport` says otherwise), watched. */
export async function watchedPage(browser: Browser, viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  return { context, page, problems: watchPage(page) };
}
