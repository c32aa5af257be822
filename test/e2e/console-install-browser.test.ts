/**
 * Installing a connector from the console, end to end in a real browser (Debian's Chromium)
 * against the running stack and the ServiceNow simulator's OAuth endpoints: an admin reviews
 * ServiceNow, unticks an action and sees the simulation say it will not run, presses Enable, goes
 * through the instance's consent and comes back to the review page, which says the install waits
 * for another admin (nobody approves their own install). A second admin opens the same review,
 * sees the requester's choice, approves; both pages follow the install live to enabled, and the
 * unticked action is not enabled. Then an install whose grant the instance revoked before the
 * healthcheck ends on the page as failed, with the reason. Screenshots go to
 * test-artifacts/console/ (git-ignored).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchChromium } from '../support/browser';
import { integrationUser } from '../support/harness';
import { useTimeSkippingHarness } from '../support/harness-suite';
import { consoleArtifacts, createConsoleAccount, signedInPage } from '../support/console-browser';

const skip = browserSkipReason();
const CLIENT_ID = 'gatehouse-console-install';
const CLIENT_SECRET = `sn-console-secret-${randomBytes(12).toString('hex')}`;

type InstallView = { install: { status: string; enabledActions: string[]; reviewedBy: string | null; requestedBy: string | null } };

describe('installing a connector from the console', { skip, concurrency: false }, () => {
  const suite = useTimeSkippingHarness();
  let browser: Browser;
  let origin: string;
  const ada = { email: 'ada.installs@example.com', password: 'ada asks for connectors' };
  const bob = { email: 'bob.reviews@example.com', password: 'bob reviews what ada asks' };

  before(async () => {
    mkdirSync(consoleArtifacts, { recursive: true });
    origin = new URL(suite.h.webhookUrl).origin;
    suite.h.sn.addOAuthClient({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [`${suite.h.runtime.apiUrl}/oauth/callback/servicenow`] });
    suite.h.sn.setOAuthConsent({ decision: 'approve', userName: integrationUser });
    const registered = await suite.h.admin('PUT', `/admin/tenants/${suite.h.tenant.slug}/app-registrations/servicenow`, {
      createdBy: 'console-install-test', clientId: CLIENT_ID, clientSecret: { value: CLIENT_SECRET }, grant: 'authorization_code',
    });
    assert.equal(registered.status, 200, JSON.stringify(registered.body));
    await createConsoleAccount(suite.h, { ...ada, role: 'admin' });
    await createConsoleAccount(suite.h, { ...bob, role: 'admin' });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  const install = async (): Promise<InstallView['install']> =>
    ((await suite.h.admin('GET', `/admin/tenants/${suite.h.tenant.slug}/connectors/servicenow/install`)).body as unknown as InstallView).install;

  const signedIn = (who: { email: string; password: string }) => signedInPage(browser, origin, suite.h.tenant.slug, who);

  const openReview = async (page: Page): Promise<void> => {
    await page.goto(`${origin}/console/#/connectors/servicenow/review`);
    await page.locator('#simulation').waitFor();
  };

  const progressOf = (page: Page, status: string) => page.locator(`#install-progress[data-status="${status}"]`);

  /** Starts the install on the page and comes back from the instance's consent to the review. */
  const enableThroughConsent = async (page: Page): Promise<void> => {
    await page.getByRole('button', { name: /^Enable/ }).click();
    // /oauth/begin → the instance's consent (answered as set above) → the callback → the console.
    await page.waitForURL(`${origin}/console/#/connectors/servicenow/review`, { timeout: 20_000 });
    await progressOf(page, 'pending_review').waitFor({ timeout: 20_000 });
  };

  let unticked = '';

  it('lets an admin untick an action, authorise at the instance and come back to a review only another admin may decide', async () => {
    const { context, page, problems } = await signedIn(ada);
    try {
      await openReview(page);
      // A write the policy would run behind approval: unticking it changes the simulation to "not enabled".
      const row = page.locator('#simulation tbody tr[data-enabled="true"][data-decision="needs_approval"]').first();
      unticked = (await row.getAttribute('data-action-id')) ?? '';
      assert.ok(unticked, 'a ServiceNow action that needs approval');
      const target = page.locator(`#simulation tr[data-action-id="${unticked}"]`);
      await target.getByRole('checkbox').uncheck();
      await page.locator(`#simulation tr[data-action-id="${unticked}"][data-enabled="false"]`).waitFor();
      assert.match(await target.locator('.decision').innerText(), /Not enabled/);

      await enableThroughConsent(page);
      assert.match(await page.locator('#install-progress').innerText(), new RegExp(`review.*${ada.email.replace(/\./g, '\\.')}`));
      assert.match(await page.locator('#review-own-note').innerText(), /another tenant admin must review it/);
      assert.equal(await page.locator('#approve-install').count(), 0, 'the requester has no Approve button');
      // The requester's choice is what the review opens with.
      assert.equal(await page.locator(`#simulation tr[data-action-id="${unticked}"]`).getAttribute('data-enabled'), 'false');
      assert.equal(await page.locator(`#simulation tr[data-action-id="${unticked}"]`).getByRole('checkbox').isChecked(), false);
      const stored = await install();
      assert.equal(stored.status, 'pending_review');
      assert.equal(stored.requestedBy, ada.email);
      await page.screenshot({ path: path.join(consoleArtifacts, 'install-waiting-for-review.png'), fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it("lets a second admin approve with the requester's choice; both pages follow the install to enabled", async () => {
    assert.ok(unticked, 'the previous test left an install waiting for review');
    const requester = await signedIn(ada);
    const reviewer = await signedIn(bob);
    try {
      await openReview(requester.page);
      await progressOf(requester.page, 'pending_review').waitFor();
      const { page } = reviewer;
      await openReview(page);
      await page.locator('#install-decision').waitFor();
      assert.match(await page.locator('#install-decision').innerText(), new RegExp(`${ada.email.replace(/\./g, '\\.')} asked to enable`));
      assert.equal(await page.locator(`#simulation tr[data-action-id="${unticked}"]`).getByRole('checkbox').isChecked(), false);
      // Keyboard only: focus the button and press Enter.
      await page.locator('#approve-install').focus();
      await page.keyboard.press('Enter');
      await progressOf(page, 'enabled').waitFor({ timeout: 30_000 });
      const said = await page.locator('#install-progress').innerText();
      assert.match(said, new RegExp(`approved by ${bob.email.replace(/\./g, '\\.')}`));
      await page.screenshot({ path: path.join(consoleArtifacts, 'install-enabled.png'), fullPage: true });
      // The requester's page, left open, got there by polling.
      await progressOf(requester.page, 'enabled').waitFor({ timeout: 30_000 });

      const stored = await install();
      assert.equal(stored.status, 'enabled');
      assert.equal(stored.reviewedBy, bob.email);
      assert.ok(stored.enabledActions.length > 0, 'the ticked actions are enabled');
      assert.ok(!stored.enabledActions.includes(unticked), `${unticked} was unticked and must not be enabled`);
      assert.deepEqual(reviewer.problems, []);
      assert.deepEqual(requester.problems, []);
    } finally {
      await requester.context.close();
      await reviewer.context.close();
    }
  });

  it('shows an install whose healthcheck fails as failed, with the reason', async () => {
    const requester = await signedIn(ada);
    const reviewer = await signedIn(bob);
    try {
      await openReview(requester.page);
      await enableThroughConsent(requester.page);
      // The instance withdraws the grant before the healthcheck runs: the check cannot pass.
      suite.h.sn.revokeAllTokensOf(CLIENT_ID);
      const { page } = reviewer;
      await openReview(page);
      await page.locator('#approve-install').click();
      await progressOf(page, 'healthcheck_failed').waitFor({ timeout: 60_000 });
      assert.match(await page.locator('#install-progress').innerText(), /^Failed: healthcheck failed: .+/);
      assert.equal((await install()).status, 'healthcheck_failed');
      assert.equal(await page.getByRole('button', { name: /^Enable/ }).count(), 1, 'the admin can start again');
      await page.screenshot({ path: path.join(consoleArtifacts, 'install-failed.png'), fullPage: true });
      assert.deepEqual(reviewer.problems, []);
    } finally {
      await requester.context.close();
      await reviewer.context.close();
    }
  });
});
