/**
 * The console's Policy and Connections pages in a real browser (Debian's Chromium) against the
 * running stack: an admin edits the policy into an invalid state and sees the message next to the
 * editor under the field's path, fixes it, simulates the draft and sees the decision it changes,
 * and saves it as a new revision; on the connections page the admin runs a smoke test and sees
 * each step's outcome and timing, and opens a disconnect that lists what will be deleted and
 * revoked and stays disabled until the connector id is typed. A viewer gets no Save button.
 * Screenshots go to test-artifacts/console/ (git-ignored).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { upsertPendingInstall, updateInstall } from '../../db/installs-repo';
import { browserSkipReason, launchChromium } from '../support/browser';
import { useTimeSkippingHarness } from '../support/harness-suite';
import { consoleArtifacts, watchedPage, signInOnPage } from '../support/console-browser';

const skip = browserSkipReason();
const artifacts = consoleArtifacts;


describe('console policy and connections in a browser', { skip, concurrency: false }, () => {
  const suite = useTimeSkippingHarness();
  let browser: Browser;
  let origin: string;
  const admin = { email: 'pia.admin@example.com', password: 'correct horse battery staple' };
  const viewer = { email: 'vera.viewer@example.com', password: 'a viewer only reads things' };

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    origin = new URL(suite.h.webhookUrl).origin;
    browser = await launchChromium();
    for (const [account, role] of [[admin, 'admin'], [viewer, 'viewer']] as const) {
      const res = await suite.h.admin('POST', `/admin/tenants/${suite.h.tenant.slug}/accounts`, { ...account, role });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    await upsertPendingInstall(suite.h.db.pool, {
      tenantId: suite.h.tenant.id, connectorId: 'slack', manifestVersion: '1.0.0', config: {}, credentialNames: [], requestedBy: admin.email, workflowId: 'install-browser-slack',
    });
    await updateInstall(suite.h.db.pool, suite.h.tenant.id, 'slack', { status: 'enabled', enabledActions: ['slack.users.info'], reviewedBy: 'someone else', detail: { message: 'enabled' } });
  });
  after(async () => {
    await browser?.close();
  });

  const newPage = (viewport?: { width: number; height: number }) => watchedPage(browser, viewport);

  const signIn = (page: Page, who: { email: string; password: string }) => signInOnPage(page, origin, suite.h.tenant.slug, who);

  it('edits the policy: an invalid field gets its message next to the editor, the fixed draft is simulated and saved', async () => {
    const { context, page, problems } = await newPage();
    try {
      await signIn(page, admin);
      await page.getByRole('link', { name: 'Policy' }).click();
      // The form is the default view (see console-policy-form-browser.test.ts); this test edits the JSON.
      await page.getByRole('button', { name: 'Edit as JSON' }).click();
      const editor = page.getByLabel('Policy document (JSON)');
      await editor.waitFor();
      assert.match(await page.locator('#policy-in-force').innerText(), /default policy/);
      const original = JSON.parse(await editor.inputValue()) as { tiers: { high: { quorum: number } }; actions?: Record<string, unknown> };

      const invalid = structuredClone(original);
      invalid.tiers.high.quorum = 0;
      await editor.fill(JSON.stringify(invalid, null, 2));
      await page.getByRole('button', { name: 'Validate' }).click();
      const issue = page.locator('#policy-issues li[data-path="tiers.high.quorum"]');
      await issue.waitFor();
      assert.match(await issue.innerText(), /tiers\.high\.quorum: .*1/);
      assert.equal(await editor.getAttribute('aria-invalid'), 'true');
      assert.match(await editor.getAttribute('aria-describedby') ?? '', /policy-issues/);
      // Choosing the message selects the field in the editor.
      await issue.getByRole('button').click();
      const selected = await editor.evaluate((e) => {
        const t = e as unknown as { value: string; selectionStart: number; selectionEnd: number };
        return t.value.slice(t.selectionStart, t.selectionEnd);
      });
      assert.equal(selected, '"quorum"');
      await page.screenshot({ path: path.join(artifacts, 'policy-invalid.png'), fullPage: true });

      const fixed = structuredClone(original);
      fixed.actions = { ...(fixed.actions ?? {}), 'slack.users.info': { mode: 'block' } };
      await editor.fill(JSON.stringify(fixed, null, 2));
      await page.getByRole('button', { name: 'Simulate' }).click();
      const row = page.locator('#policy-simulation tr[data-action-id="slack.users.info"]');
      await row.waitFor();
      assert.equal(await row.getAttribute('data-changed'), 'true');
      assert.match(await row.innerText(), /Blocked/);
      assert.equal(await page.locator('#policy-issues li').count(), 0, 'the fixed draft has no problems');
      assert.equal(await editor.getAttribute('aria-invalid'), 'false');
      assert.match(await page.locator('#policy-simulation caption').innerText(), /1 decision would change/);
      await page.screenshot({ path: path.join(artifacts, 'policy-simulation.png'), fullPage: true });

      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('status').filter({ hasText: /Saved as revision 1/ }).waitFor();
      assert.match(await page.locator('#policy-revisions').innerText(), new RegExp(`Revision 1 by ${admin.email.replace('.', '\\.')}`));
      await page.reload();
      await editor.waitFor();
      assert.deepEqual((JSON.parse(await editor.inputValue()) as { actions: Record<string, unknown> }).actions['slack.users.info'], { mode: 'block' });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('shows a viewer the policy without a Save button', async () => {
    const { context, page, problems } = await newPage({ width: 390, height: 844 });
    try {
      await signIn(page, viewer);
      await page.goto(`${origin}/console/#/policy`);
      await page.getByRole('button', { name: 'Edit as JSON' }).click();
      await page.getByLabel('Policy document (JSON)').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Save' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Simulate' }).count(), 1);
      const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
      assert.ok(overflow <= 1, `the page is ${overflow}px wider than the screen`);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('runs a smoke test on a connection and previews its disconnect, confirmed only by the connector id', async () => {
    const { context, page, problems } = await newPage();
    try {
      await signIn(page, admin);
      await page.getByRole('link', { name: 'Connections' }).click();
      const card = page.locator('article.connection[data-connector-id="slack"]');
      await card.waitFor();
      assert.equal(await card.getAttribute('data-status'), 'enabled');
      assert.match(await card.locator('.last-healthcheck').innerText(), /No healthcheck recorded yet/);
      await card.getByRole('button', { name: 'Smoke test' }).click();
      const report = card.locator('table.smoke-report');
      await report.waitFor();
      const healthcheck = report.locator('tr[data-step="healthcheck"]');
      assert.match(await healthcheck.innerText(), /(Passed|Failed)[\s\S]*\d+ ms/);
      assert.ok(await report.locator('tbody tr').count() >= 1);
      assert.match(await card.locator('.last-healthcheck').innerText(), /smoke test/);
      await page.screenshot({ path: path.join(artifacts, 'connections-smoke-test.png'), fullPage: true });

      await card.getByRole('button', { name: 'Disconnect…' }).click();
      const confirm = card.locator('.confirm-disconnect');
      await confirm.waitFor();
      assert.match(await confirm.innerText(), /Deleted here[\s\S]*Stored credentials[\s\S]*Route tokens disabled[\s\S]*Revoked at the provider/);
      const go = confirm.getByRole('button', { name: /^Disconnect / });
      assert.equal(await go.isDisabled(), true);
      const typed = confirm.getByLabel(/Type slack to confirm/);
      await typed.fill('Slack');
      assert.equal(await go.isDisabled(), true, 'the confirmation must name the connector exactly');
      await typed.fill('slack');
      assert.equal(await go.isDisabled(), false);
      await page.screenshot({ path: path.join(artifacts, 'connections-disconnect.png'), fullPage: true });
      await go.click();
      await page.locator('#connections-status').filter({ hasText: /disconnected/ }).waitFor({ timeout: 30_000 });
      await page.locator('article.connection[data-connector-id="slack"][data-status="disconnected"]').waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
