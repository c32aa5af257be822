/**
 * The admin console in a real browser (Debian's Chromium) against the running stack: the page
 * runs under its strict Content-Security-Policy without a violation, a signed-out visitor lands on
 * the sign-in page, wrong credentials are refused on the page; an admin signs in, reads the
 * marketplace (ServiceNow available, a planned connector not installable), opens an install
 * review, unticks an action and sees its simulated decision change; a viewer reads the same
 * review without an Enable button. Screenshots go to test-artifacts/console/ (git-ignored).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchChromium } from '../support/browser';
import { useTimeSkippingHarness } from '../support/harness-suite';
import { consoleArtifacts, createConsoleAccount, watchedPage, signInOnPage } from '../support/console-browser';

const skip = browserSkipReason();
const artifacts = consoleArtifacts;



describe('admin console in a browser', { skip, concurrency: false }, () => {
  const suite = useTimeSkippingHarness();
  let browser: Browser;
  let origin: string;
  const admin = { email: 'ada.admin@example.com', password: 'correct horse battery staple' };
  const viewer = { email: 'vic.viewer@example.com', password: 'a viewer only reads things' };

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    origin = new URL(suite.h.webhookUrl).origin;
    browser = await launchChromium();
    await createConsoleAccount(suite.h, { email: admin.email, password: admin.password, role: 'admin' });
    await createConsoleAccount(suite.h, { email: viewer.email, password: viewer.password, role: 'viewer' });
  });
  after(async () => {
    await browser?.close();
  });

  const newPage = (viewport?: { width: number; height: number }) => watchedPage(browser, viewport);

  it('sends a signed-out visitor to the sign-in page, under the strict CSP', async () => {
    const { context, page, problems } = await newPage();
    try {
      const response = await page.goto(`${origin}/console/`);
      assert.equal(response?.status(), 200);
      assert.match(response?.headers()['content-security-policy'] ?? '', /script-src 'self'/);
      await page.getByLabel('Tenant').waitFor();
      assert.equal(new URL(page.url()).hash, '#/login');
      // Labels are tied to their inputs; the submit control is a real button.
      for (const label of ['Tenant', 'Email', 'Password']) assert.equal(await page.getByLabel(label).count(), 1, label);
      assert.equal(await page.getByRole('button', { name: 'Sign in' }).count(), 1);
      await page.screenshot({ path: path.join(artifacts, 'sign-in.png') });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('refuses wrong credentials on the page', async () => {
    const { context, page, problems } = await newPage();
    try {
      await page.goto(`${origin}/console/#/login`);
      await page.getByLabel('Tenant').fill(suite.h.tenant.slug);
      await page.getByLabel('Email').fill('nobody@example.com');
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: /not right/ }).waitFor();
      assert.equal(new URL(page.url()).hash, '#/login');
      assert.deepEqual(problems.filter((p) => !p.startsWith('csp') || /Refused to (execute|load|apply)/.test(p)), []);
    } finally {
      await context.close();
    }
  });

  const signIn = (page: Page, who: { email: string; password: string }) => signInOnPage(page, origin, suite.h.tenant.slug, who);

  it('signs an admin in and shows the marketplace: ServiceNow available, a planned connector not installable', async () => {
    const { context, page, problems } = await newPage();
    try {
      await signIn(page, admin);
      assert.equal(new URL(page.url()).hash, '#/marketplace');
      assert.match(await page.locator('#signed-in-as').innerText(), /ada\.admin@example\.com · admin/);
      const servicenow = page.locator('article[data-connector-id="servicenow"]');
      assert.equal(await servicenow.getAttribute('data-status'), 'available');
      assert.match(await servicenow.innerText(), /Available/);
      assert.equal(await servicenow.getByRole('link', { name: /Review/ }).count(), 1);
      const planned = page.locator('article[data-status="planned"]');
      assert.ok(await planned.count() > 0, 'planned connectors are listed');
      const first = planned.first();
      assert.equal(await first.getAttribute('data-installable'), 'false');
      assert.match(await first.innerText(), /not installable/);
      assert.equal(await first.getByRole('link', { name: /Review/ }).count(), 0, 'a planned connector has no install review link');
      await page.screenshot({ path: path.join(artifacts, 'marketplace.png'), fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it("shows an admin the GitHub install review and re-simulates when an action is unticked", async () => {
    const { context, page, problems } = await newPage();
    try {
      await signIn(page, admin);
      await page.locator('article[data-connector-id="github"]').getByRole('link', { name: /Review/ }).click();
      await page.locator('#simulation').waitFor();
      assert.equal(new URL(page.url()).hash, '#/connectors/github/review');
      assert.ok(await page.locator('#scopes li').count() > 0, 'the requested scopes are listed');
      assert.ok(await page.locator('#permissions li').count() > 0, 'the requested permissions are listed');
      const rows = page.locator('#simulation tbody tr');
      assert.ok(await rows.count() > 0);
      const row = page.locator('#simulation tbody tr[data-enabled="true"]').first();
      const actionId = await row.getAttribute('data-action-id');
      assert.ok(actionId);
      const target = page.locator(`#simulation tr[data-action-id="${actionId}"]`);
      const before = await target.locator('.decision').innerText();
      assert.doesNotMatch(before, /Not enabled/);
      assert.match(before, /Rule:/);
      // Keyboard: the checkbox is reached by its label and toggled with the space bar.
      const checkbox = target.getByRole('checkbox');
      await checkbox.focus();
      await page.keyboard.press('Space');
      await page.locator(`#simulation tr[data-action-id="${actionId}"][data-enabled="false"]`).waitFor();
      assert.match(await target.locator('.decision').innerText(), /Not enabled/);
      assert.equal(await target.getAttribute('data-decision'), 'blocked');
      await page.screenshot({ path: path.join(artifacts, 'install-review.png'), fullPage: true });
      await checkbox.check();
      await page.locator(`#simulation tr[data-action-id="${actionId}"][data-enabled="true"]`).waitFor();
      assert.equal(await target.locator('.decision').innerText(), before);
      // Enable reaches the server with the CSRF token; with no GitHub App registered for the
      // tenant the answer says what to do first, on the page.
      await page.getByRole('button', { name: /^Enable/ }).click();
      await page.locator('#review-error').filter({ hasText: /register the tenant's own github app/ }).waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('shows a viewer the review read-only, without an Enable button, readable on a phone', async () => {
    const { context, page, problems } = await newPage({ width: 390, height: 844 });
    try {
      await signIn(page, viewer);
      await page.goto(`${origin}/console/#/connectors/slack/review`);
      await page.locator('#simulation').waitFor();
      assert.equal(await page.getByRole('button', { name: /^Enable/ }).count(), 0);
      assert.match(await page.locator('#read-only-note').innerText(), /read-only/);
      for (const box of await page.locator('#simulation input[type="checkbox"]').all()) assert.equal(await box.isDisabled(), true);
      const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
      assert.ok(overflow <= 1, `the page is ${overflow}px wider than the screen`);
      await page.screenshot({ path: path.join(artifacts, 'install-review-viewer-phone.png'), fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
