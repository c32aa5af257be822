/**
 * Registering the tenant's own ServiceNow app from the console, end to end in a real browser
 * (Debian's Chromium) against the running stack and the ServiceNow simulator's OAuth endpoints:
 * an admin opens the ServiceNow review with nothing registered, reads the redirect URI to
 * register at the instance, fills the form by keyboard (a save without the secret is refused at
 * the secret's field, which gets the focus), saves, and sees the registration without the secret
 * anywhere in the page; Enable then goes through the instance's consent and back to a review
 * waiting for another admin. A viewer sees the registration read-only. On a phone, a policy that
 * wants references offers only an environment variable or a file for Slack's client secret; the
 * GitHub form takes the private key in an empty textarea and shows a refused App id at its field.
 * Screenshots go to test-artifacts/console/app-registration*.png (git-ignored).
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
const CLIENT_ID = 'gatehouse-console-registered';
const CLIENT_SECRET = `sn-registered-secret-${randomBytes(12).toString('hex')}`;

describe('registering the tenant’s own app from the console', { skip, concurrency: false }, () => {
  const suite = useTimeSkippingHarness();
  let browser: Browser;
  let origin: string;
  const ada = { email: 'ada.registers@example.com', password: 'ada registers the app' };
  const vic = { email: 'vic.reads@example.com', password: 'vic only reads the app' };

  before(async () => {
    mkdirSync(consoleArtifacts, { recursive: true });
    origin = new URL(suite.h.webhookUrl).origin;
    suite.h.sn.setOAuthConsent({ decision: 'approve', userName: integrationUser });
    await createConsoleAccount(suite.h, { ...ada, role: 'admin' });
    await createConsoleAccount(suite.h, { ...vic, role: 'viewer' });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  const signedIn = (who: { email: string; password: string }, viewport?: { width: number; height: number }) => signedInPage(browser, origin, suite.h.tenant.slug, who, viewport);

  const openReview = async (page: Page, connectorId = 'servicenow'): Promise<void> => {
    await page.goto(`${origin}/console/#/connectors/${connectorId}/review`);
    await page.locator('#simulation').waitFor();
    await page.locator('#app-registration').waitFor();
  };

  const focusedId = (page: Page) => page.evaluate<string>('document.activeElement?.id ?? ""');
  const hasFocus = async (page: Page, control: ReturnType<Page['locator']>) => (await control.getAttribute('id')) === await focusedId(page);

  it('lets an admin register the app by keyboard, shows it without the secret, and Enable reaches the consent', async () => {
    const { context, page, problems } = await signedIn(ada);
    try {
      await openReview(page);
      const card = page.locator('#app-registration');
      assert.match(await card.locator('h2').innerText(), /Your ServiceNow app/);
      assert.match(await card.innerText(), /System OAuth > Application Registry/);
      const redirectUri = await page.locator('#app-registration-redirect-uri').innerText();
      assert.equal(redirectUri, new URL('/oauth/callback/servicenow', suite.h.webhookUrl).toString());
      // Enable before the app is registered says what is missing, on the page.
      await page.getByRole('button', { name: /^Enable/ }).click();
      await page.locator('#review-error').filter({ hasText: /register the tenant's own servicenow app/ }).waitFor();
      // The admin makes the application at the instance with the redirect URI the page showed.
      suite.h.sn.addOAuthClient({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [redirectUri] });

      const form = page.locator('#app-registration-form');
      const secretBox = form.getByLabel('Client secret', { exact: true });
      assert.equal(await secretBox.getAttribute('type'), 'password');
      assert.equal(await secretBox.getAttribute('autocomplete'), 'off');
      assert.equal(await secretBox.inputValue(), '', 'never prefilled');
      assert.deepEqual(await form.getByLabel('How the secret is kept').locator('option').allInnerTexts(), ['Seal it in Gatehouse', 'Environment variable', 'File']);

      // Keyboard only: type the client id, Tab past how it is kept, the secret left empty, the grant, to Save.
      await form.getByLabel('Client ID').focus();
      await page.keyboard.type(CLIENT_ID);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      assert.ok(await hasFocus(page, secretBox), 'the secret is next');
      await page.keyboard.press('Tab');
      assert.ok(await hasFocus(page, form.getByLabel(/Authorization code/)), 'then the grant');
      await page.keyboard.press('Tab');
      assert.equal(await focusedId(page), 'app-registration-save');
      await page.keyboard.press('Enter');
      // Refused at the secret's field, which now has the focus.
      await page.locator('#app-registration-error').filter({ hasText: /Not saved/ }).waitFor();
      assert.equal(await secretBox.getAttribute('aria-invalid'), 'true');
      assert.ok(await hasFocus(page, secretBox), 'the refused field has the focus');
      await card.screenshot({ path: path.join(consoleArtifacts, 'app-registration-refused.png') });
      await page.keyboard.type(CLIENT_SECRET);
      await page.keyboard.press('Enter');

      await page.locator('#app-registration-facts').waitFor();
      const facts = await page.locator('#app-registration-facts').innerText();
      assert.match(facts, new RegExp(CLIENT_ID));
      assert.match(facts, /Client secret\s+sealed in Gatehouse/);
      assert.match(facts, /Authorization code/);
      assert.match(facts, new RegExp(ada.email.replace(/\./g, '\\.')));
      assert.match(await page.locator('#app-registration-status').innerText(), /Saved your ServiceNow app/);
      assert.equal(await page.locator('#review-error').innerText(), '', 'the missing-app error went with the save');
      assert.equal(await page.locator('#app-registration-form').count(), 0, 'the form is gone');
      assert.ok(!(await page.content()).includes(CLIENT_SECRET), 'the secret is nowhere in the page');
      await page.screenshot({ path: path.join(consoleArtifacts, 'app-registration.png'), fullPage: true });

      // Replace shows the form again, empty; Cancel goes back to the registration.
      await page.getByRole('button', { name: 'Replace ServiceNow app' }).click();
      assert.equal(await form.getByLabel('Client secret', { exact: true }).inputValue(), '');
      await form.getByRole('button', { name: 'Cancel' }).click();
      await page.locator('#app-registration-facts').waitFor();

      await page.getByRole('button', { name: /^Enable/ }).click();
      // /oauth/begin → the instance's consent for the registered app → the callback → the console.
      await page.waitForURL(`${origin}/console/#/connectors/servicenow/review`, { timeout: 20_000 });
      await page.locator('#install-progress[data-status="pending_review"]').waitFor({ timeout: 20_000 });
      const stored = await suite.h.admin('GET', `/admin/tenants/${suite.h.tenant.slug}/connectors/servicenow/install`);
      assert.equal((stored.body['install'] as { status: string }).status, 'pending_review');
      assert.ok(!(await page.content()).includes(CLIENT_SECRET), 'the secret is nowhere in the page');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('shows a viewer the registration read-only', async () => {
    const { context, page, problems } = await signedIn(vic);
    try {
      await openReview(page);
      await page.locator('#app-registration-facts').waitFor();
      assert.match(await page.locator('#app-registration-facts').innerText(), /sealed in Gatehouse/);
      assert.equal(await page.locator('#app-registration-form').count(), 0, 'no form');
      assert.equal(await page.getByRole('button', { name: /Replace/ }).count(), 0, 'no Replace button');
      assert.ok(!(await page.content()).includes(CLIENT_SECRET));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('offers on a phone only the ways the policy allows to keep the Slack client secret, and saves a reference', async () => {
    const setStorage = async (storage: 'either' | 'reference') => {
      const current = await suite.h.admin('GET', `/admin/tenants/${suite.h.tenant.slug}/policy`);
      const stored = await suite.h.admin('PUT', `/admin/tenants/${suite.h.tenant.slug}/policy`, { ...(current.body['policy'] as Record<string, unknown>), credentials: { clientSecretStorage: storage } });
      assert.equal(stored.status, 201, JSON.stringify(stored.body));
    };
    await setStorage('reference');
    const signingSecret = `slack-signing-${randomBytes(8).toString('hex')}`;
    const { context, page, problems } = await signedIn(ada, { width: 390, height: 844 });
    try {
      await openReview(page, 'slack');
      assert.match(await page.locator('#app-registration').innerText(), /OAuth & Permissions/);
      assert.equal(await page.locator('#app-registration-redirect-uri').innerText(), new URL('/oauth/callback/slack', suite.h.webhookUrl).toString());
      const form = page.locator('#app-registration-form');
      const labels = await form.locator('label').allInnerTexts();
      assert.deepEqual(labels.filter((l) => ['Client ID', 'How the secret is kept', 'Environment variable name', 'App ID', 'Signing secret'].includes(l)),
        ['Client ID', 'How the secret is kept', 'Environment variable name', 'App ID', 'Signing secret'], 'Slack’s order, the secret kept by reference');
      const way = form.getByLabel('How the secret is kept');
      assert.deepEqual(await way.locator('option').allInnerTexts(), ['Environment variable', 'File'], 'the policy allows no sealed value');
      assert.equal(await form.getByLabel('Client secret', { exact: true }).count(), 0, 'no box for a value');
      await way.selectOption({ label: 'File' });
      await form.getByLabel('File path').waitFor();
      assert.equal(await form.getByLabel('Environment variable name').count(), 0);
      await way.selectOption({ label: 'Environment variable' });
      await form.getByLabel('Client ID').fill('slack-console-client');
      await form.getByLabel('Environment variable name').fill('GATEHOUSE_TENANT_SECRET_ACME_SLACK');
      const signing = form.getByLabel('Signing secret');
      assert.equal(await signing.getAttribute('type'), 'password');
      await signing.fill(signingSecret);
      const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
      assert.ok(overflow <= 1, `the page is ${overflow}px wider than the screen`);
      await form.getByRole('button', { name: 'Save Slack app' }).click();
      await page.locator('#app-registration-facts').waitFor();
      assert.match(await page.locator('#app-registration-facts').innerText(), /Client secret\s+environment variable GATEHOUSE_TENANT_SECRET_ACME_SLACK/);
      assert.ok(!(await page.content()).includes(signingSecret), 'the signing secret is nowhere in the page');
      await page.screenshot({ path: path.join(consoleArtifacts, 'app-registration-slack-phone.png'), fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
      await setStorage('either');
    }
  });

  it('asks an admin for the GitHub App with its private key in an empty textarea and github.com as the default web URL', async () => {
    const { context, page, problems } = await signedIn(ada);
    try {
      await openReview(page, 'github');
      assert.match(await page.locator('#app-registration').innerText(), /Setup URL \(under Post installation\)/);
      assert.equal(await page.locator('#app-registration-redirect-uri').innerText(), new URL('/oauth/github/setup', suite.h.webhookUrl).toString());
      const form = page.locator('#app-registration-form');
      const key = form.getByLabel('Private key', { exact: true });
      assert.equal(await key.evaluate((node) => node.tagName), 'TEXTAREA');
      assert.equal(await key.getAttribute('autocomplete'), 'off');
      assert.equal(await key.inputValue(), '');
      assert.equal(await form.getByLabel('Webhook secret').getAttribute('type'), 'password');
      assert.equal(await form.getByLabel('Web URL').inputValue(), 'https://github.com');
      const labels = await form.locator('label').allInnerTexts();
      assert.deepEqual(labels.filter((l) => ['App ID', 'App slug', 'Private key', 'Webhook secret', 'Web URL'].includes(l)), ['App ID', 'App slug', 'Private key', 'Webhook secret', 'Web URL']);
      // The reason for a refusal is shown at its field: an App id must be a number.
      await form.getByLabel('App ID').fill('not-a-number');
      await form.getByLabel('App slug').fill('acme-gatehouse');
      await key.fill('-----BEGIN RSA PRIVATE KEY-----');
      await form.getByRole('button', { name: 'Save GitHub app' }).click();
      await page.locator('#app-registration-error').filter({ hasText: /Not saved/ }).waitFor();
      assert.equal(await form.getByLabel('App ID').getAttribute('aria-invalid'), 'true');
      assert.equal(await key.getAttribute('aria-invalid'), null);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
