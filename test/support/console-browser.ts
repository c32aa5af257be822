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

/** Signs `who` in through the console's sign-in page at `origin`, as a person would; resolves once the marketplace shows. */
export async function signInOnPage(page: Page, origin: string, tenant: string, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${origin}/console/#/login`);
  await page.getByLabel('Tenant').fill(tenant);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#listings').waitFor();
}

/** A fresh watched page (see watchedPage) signed in as `who`. */
export async function signedInPage(browser: Browser, origin: string, tenant: string, who: { email: string; password: string }, viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const opened = await watchedPage(browser, viewport);
  await signInOnPage(opened.page, origin, tenant, who);
  return opened;
}
